{{ config(materialized='table') }}
-- Ratings of the cleaned movies only, each with its user's number of such ratings (what
-- `rating_cap` is compared with). A table: the ratings mart, the accounting and the EDA read it.

with

ratings as (

    select * from {{ ref('int_ratings_matched_to_movies') }}

),

movies as (

    select movie_id from {{ ref('movies') }}

),

ratings_of_movies as (

    select ratings.*
    from ratings
    left semi join movies
        on ratings.movie_id = movies.movie_id

),

final as (

    select
        *,
        count(*) over (partition by user_id) as user_rating_count

    from ratings_of_movies

)

select * from final
