-- Movies dropped for having no genre (once IMAX is removed), with the ratings lost with them.
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
        movies.listed_genres,
        coalesce(rating_stats.rating_count, 0) as ratings_lost,
        rating_stats.avg_rating

    from movies
    left join rating_stats
        on movies.movie_id = rating_stats.movie_id
    where movies.kept_genre_count = 0

)

select * from final
