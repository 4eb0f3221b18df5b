-- Warns (never fails) when the quarantine holds any row: one row per file and rule, with how
-- many rows break it. A clean copy of MovieLens quarantines nothing.
{{ config(severity='warn') }}

with

quarantine as (

    select * from {{ ref('quarantine') }}

),

final as (

    select
        file,
        rule,
        count(*) as quarantined_rows

    from quarantine
    group by file, rule

)

select * from final
