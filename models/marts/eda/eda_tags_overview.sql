-- One row: how many tag rows there are, by how many users, on how many movies, and how many
-- distinct tags (as typed, and with case and surrounding spaces ignored).
with

tags as (

    select * from {{ ref('int_tags_matched_to_movies') }}

),

final as (

    select
        count(*) as tag_rows,
        count(distinct user_id) as users,
        count(distinct movie_id) as movies,
        count(distinct tag) as distinct_tags,
        count(distinct lower(trim(tag))) as distinct_tags_normalised,
        count_if(tag is null or trim(tag) = '') as empty_tags

    from tags

)

select * from final
