-- Asserts that every cleaned movie has at least `min_ratings` ratings in the ratings read and
-- at least one kept genre, counted afresh from staging rather than trusted from `movies`.
with

movies as (

    select * from {{ ref('movies') }}

),

rating_counts as (

    select movie_id, count(*) as ratings
    from {{ ref('stg_movielens__ratings') }}
    group by movie_id

),

final as (

    select
        movies.movie_id,
        movies.kept_genre_count,
        coalesce(rating_counts.ratings, 0) as ratings

    from movies
    left join rating_counts
        on movies.movie_id = rating_counts.movie_id
    where
        coalesce(rating_counts.ratings, 0) < {{ var('min_ratings') }}
        or movies.kept_genre_count < 1

)

select * from final
