-- Rating count and average rating of every rated movie, over all ratings read.
with

ratings as (

    select movie_id, rating from {{ ref('stg_movielens__ratings') }}

),

final as (

    select
        movie_id,
        count(*) as rating_count,
        avg(rating) as avg_rating

    from ratings
    group by movie_id

)

select * from final
