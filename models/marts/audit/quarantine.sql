-- The rows kept out of the clean tables, one row each, with the file and the rule it breaks:
-- rows of the CSV files that break a row rule (the base models), and ratings, tags and links of
-- movies missing from movies.csv. Counted in row_accounting; tests warn when it is not empty and fail
-- when it holds more than var('quarantine_max_share') of a file.
{%- set base_models = {
    'movies.csv': 'base_movielens__movies',
    'ratings.csv': 'base_movielens__ratings',
    'tags.csv': 'base_movielens__tags',
    'links.csv': 'base_movielens__links',
} %}
{#- the files whose rows name a movie, and what one of their rows is -#}
{%- set rows_of_movies = {'ratings.csv': 'rating', 'tags.csv': 'tag', 'links.csv': 'link'} %}
with

listed_movies as (

    select movie_id from {{ ref('stg_movielens__movies') }}

),

broken_rows as (

    {% for file, model in base_models.items() -%}
        select
            '{{ file }}' as file,
            quarantine_rule as rule,
            row_text
        from {{ ref(model) }}
        where quarantine_rule is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

rows_of_unknown_movies as (

    {% for file, row in rows_of_movies.items() -%}
        select
            '{{ file }}' as file,
            '{{ row }} of a movie missing from movies.csv' as rule,
            file_rows.row_text
        from {{ ref(base_models[file]) }} as file_rows
        left anti join listed_movies
            on file_rows.movie_id = listed_movies.movie_id
        where file_rows.quarantine_rule is null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select * from broken_rows
    union all
    select * from rows_of_unknown_movies

)

select * from final
