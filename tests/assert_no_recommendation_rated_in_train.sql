-- Asserts that no user is recommended a movie they rated in als_ratings_train, and that no
-- movie's audience holds a user who rated it there.
with

train as (

    select user_id, movie_id from {{ ref('als_ratings_train') }}

),

recommendations as (

    select user_id, movie_id from {{ source('ml', 'user_recommendations') }}

),

audiences as (

    select user_id, movie_id from {{ source('ml', 'movie_audiences') }}

),

final as (

    select 'user_recommendations' as result_table, recommendations.*
    from recommendations
    left semi join train
        on
            recommendations.user_id = train.user_id
            and recommendations.movie_id = train.movie_id

    union all

    select 'movie_audiences' as result_table, audiences.*
    from audiences
    left semi join train
        on
            audiences.user_id = train.user_id
            and audiences.movie_id = train.movie_id

)

select * from final
