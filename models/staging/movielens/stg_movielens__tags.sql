with

source as (

    select * from {{ ref('base_movielens__tags') }}
    where quarantine_rule is null

),

final as (

    select
        user_id,
        movie_id,
        tag,
        timestamp_seconds(tagged_at_seconds) as tagged_at

    from source

)

select * from final
