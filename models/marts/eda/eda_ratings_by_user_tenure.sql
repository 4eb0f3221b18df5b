-- Ratings by whole years since the user's own first rating (0 = within the first year): how
-- much of the data comes from users' early days.
with

ratings as (

    select user_id, rating, rated_date from {{ ref('int_ratings_matched_to_movies') }}

),

with_tenure as (

    select
        user_id,
        rating,
        cast(floor(
            datediff(rated_date, min(rated_date) over (partition by user_id)) / 365.25
        ) as int) as years_since_first_rating

    from ratings

),

counts as (

    select
        years_since_first_rating,
        count(*) as ratings,
        count(distinct user_id) as users,
        avg(rating) as mean_rating

    from with_tenure
    group by years_since_first_rating

),

final as (

    select
        years_since_first_rating,
        ratings,
        ratings / sum(ratings) over () as share_of_ratings,
        users,
        mean_rating

    from counts

)

select * from final
