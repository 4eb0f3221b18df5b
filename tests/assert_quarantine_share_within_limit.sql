-- Asserts that no file has more than var('quarantine_max_share') of its rows in quarantine
-- (default 0.001: 0.1%); more means a damaged copy of the data, not a few bad rows.
with

quarantine_by_file as (

    select * from {{ ref('quarantine_by_file') }}

),

final as (

    select * from quarantine_by_file
    where quarantined_share > {{ var('quarantine_max_share') }}

)

select * from final
