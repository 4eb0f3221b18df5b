-- The rows kept out of the clean tables, one row each, with the file and the rule it breaks:
-- rows of the CSV files that break a row rule (the base models), and ratings and tags of movies
-- missing from movies.csv. Counted in row_accounting; tests warn when it is not empty and fail
-- when it holds more than var('quarantine_max_share') of a file.
with

movies as (

    select 'movies.csv' as file, quarantine_rule as rule, row_text
    from {{ ref('base_movielens__movies') }}
    where quarantine_rule is not null

),

ratings as (

    select 'ratings.csv' as file, quarantine_rule as rule, row_text
    from {{ ref('base_movielens__ratings') }}
    where quarantine_rule is not null

),

tags as (

    select 'tags.csv' as file, quarantine_rule as rule, row_text
    from {{ ref('base_movielens__tags') }}
    where quarantine_rule is not null

),

links as (

    select 'links.csv' as file, quarantine_rule as rule, row_text
    from {{ ref('base_movielens__links') }}
    where quarantine_rule is not null

),

listed_movies as (

    select movie_id from {{ ref('stg_movielens__movies') }}

),

ratings_of_unknown_movies as (

    select 'ratings.csv' as file, 'rating of a movie missing from movies.csv' as rule, ratings.row_text
    from {{ ref('base_movielens__ratings') }} as ratings
    left anti join listed_movies
        on ratings.movie_id = listed_movies.movie_id
    where ratings.quarantine_rule is null

),

tags_of_unknown_movies as (

    select 'tags.csv' as file, 'tag of a movie missing from movies.csv' as rule, tags.row_text
    from {{ ref('base_movielens__tags') }} as tags
    left anti join listed_movies
        on tags.movie_id = listed_movies.movie_id
    where tags.quarantine_rule is null

),

final as (

    select * from movies
    union all
    select * from ratings
    union all
    select * from ratings_of_unknown_movies
    union all
    select * from tags
    union all
    select * from tags_of_unknown_movies
    union all
    select * from links

)

select * from final
