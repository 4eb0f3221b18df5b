-- How often each star value is given: in all valid ratings of listed movies, in the ratings of
-- cleaned movies, and in the final (capped) ratings.
with

raw_ratings as (

    select rating from {{ ref('int_ratings_matched_to_movies') }}

),

filtered_ratings as (

    select rating from {{ ref('int_ratings_filtered') }}

),

final_ratings as (

    select rating from {{ ref('ratings') }}

),

stages as (

    select rating, 1 as is_raw, 0 as is_filtered, 0 as is_final from raw_ratings
    union all
    select rating, 0, 1, 0 from filtered_ratings
    union all
    select rating, 0, 0, 1 from final_ratings

),

counts as (

    select
        rating,
        sum(is_raw) as ratings_raw,
        sum(is_filtered) as ratings_on_cleaned_movies,
        sum(is_final) as ratings_final

    from stages
    group by rating

),

final as (

    select
        rating,
        ratings_raw,
        ratings_raw / sum(ratings_raw) over () as share_raw,
        ratings_on_cleaned_movies,
        ratings_on_cleaned_movies / sum(ratings_on_cleaned_movies) over ()
            as share_on_cleaned_movies,
        ratings_final,
        ratings_final / sum(ratings_final) over () as share_final

    from counts

)

select * from final
