-- Asserts that no user of the final ratings has more than `rating_cap` of them (passes
-- trivially when rating_cap is null, which keeps everyone).
with

user_counts as (

    select user_id, count(*) as ratings
    from {{ ref('ratings') }}
    group by user_id

),

final as (

    select * from user_counts
    where {{ 'false' if var('rating_cap') is none else 'ratings > ' ~ var('rating_cap') }}

)

select * from final
