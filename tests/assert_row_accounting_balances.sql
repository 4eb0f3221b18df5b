-- Asserts that the row accounting balances: for every rule rows_before = rows_removed +
-- rows_quarantined + rows_after; each rule starts where the previous rule of the same entity
-- ended; the first rule of each entity starts from the rows of its file; and the last ends at
-- what the marts hold.
with

accounting as (

    select * from {{ ref('row_accounting') }}

),

staged_ratings as (

    select user_id from {{ ref('stg_movielens__ratings') }}

),

final_ratings as (

    select user_id from {{ ref('ratings') }}

),

read_and_kept as (

    select
        'movies' as entity,
        (select count(*) from {{ ref('base_movielens__movies') }}) as rows_read,
        (select count(*) from {{ ref('movies') }}) as rows_kept

    union all

    select
        'ratings' as entity,
        (select count(*) from {{ ref('base_movielens__ratings') }}) as rows_read,
        (select count(*) from final_ratings) as rows_kept

    union all

    select
        'users' as entity,
        (select count(distinct user_id) from staged_ratings) as rows_read,
        (select count(distinct user_id) from final_ratings) as rows_kept

    union all

    select
        'tags' as entity,
        (select count(*) from {{ ref('base_movielens__tags') }}) as rows_read,
        (
            select count(*) from {{ ref('stg_movielens__tags') }} as tags
            where tags.movie_id in (
                    select listed.movie_id from {{ ref('stg_movielens__movies') }} as listed
                )
        ) as rows_kept

    union all

    select
        'links' as entity,
        (select count(*) from {{ ref('base_movielens__links') }}) as rows_read,
        (
            select count(*) from {{ ref('stg_movielens__links') }} as links
            where links.movie_id in (
                    select listed.movie_id from {{ ref('stg_movielens__movies') }} as listed
                )
        ) as rows_kept

),

chained as (

    select
        accounting.*,
        read_and_kept.rows_read,
        read_and_kept.rows_kept,
        lag(accounting.rows_after) over (
            partition by accounting.entity order by accounting.step
        ) as previous_rows_after,
        row_number() over (
            partition by accounting.entity order by accounting.step desc
        ) as steps_to_end

    from accounting
    inner join read_and_kept
        on accounting.entity = read_and_kept.entity

),

final as (

    select * from chained
    where
        rows_before != rows_removed + rows_quarantined + rows_after
        or rows_removed < 0
        or rows_quarantined < 0
        or (previous_rows_after is not null and rows_before != previous_rows_after)
        or (previous_rows_after is null and rows_before != rows_read)
        or (steps_to_end = 1 and rows_after != rows_kept)

)

select * from final
