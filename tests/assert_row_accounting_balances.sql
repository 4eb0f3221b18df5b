-- Asserts that the row accounting balances: for every rule rows_before = rows_removed +
-- rows_after; each rule starts where the previous rule of the same entity ended; the first rule
-- of each entity starts from what was read; and the last ends at what the marts hold.
with

accounting as (

    select * from {{ ref('row_accounting') }}

),

chained as (

    select
        *,
        lag(rows_after) over (partition by entity order by step) as previous_rows_after,
        row_number() over (partition by entity order by step desc) as steps_to_end

    from accounting

),

read_and_kept as (

    select 'movies' as entity,
        (select count(*) from {{ ref('stg_movielens__movies') }}) as rows_read,
        (select count(*) from {{ ref('movies') }}) as rows_kept
    union all
    select 'ratings',
        (select count(*) from {{ ref('stg_movielens__ratings') }}),
        (select count(*) from {{ ref('ratings') }})
    union all
    select 'users',
        (select count(distinct user_id) from {{ ref('stg_movielens__ratings') }}),
        (select count(distinct user_id) from {{ ref('ratings') }})

),

final as (

    select chained.*, read_and_kept.rows_read, read_and_kept.rows_kept
    from chained
    inner join read_and_kept
        on chained.entity = read_and_kept.entity
    where
        rows_before != rows_removed + rows_after
        or rows_removed < 0
        or (previous_rows_after is not null and rows_before != previous_rows_after)
        or (previous_rows_after is null and rows_before != read_and_kept.rows_read)
        or (steps_to_end = 1 and rows_after != read_and_kept.rows_kept)

)

select * from final
