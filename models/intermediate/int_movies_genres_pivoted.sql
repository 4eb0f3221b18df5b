-- depends_on: {{ ref('movielens_genres') }}
-- Every movie with its release year and one 0/1 column per kept genre (IMAX and the
-- no-genre marker dropped); `kept_genre_count` = 0 marks a movie the cleaning drops.

with

movies as (

    select * from {{ ref('stg_movielens__movies') }}

),

kept_genres as (

    select movie_id, genre
    from {{ ref('int_movie_genres_exploded') }}
    where is_kept

),

genre_flags as (

    select
        movie_id,
        {{ genre_flag_aggregates('genre') }},
        count(*) as kept_genre_count,
        array_join(array_sort(collect_list(genre)), '|') as kept_genres

    from kept_genres
    group by movie_id

),

final as (

    select
        movies.movie_id,
        movies.title,
        -- the year is the last thing in a title: "Heat (1995)", sometimes with trailing spaces
        cast(nullif(regexp_extract(trim(movies.title), '[(]([0-9]{4})[)]$', 1), '') as int)
            as release_year,
        movies.genres as listed_genres,
        coalesce(genre_flags.kept_genres, '') as genres,
        coalesce(genre_flags.kept_genre_count, 0) as kept_genre_count,
        {{ genre_flag_columns('genre_flags', default_value=0) }}

    from movies
    left join genre_flags
        on movies.movie_id = genre_flags.movie_id

)

select * from final
