with

source as (

    select * from {{ source('movielens', 'links') }}

),

final as (

    select
        cast(movieId as int) as movie_id,
        cast(imdbId as string) as imdb_id,
        cast(tmdbId as int) as tmdb_id

    from source

)

select * from final
