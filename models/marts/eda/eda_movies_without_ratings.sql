-- Movies of movies.csv that nobody rated.
with

movies as (

    select * from {{ ref('int_movies_genres_pivoted') }}

),

rating_stats as (

    select movie_id from {{ ref('int_movie_ratings_aggregated') }}

),

final as (

    select
        movies.movie_id,
        movies.title,
        movies.release_year,
        movies.listed_genres,
        movies.kept_genre_count > 0 as has_genre

    from movies
    left anti join rating_stats
        on movies.movie_id = rating_stats.movie_id

)

select * from final
