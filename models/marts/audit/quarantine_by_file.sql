-- Per CSV file: the rows read and the rows quarantined, and their share. A mart nothing builds
-- on, so that the test of the share (assert_quarantine_share_within_limit) skips nothing when it
-- fails: quarantine and row_accounting of a failed build are there to inspect.
with

quarantine as (

    select * from {{ ref('quarantine') }}

),

file_rows as (

    select 'movies.csv' as file, count(*) as rows_read from {{ ref('base_movielens__movies') }}
    union all
    select 'ratings.csv', count(*) from {{ ref('base_movielens__ratings') }}
    union all
    select 'tags.csv', count(*) from {{ ref('base_movielens__tags') }}
    union all
    select 'links.csv', count(*) from {{ ref('base_movielens__links') }}

),

quarantined as (

    select
        file,
        count(*) as rows_quarantined

    from quarantine
    group by file

),

final as (

    select
        file_rows.file,
        file_rows.rows_read,
        coalesce(quarantined.rows_quarantined, 0) as rows_quarantined,
        coalesce(quarantined.rows_quarantined / nullif(file_rows.rows_read, 0), 0.0)
            as quarantined_share

    from file_rows
    left join quarantined
        on file_rows.file = quarantined.file

)

select * from final
