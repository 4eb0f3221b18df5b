with

source as (

    select * from {{ ref('base_movielens__links') }}
    where quarantine_rule is null

),

final as (

    select
        movie_id,
        imdb_id,
        tmdb_id

    from source

)

select * from final
