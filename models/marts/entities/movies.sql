-- depends_on: {{ ref('movielens_genres') }}
-- The cleaned movies of the study: at least one kept genre and at least `min_ratings` ratings.
with

movies as (

    select * from {{ ref('int_movies_genres_pivoted') }}

),

rating_stats as (

    select * from {{ ref('int_movie_ratings_aggregated') }}

),

final as (

    select
        movies.movie_id,
        movies.title,
        movies.release_year,
        movies.genres,
        movies.kept_genre_count,
        {{ genre_flag_columns('movies') }},
        rating_stats.rating_count,
        rating_stats.avg_rating

    from movies
    inner join rating_stats
        on movies.movie_id = rating_stats.movie_id
    where
        movies.kept_genre_count > 0
        and rating_stats.rating_count >= {{ var('min_ratings') }}

)

select * from final
