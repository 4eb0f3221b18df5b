-- Movies per release decade (from the year in the title; null where a title has none),
-- before and after cleaning.
with

raw_movies as (

    select movie_id, release_year from {{ ref('int_movies_genres_pivoted') }}

),

movies as (

    select movie_id from {{ ref('movies') }}

),

decades as (

    select
        cast(floor(raw_movies.release_year / 10) * 10 as int) as decade,
        movies.movie_id is not null as is_cleaned

    from raw_movies
    left join movies
        on raw_movies.movie_id = movies.movie_id

),

final as (

    select
        decade,
        count(*) as movies_raw,
        count_if(is_cleaned) as movies_cleaned

    from decades
    group by decade

)

select * from final
