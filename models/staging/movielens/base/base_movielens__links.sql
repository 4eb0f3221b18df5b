-- Every row of links.csv, typed, with the first rule it breaks (null when it breaks none).
-- tmdbId may be empty (a few movies have none); a movie id listed twice keeps its first row.
{%- set columns = ['movieId', 'imdbId', 'tmdbId'] %}
{%- set required_columns = ['movieId', 'imdbId'] %}
with

source as (

    select * from {{ source('movielens', 'links') }}

),

typed as (

    select
        try_cast(movieId as int) as movie_id,
        imdbId as imdb_id,
        try_cast(tmdbId as int) as tmdb_id,
        {{ movielens_row_text(columns) }} as row_text,
        case
            {{ movielens_parse_rules(columns, required_columns) }}
            when try_cast(movieId as int) is null or try_cast(imdbId as int) is null
                or (tmdbId is not null and try_cast(tmdbId as int) is null)
                then 'non-numeric id'
        end as row_rule

    from source

),

final as (

    select
        movie_id,
        imdb_id,
        tmdb_id,
        row_text,
        case
            when row_rule is not null then row_rule
            when row_number() over (
                    partition by movie_id, row_rule is null order by imdb_id, tmdb_id
                ) > 1 then 'duplicate movie id'
        end as quarantine_rule

    from typed

)

select * from final
