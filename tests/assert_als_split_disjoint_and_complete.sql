-- Asserts that every final rating is in exactly one of als_ratings_train and als_ratings_test,
-- and that neither holds a rating outside `ratings`.
with

ratings as (

    select user_id, movie_id from {{ ref('ratings') }}

),

sides as (

    select user_id, movie_id from {{ ref('als_ratings_train') }}
    union all
    select user_id, movie_id from {{ ref('als_ratings_test') }}

),

side_counts as (

    select user_id, movie_id, count(*) as sides_holding_it
    from sides
    group by user_id, movie_id

),

final as (

    select
        coalesce(ratings.user_id, side_counts.user_id) as user_id,
        coalesce(ratings.movie_id, side_counts.movie_id) as movie_id,
        ratings.user_id is not null as is_final_rating,
        coalesce(side_counts.sides_holding_it, 0) as sides_holding_it

    from ratings
    full outer join side_counts
        on
            ratings.user_id = side_counts.user_id
            and ratings.movie_id = side_counts.movie_id
    where ratings.user_id is null or coalesce(side_counts.sides_holding_it, 0) != 1

)

select * from final
