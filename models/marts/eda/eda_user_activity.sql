-- One row per user who rated anything: how many ratings they gave, how many fall on cleaned
-- movies (the number `rating_cap` is compared with), and their rating statistics.
{%- set cap = var('rating_cap') %}

with

raw_ratings as (

    select user_id, rating, rated_at from {{ ref('int_ratings_matched_to_movies') }}

),

filtered_ratings as (

    select user_id, user_rating_count from {{ ref('int_ratings_filtered') }}

),

raw_stats as (

    select
        user_id,
        count(*) as ratings_raw,
        avg(rating) as mean_rating,
        median(rating) as median_rating,
        min(rating) as min_rating,
        max(rating) as max_rating,
        min(rated_at) as first_rated_at,
        max(rated_at) as last_rated_at

    from raw_ratings
    group by user_id

),

filtered_stats as (

    select distinct user_id, user_rating_count from filtered_ratings

),

final as (

    select
        raw_stats.user_id,
        raw_stats.ratings_raw,
        coalesce(filtered_stats.user_rating_count, 0) as ratings_on_cleaned_movies,
        filtered_stats.user_id is not null
        and {{ 'true' if cap is none else 'filtered_stats.user_rating_count <= ' ~ cap }} as is_kept,
        raw_stats.mean_rating,
        raw_stats.median_rating,
        raw_stats.min_rating,
        raw_stats.max_rating,
        raw_stats.first_rated_at,
        raw_stats.last_rated_at

    from raw_stats
    left join filtered_stats
        on raw_stats.user_id = filtered_stats.user_id

)

select * from final
