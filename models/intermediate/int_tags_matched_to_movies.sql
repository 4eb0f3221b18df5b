-- The tags of movies a valid row of movies.csv lists: what every later model reads. The others,
-- tags of movies missing from movies.csv, are quarantined (quarantine) and counted
-- (row_accounting); the staging view keeps them, as staging models join nothing.
with

tags as (

    select * from {{ ref('stg_movielens__tags') }}

),

listed_movies as (

    select movie_id from {{ ref('stg_movielens__movies') }}

),

final as (

    select tags.*

    from tags
    left semi join listed_movies
        on tags.movie_id = listed_movies.movie_id

)

select * from final
