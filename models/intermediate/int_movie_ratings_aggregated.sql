{{ config(materialized='table') }}
-- Rating count and average rating of every rated movie, over the valid ratings of listed movies.
-- A table: five models read it, and as a view each of them would aggregate all ratings again.
with

ratings as (

    select movie_id, rating from {{ ref('int_ratings_matched_to_movies') }}

),

final as (

    select
        movie_id,
        count(*) as rating_count,
        avg(rating) as avg_rating

    from ratings
    group by movie_id

)

select * from final
