-- The final ratings: ratings of cleaned movies by users with at most `rating_cap` of them
-- (everyone when `rating_cap` is null).
with

ratings as (

    select * from {{ ref('int_ratings_filtered') }}

),

final as (

    select
        user_id,
        movie_id,
        rating,
        rated_at,
        rated_date,
        rated_year

    from ratings
    where {{ 'true' if var('rating_cap') is none else 'user_rating_count <= ' ~ var('rating_cap') }}

)

select * from final
