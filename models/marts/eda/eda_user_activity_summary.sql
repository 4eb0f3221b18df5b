-- Ratings per user summarised at each stage: all valid ratings of listed movies, ratings of
-- cleaned movies, and the final ratings of the users within the cap.
with

users as (

    select * from {{ ref('eda_user_activity') }}

),

per_stage as (

    select 1 as stage_order, 'raw' as stage, ratings_raw as ratings_per_user from users
    union all
    select 2, 'on cleaned movies', ratings_on_cleaned_movies
    from users
    where ratings_on_cleaned_movies > 0
    union all
    select 3, 'final', ratings_on_cleaned_movies
    from users
    where is_kept

),

final as (

    select
        stage_order,
        stage,
        count(*) as users,
        sum(ratings_per_user) as ratings,
        avg(ratings_per_user) as mean_ratings_per_user,
        median(ratings_per_user) as median_ratings_per_user,
        min(ratings_per_user) as min_ratings_per_user,
        max(ratings_per_user) as max_ratings_per_user

    from per_stage
    group by stage_order, stage

)

select * from final
