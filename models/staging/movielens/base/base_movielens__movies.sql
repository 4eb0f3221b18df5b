-- Every row of movies.csv, typed, with the first rule it breaks (null when it breaks none).
-- A movie id listed twice keeps its first row; the others break the duplicate rule.
{%- set columns = ['movieId', 'title', 'genres'] %}
with

source as (

    select * from {{ source('movielens', 'movies') }}

),

typed as (

    select
        try_cast(movieId as int) as movie_id,
        title,
        genres,
        {{ movielens_row_text(columns) }} as row_text,
        case
            {{ movielens_parse_rules(columns, columns) }}
            when try_cast(movieId as int) is null then 'non-numeric id'
        end as row_rule

    from source

),

final as (

    select
        movie_id,
        title,
        genres,
        row_text,
        case
            when row_rule is not null then row_rule
            when row_number() over (
                    partition by movie_id, row_rule is null order by title, genres
                ) > 1 then 'duplicate movie id'
        end as quarantine_rule

    from typed

)

select * from final
