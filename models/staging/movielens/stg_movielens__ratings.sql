with

source as (

    select * from {{ source('movielens', 'ratings') }}

),

final as (

    select
        cast(userId as int) as user_id,
        cast(movieId as int) as movie_id,
        cast(rating as double) as rating,
        timestamp_seconds(`timestamp`) as rated_at,
        -- days since the epoch give the UTC date whatever the session time zone
        date_from_unix_date(cast(floor(`timestamp` / 86400) as int)) as rated_date,
        year(date_from_unix_date(cast(floor(`timestamp` / 86400) as int))) as rated_year

    from source

)

select * from final
