-- The original study's look at movies nobody rated: how many, and the newest of them.
-- Compile with `dbt compile --select movies_without_ratings`, run the SQL in target/compiled.
with

movies as (

    select movie_id, title, genres from {{ ref('stg_movielens__movies') }}

),

ratings as (

    select movie_id from {{ ref('stg_movielens__ratings') }}

),

unrated as (

    select movies.*
    from movies
    left anti join ratings
        on movies.movie_id = ratings.movie_id

),

final as (

    select
        count(*) over () as unrated_movies,
        movie_id,
        title,
        genres

    from unrated

)

select * from final
order by movie_id desc
limit 50
