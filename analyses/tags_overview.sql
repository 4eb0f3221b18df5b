-- The original study's tags overview: totals, then the 20 most used tags as typed.
with

tags as (

    select * from {{ ref('stg_movielens__tags') }}

),

totals as (

    select
        count(*) as tag_rows,
        count(distinct user_id) as users,
        count(distinct movie_id) as movies,
        count(distinct tag) as distinct_tags

    from tags

),

top_tags as (

    select tag, count(*) as uses
    from tags
    group by tag
    order by uses desc
    limit 20

),

final as (

    select totals.*, top_tags.tag, top_tags.uses
    from totals
    cross join top_tags

)

select * from final
order by uses desc
