-- The ratings of movies a valid row of movies.csv lists: what every later model reads. The others,
-- ratings of movies missing from movies.csv, are quarantined (quarantine) and counted
-- (row_accounting); the staging view keeps them, as staging models join nothing.
with

ratings as (

    select * from {{ ref('stg_movielens__ratings') }}

),

listed_movies as (

    select movie_id from {{ ref('stg_movielens__movies') }}

),

final as (

    select ratings.*

    from ratings
    left semi join listed_movies
        on ratings.movie_id = listed_movies.movie_id

)

select * from final
