with

source as (

    select * from {{ ref('base_movielens__movies') }}
    where quarantine_rule is null

),

final as (

    select
        movie_id,
        title,
        genres

    from source

)

select * from final
