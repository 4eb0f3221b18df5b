with

source as (

    select * from {{ ref('base_movielens__ratings') }}
    where quarantine_rule is null

),

final as (

    select
        user_id,
        movie_id,
        rating,
        timestamp_seconds(rated_at_seconds) as rated_at,
        -- days since the epoch give the UTC date whatever the session time zone
        date_from_unix_date(cast(floor(rated_at_seconds / 86400) as int)) as rated_date,
        year(date_from_unix_date(cast(floor(rated_at_seconds / 86400) as int))) as rated_year

    from source

)

select * from final
