-- Ratings given in each calendar year (UTC), with their mean, for all valid ratings of listed
-- movies and for the final ratings.
with

raw_ratings as (

    select user_id, rating, rated_year from {{ ref('int_ratings_matched_to_movies') }}

),

final_ratings as (

    select rating, rated_year from {{ ref('ratings') }}

),

raw_by_year as (

    select
        rated_year,
        count(*) as ratings_raw,
        avg(rating) as mean_rating_raw,
        count(distinct user_id) as users_raw

    from raw_ratings
    group by rated_year

),

final_by_year as (

    select
        rated_year,
        count(*) as ratings_final,
        avg(rating) as mean_rating_final

    from final_ratings
    group by rated_year

),

final as (

    select
        raw_by_year.rated_year,
        raw_by_year.ratings_raw,
        raw_by_year.mean_rating_raw,
        raw_by_year.users_raw,
        coalesce(final_by_year.ratings_final, 0) as ratings_final,
        final_by_year.mean_rating_final

    from raw_by_year
    left join final_by_year
        on raw_by_year.rated_year = final_by_year.rated_year

)

select * from final
