-- What each rule quarantined or removed and what it kept, one row per rule, in the order the
-- rules apply: first the rows of each file that break a row rule (quarantined), then the
-- study's cleaning (removed). Each count is taken on its own (not as a difference), so that
-- rows_before = rows_removed + rows_quarantined + rows_after is a real check
-- (tests/assert_row_accounting_balances).
{%- set cap = var('rating_cap') %}
{%- set above_cap = 'false' if cap is none else 'user_rating_count > ' ~ cap %}
{%- set cap_ratings_rule = 'keep the ratings of every user (rating_cap is null)' if cap is none
    else 'drop ratings of users with more than ' ~ cap ~ ' such ratings' %}
{%- set cap_users_rule = 'keep every user (rating_cap is null)' if cap is none
    else 'drop users with more than ' ~ cap ~ ' ratings of cleaned movies' %}
{#- an optional file that is absent: its table is empty, and its first rule says so -#}
{%- set absent = movielens_absent_files() %}
{%- set first_rule = {} %}
{%- for file in ('tags.csv', 'links.csv') %}
    {%- do first_rule.update({file: file ~ ' absent: no rows read' if file in absent
        else 'quarantine rows of ' ~ file ~ ' that break a row rule'}) %}
{%- endfor %}

with

quarantined as (

    select file, rule from {{ ref('quarantine') }}

),

file_rows as (

    select
        (select count(*) from {{ ref('base_movielens__movies') }}) as movie_lines,
        (select count(*) from {{ ref('base_movielens__ratings') }}) as rating_lines,
        (select count(*) from {{ ref('base_movielens__tags') }}) as tag_lines,
        (select count(*) from {{ ref('base_movielens__links') }}) as link_lines,
        (select count(*) from {{ ref('stg_movielens__tags') }}) as tags_read,
        (select count(*) from {{ ref('stg_movielens__links') }}) as links_read

),

quarantine_counts as (

    select
        count_if(file = 'movies.csv') as movie_lines_quarantined,
        count_if(file = 'ratings.csv' and rule not like 'rating of a movie missing%')
            as rating_lines_quarantined,
        count_if(file = 'tags.csv' and rule not like 'tag of a movie missing%')
            as tag_lines_quarantined,
        count_if(file = 'tags.csv' and rule like 'tag of a movie missing%') as tags_of_unknown_movies,
        count_if(file = 'ratings.csv' and rule like 'rating of a movie missing%')
            as ratings_of_unknown_movies,
        count_if(file = 'links.csv' and rule not like 'link of a movie missing%')
            as link_lines_quarantined,
        count_if(file = 'links.csv' and rule like 'link of a movie missing%') as links_of_unknown_movies

    from quarantined

),

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

-- every movie listed, with the reason the cleaning drops it, if it does; counting ratings per
-- movie here spares a join of all ratings (ratings of unknown movies: the quarantine's count)
movie_status as (

    select
        coalesce(rating_stats.rating_count, 0) as rating_count,
        case
            when raw_movies.kept_genre_count = 0 then 'no genre'
            when coalesce(rating_stats.rating_count, 0) < {{ var('min_ratings') }} then 'few ratings'
            else 'kept'
        end as status

    from raw_movies
    left join rating_stats
        on raw_movies.movie_id = rating_stats.movie_id

),

movie_counts as (

    select
        count(*) as movies_read,
        count_if(status = 'no genre') as movies_without_genre,
        count_if(status in ('few ratings', 'kept')) as movies_with_genre,
        count_if(status = 'few ratings') as movies_with_few_ratings,
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
        file_rows.*,
        quarantine_counts.*,
        movie_counts.*,
        user_counts.*,
        filtered_counts.*,
        final_counts.*

    from file_rows
    cross join quarantine_counts
    cross join movie_counts
    cross join user_counts
    cross join filtered_counts
    cross join final_counts

),

rules as (

    select
        1 as step, 'movies' as entity,
        'quarantine rows of movies.csv that break a row rule' as rule,
        movie_lines as rows_before,
        0 as rows_removed,
        movie_lines_quarantined as rows_quarantined,
        movies_read as rows_after
    from counts

    union all

    select
        2, 'movies', 'drop movies without a genre once IMAX is removed',
        movies_read, movies_without_genre, 0, movies_with_genre
    from counts

    union all

    select
        3, 'movies', 'drop movies with fewer than {{ var("min_ratings") }} ratings',
        movies_with_genre, movies_with_few_ratings, 0, movies_kept
    from counts

    union all

    select
        4, 'ratings', 'quarantine rows of ratings.csv that break a row rule',
        rating_lines, 0, rating_lines_quarantined, ratings_read
    from counts

    union all

    select
        5, 'ratings', 'quarantine ratings of movies missing from movies.csv',
        ratings_read, 0, ratings_of_unknown_movies, ratings_read - ratings_of_unknown_movies
    from counts

    union all

    select
        6, 'ratings', 'drop ratings of movies without a genre',
        ratings_read - ratings_of_unknown_movies,
        ratings_of_movies_without_genre,
        0,
        ratings_read - ratings_of_unknown_movies - ratings_of_movies_without_genre
    from counts

    union all

    select
        7, 'ratings', 'drop ratings of movies with fewer than {{ var("min_ratings") }} ratings',
        ratings_read - ratings_of_unknown_movies - ratings_of_movies_without_genre,
        ratings_of_movies_with_few_ratings,
        0,
        ratings_on_cleaned_movies
    from counts

    union all

    select
        8, 'ratings', '{{ cap_ratings_rule }}',
        ratings_on_cleaned_movies, ratings_of_users_above_cap, 0, ratings_kept
    from counts

    union all

    select
        9, 'users', 'drop users with no rating of a cleaned movie',
        users_read, users_without_cleaned_rating, 0, users_on_cleaned_movies
    from counts

    union all

    select
        10, 'users', '{{ cap_users_rule }}',
        users_on_cleaned_movies, users_above_cap, 0, users_kept
    from counts

    union all

    select
        11, 'tags', '{{ first_rule["tags.csv"] }}',
        tag_lines, 0, tag_lines_quarantined, tags_read
    from counts

    union all

    select
        12, 'tags', 'quarantine tags of movies missing from movies.csv',
        tags_read, 0, tags_of_unknown_movies, tags_read - tags_of_unknown_movies
    from counts

    union all

    select
        13, 'links', '{{ first_rule["links.csv"] }}',
        link_lines, 0, link_lines_quarantined, links_read
    from counts

    union all

    select
        14, 'links', 'quarantine links of movies missing from movies.csv',
        links_read, 0, links_of_unknown_movies, links_read - links_of_unknown_movies
    from counts

),

final as (

    select
        cast(step as int) as step,
        entity,
        rule,
        cast(rows_before as bigint) as rows_before,
        cast(rows_removed as bigint) as rows_removed,
        cast(rows_quarantined as bigint) as rows_quarantined,
        cast(rows_after as bigint) as rows_after

    from rules

)

select * from final
