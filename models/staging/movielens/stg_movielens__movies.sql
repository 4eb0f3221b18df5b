with

source as (

    select * from {{ source('movielens', 'movies') }}

),

final as (

    select
        cast(movieId as int) as movie_id,
        cast(title as string) as title,
        cast(genres as string) as genres

    from source

)

select * from final
