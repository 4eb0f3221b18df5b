{{ config(materialized='table') }}
-- Rating count and average rating of every rated movie, over all ratings read. A table: five
-- models read it, and as a view each of them would aggregate all ratings again.
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
