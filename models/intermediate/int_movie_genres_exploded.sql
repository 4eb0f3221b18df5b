-- One row per (movie, genre listed in movies.csv), with the genre lookup's verdict on it.
with

movies as (

    select movie_id, genres from {{ ref('stg_movielens__movies') }}

),

genre_lookup as (

    select genre, column_name, is_kept from {{ ref('movielens_genres') }}

),

listed as (

    select
        movie_id,
        explode(split(genres, '[|]')) as genre

    from movies

),

exploded as (

    select distinct movie_id, genre from listed

),

final as (

    select
        exploded.movie_id,
        exploded.genre,
        genre_lookup.column_name,
        -- a genre missing from the lookup is not kept (and fails the relationships test)
        coalesce(genre_lookup.is_kept, false) as is_kept

    from exploded
    left join genre_lookup
        on exploded.genre = genre_lookup.genre

)

select * from final
