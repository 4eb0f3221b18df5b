-- What each cleaning rule removed and what it kept, one row per rule, in the order the rules
-- apply. Each count is taken on its own (not as a difference), so that
-- rows_before = rows_removed + rows_after is a real check (tests/assert_row_accounting_balances).
{%- set cap = var('rating_cap') %}
{%- set above_cap = 'false' if cap is none else 'user_rating_count > ' ~ cap %}
{%- set cap_ratings_rule = 'keep the ratings of every user (rating_cap is null)' if cap is none
    else 'drop ratings of users with more than ' ~ cap ~ ' such ratings' %}
{%- set cap_users_rule = 'keep every user (rating_cap is null)' if cap is none
    else 'drop users with more than ' ~ cap ~ ' ratings of cleaned movies' %}

with

raw_movies as (

    select * from {{ ref('int_movies_genres_pivoted') }}

),

rating_stats as (

    select * from {{ ref('int_movie_ratings_aggregated') }}

),

movies as (

    select movie_id from {{ ref('movies') }}

),

raw_ratings as (

    select user_id from {{ ref('stg_movielens__ratings') }}

),

filtered_ratings as (

    select user_id, user_rating_count from {{ ref('int_ratings_filtered') }}

),

final_ratings as (

    select user_id from {{ ref('ratings') }}

),

-- every movie that was rated or listed, with the reason the cleaning drops it, if it does;
-- counting ratings per movie here spares a join of all ratings
movie_status as (

    select
        coalesce(rating_stats.rating_count, 0) as rating_count,
        case
            when raw_movies.movie_id is null then 'unknown movie'
            when raw_movies.kept_genre_count = 0 then 'no genre'
            when coalesce(rating_stats.rating_count, 0) < {{ var('min_ratings') }} then 'few ratings'
            else 'kept'
        end as status

    from raw_movies
    full outer join rating_stats
        on raw_movies.movie_id = rating_stats.movie_id

),

movie_counts as (

    select
        count_if(status != 'unknown movie') as movies_read,
        count_if(status = 'no genre') as movies_without_genre,
        count_if(status in ('few ratings', 'kept')) as movies_with_genre,
        count_if(status = 'few ratings') as movies_with_few_ratings,
        sum(case when status = 'unknown movie' then rating_count else 0 end)
            as ratings_of_unknown_movies,
        sum(case when status = 'no genre' then rating_count else 0 end)
            as ratings_of_movies_without_genre,
        sum(case when status = 'few ratings' then rating_count else 0 end)
            as ratings_of_movies_with_few_ratings

    from movie_status

),

raw_users as (

    select distinct user_id from raw_ratings

),

cleaned_users as (

    select distinct user_id from filtered_ratings

),

user_counts as (

    select
        (select count(*) from raw_ratings) as ratings_read,
        count(*) as users_read,
        count_if(cleaned_users.user_id is null) as users_without_cleaned_rating

    from raw_users
    left join cleaned_users
        on raw_users.user_id = cleaned_users.user_id

),

filtered_counts as (

    select
        count(*) as ratings_on_cleaned_movies,
        count(distinct user_id) as users_on_cleaned_movies,
        count_if({{ above_cap }}) as ratings_of_users_above_cap,
        count(distinct case when {{ above_cap }} then user_id end) as users_above_cap

    from filtered_ratings

),

final_counts as (

    select
        (select count(*) from movies) as movies_kept,
        count(*) as ratings_kept,
        count(distinct user_id) as users_kept

    from final_ratings

),

counts as (

    select
        movie_counts.*,
        user_counts.*,
        filtered_counts.*,
        final_counts.*

    from movie_counts
    cross join user_counts
    cross join filtered_counts
    cross join final_counts

),

rules as (

    select
        1 as step, 'movies' as entity,
        'drop movies without a genre once IMAX is removed' as rule,
        movies_read as rows_before,
        movies_without_genre as rows_removed,
        movies_with_genre as rows_after
    from counts

    union all

    select
        2, 'movies', 'drop movies with fewer than {{ var("min_ratings") }} ratings',
        movies_with_genre, movies_with_few_ratings, movies_kept
    from counts

    union all

    select
        3, 'ratings', 'drop ratings of movies missing from movies.csv',
        ratings_read, ratings_of_unknown_movies, ratings_read - ratings_of_unknown_movies
    from counts

    union all

    select
        4, 'ratings', 'drop ratings of movies without a genre',
        ratings_read - ratings_of_unknown_movies,
        ratings_of_movies_without_genre,
        ratings_read - ratings_of_unknown_movies - ratings_of_movies_without_genre
    from counts

    union all

    select
        5, 'ratings', 'drop ratings of movies with fewer than {{ var("min_ratings") }} ratings',
        ratings_read - ratings_of_unknown_movies - ratings_of_movies_without_genre,
        ratings_of_movies_with_few_ratings,
        ratings_on_cleaned_movies
    from counts

    union all

    select
        6, 'ratings', '{{ cap_ratings_rule }}',
        ratings_on_cleaned_movies, ratings_of_users_above_cap, ratings_kept
    from counts

    union all

    select
        7, 'users', 'drop users with no rating of a cleaned movie',
        users_read, users_without_cleaned_rating, users_on_cleaned_movies
    from counts

    union all

    select
        8, 'users', '{{ cap_users_rule }}',
        users_on_cleaned_movies, users_above_cap, users_kept
    from counts

),

final as (

    select
        cast(step as int) as step,
        entity,
        rule,
        cast(rows_before as bigint) as rows_before,
        cast(rows_removed as bigint) as rows_removed,
        cast(rows_after as bigint) as rows_after

    from rules

)

select * from final
