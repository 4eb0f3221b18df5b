-- The `top_tags` most used tags (case and surrounding spaces ignored), with how many users
-- used each and on how many movies.
with

tags as (

    select user_id, movie_id, lower(trim(tag)) as tag
    from {{ ref('int_tags_matched_to_movies') }}
    where tag is not null and trim(tag) != ''

),

counts as (

    select
        tag,
        count(*) as tag_rows,
        count(distinct user_id) as users,
        count(distinct movie_id) as movies

    from tags
    group by tag

),

ranked as (

    select
        row_number() over (order by tag_rows desc, users desc, tag asc) as tag_rank,
        *

    from counts

),

final as (

    select * from ranked
    where tag_rank <= {{ var('top_tags') }}

)

select * from final
