-- Asserts that every user of als_ratings_train has exactly `top_n` rows in user_recommendations,
-- ranked 1 to top_n, and that no other user has any.
with

train_users as (

    select distinct user_id from {{ ref('als_ratings_train') }}

),

recommendation_counts as (

    select
        user_id,
        count(*) as recommendations,
        min(rank) as first_rank,
        max(rank) as last_rank

    from {{ source('ml', 'user_recommendations') }}
    group by user_id

),

final as (

    select
        coalesce(train_users.user_id, recommendation_counts.user_id) as user_id,
        recommendation_counts.recommendations,
        recommendation_counts.first_rank,
        recommendation_counts.last_rank

    from train_users
    full outer join recommendation_counts
        on train_users.user_id = recommendation_counts.user_id
    where
        train_users.user_id is null
        or recommendation_counts.user_id is null
        or recommendation_counts.recommendations != {{ var('top_n') }}
        or recommendation_counts.first_rank != 1
        or recommendation_counts.last_rank != {{ var('top_n') }}

)

select * from final
