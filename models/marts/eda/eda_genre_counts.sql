-- Movies per genre before cleaning (every value of movies.csv, IMAX and the no-genre marker
-- included) and after (the cleaned movies). A movie counts once for each of its genres.
with

movie_genres as (

    select * from {{ ref('int_movie_genres_exploded') }}

),

movies as (

    select movie_id from {{ ref('movies') }}

),

raw_counts as (

    select
        genre,
        max(is_kept) as is_kept,
        count(*) as movies_raw

    from movie_genres
    group by genre

),

cleaned_counts as (

    select
        movie_genres.genre,
        count(*) as movies_cleaned

    from movie_genres
    left semi join movies
        on movie_genres.movie_id = movies.movie_id
    where movie_genres.is_kept
    group by movie_genres.genre

),

totals as (

    select
        (select count(distinct movie_id) from movie_genres) as total_movies_raw,
        (select count(*) from movies) as total_movies_cleaned

),

final as (

    select
        raw_counts.genre,
        raw_counts.is_kept,
        raw_counts.movies_raw,
        raw_counts.movies_raw / totals.total_movies_raw as share_of_movies_raw,
        coalesce(cleaned_counts.movies_cleaned, 0) as movies_cleaned,
        coalesce(cleaned_counts.movies_cleaned, 0) / totals.total_movies_cleaned
            as share_of_movies_cleaned

    from raw_counts
    cross join totals
    left join cleaned_counts
        on raw_counts.genre = cleaned_counts.genre

)

select * from final
