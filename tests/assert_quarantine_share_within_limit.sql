-- Asserts that no file has more than var('quarantine_max_share') of its rows in quarantine
-- (default 0.001: 0.1%); more means a damaged copy of the data, not a few bad rows.
with

quarantine as (

    select * from {{ ref('quarantine') }}

),

file_rows as (

    select 'movies.csv' as file, count(*) as file_rows from {{ ref('base_movielens__movies') }}
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
        count(*) as quarantined_rows

    from quarantine
    group by file

),

final as (

    select
        file_rows.file,
        file_rows.file_rows,
        quarantined.quarantined_rows,
        quarantined.quarantined_rows / file_rows.file_rows as quarantined_share

    from file_rows
    inner join quarantined
        on file_rows.file = quarantined.file
    where quarantined.quarantined_rows > {{ var('quarantine_max_share') }} * file_rows.file_rows

)

select * from final
