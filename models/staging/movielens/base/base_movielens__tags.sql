-- Every row of tags.csv, typed, with the first rule it breaks (null when it breaks none).
-- The tag text may be empty: users did type empty tags.
{%- set columns = ['userId', 'movieId', 'tag', 'timestamp'] %}
{%- set required_columns = ['userId', 'movieId', 'timestamp'] %}
with

source as (

    select * from {{ source('movielens', 'tags') }}

),

final as (

    select
        try_cast(userId as int) as user_id,
        try_cast(movieId as int) as movie_id,
        tag,
        try_cast(`timestamp` as bigint) as tagged_at_seconds,
        {{ movielens_row_text(columns) }} as row_text,
        case
            {{ movielens_parse_rules(columns, required_columns) }}
            when try_cast(userId as int) is null or try_cast(movieId as int) is null
                then 'non-numeric id'
            when try_cast(`timestamp` as bigint) is null then 'non-numeric timestamp'
            when {{ movielens_timestamp_outside_range('try_cast(`timestamp` as bigint)') }}
                then 'timestamp before min_rating_date or in the future'
        end as quarantine_rule

    from source

)

select * from final
