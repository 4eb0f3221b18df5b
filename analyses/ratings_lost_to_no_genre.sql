-- The original study's check of what dropping no-genre movies costs: movies, ratings and
-- distinct users that go with them, and the share of all ratings.
with

movies as (

    select movie_id, kept_genre_count from {{ ref('int_movies_genres_pivoted') }}

),

ratings as (

    select user_id, movie_id from {{ ref('stg_movielens__ratings') }}

),

final as (

    select
        count(distinct case when movies.kept_genre_count = 0 then movies.movie_id end)
            as rated_movies_without_genre,
        count_if(movies.kept_genre_count = 0) as ratings_lost,
        count(distinct case when movies.kept_genre_count = 0 then ratings.user_id end)
            as users_affected,
        count_if(movies.kept_genre_count = 0) / count(*) as share_of_ratings_lost

    from ratings
    inner join movies
        on ratings.movie_id = movies.movie_id

)

select * from final
