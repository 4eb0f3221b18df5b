with

source as (

    select * from {{ source('movielens', 'tags') }}

),

final as (

    select
        cast(userId as int) as user_id,
        cast(movieId as int) as movie_id,
        cast(tag as string) as tag,
        timestamp_seconds(`timestamp`) as tagged_at

    from source

)

select * from final
