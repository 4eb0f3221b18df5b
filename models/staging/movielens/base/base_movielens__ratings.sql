-- Every row of ratings.csv, typed, with the first rule it breaks (null when it breaks none).
-- Of several valid ratings of one movie by one user, the latest is kept; the others break
-- the duplicate rule.
{%- set columns = ['userId', 'movieId', 'rating', 'timestamp'] %}
with

source as (

    select * from {{ source('movielens', 'ratings') }}

),

typed as (

    select
        try_cast(userId as int) as user_id,
        try_cast(movieId as int) as movie_id,
        try_cast(rating as double) as rating,
        try_cast(`timestamp` as bigint) as rated_at_seconds,
        {{ movielens_row_text(columns) }} as row_text,
        case
            {{ movielens_parse_rules(columns, columns) }}
            when try_cast(userId as int) is null or try_cast(movieId as int) is null
                then 'non-numeric id'
            when try_cast(rating as double) is null then 'non-numeric rating'
            when try_cast(rating as double) not between 0.5 and 5.0
                or try_cast(rating as double) * 2 != floor(try_cast(rating as double) * 2)
                then 'rating not in 0.5..5.0 in half stars'
            when try_cast(`timestamp` as bigint) is null then 'non-numeric timestamp'
            when {{ movielens_timestamp_outside_range('try_cast(`timestamp` as bigint)') }}
                then 'timestamp before min_rating_date or in the future'
        end as row_rule

    from source

),

final as (

    select
        user_id,
        movie_id,
        rating,
        rated_at_seconds,
        row_text,
        case
            when row_rule is not null then row_rule
            when row_number() over (
                    partition by user_id, movie_id, row_rule is null
                    order by rated_at_seconds desc, rating desc
                ) > 1 then 'duplicate rating of the same movie by the same user (the latest is kept)'
        end as quarantine_rule

    from typed

)

select * from final
