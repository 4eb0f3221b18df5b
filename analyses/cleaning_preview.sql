-- A preview of what the cleaning drops, movie by movie: each movie of movies.csv with the
-- first rule that removes it (or `kept`), for eyeballing before a build.
with

movies as (

    select * from {{ ref('int_movies_genres_pivoted') }}

),

rating_stats as (

    select * from {{ ref('int_movie_ratings_aggregated') }}

),

verdicts as (

    select
        movies.movie_id,
        movies.title,
        movies.listed_genres,
        movies.release_year,
        coalesce(rating_stats.rating_count, 0) as rating_count,
        case
            when movies.kept_genre_count = 0 then 'dropped: no genre once IMAX is removed'
            when coalesce(rating_stats.rating_count, 0) < {{ var('min_ratings') }}
                then 'dropped: fewer than {{ var("min_ratings") }} ratings'
            else 'kept'
        end as verdict

    from movies
    left join rating_stats
        on movies.movie_id = rating_stats.movie_id

),

final as (

    select
        verdict,
        count(*) over (partition by verdict) as movies_with_verdict,
        movie_id,
        title,
        listed_genres,
        release_year,
        rating_count

    from verdicts

)

select * from final
order by verdict asc, rating_count desc
