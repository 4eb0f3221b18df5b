-- Asserts that every cleaned movie is in exactly one of kmeans_movies_train and
-- kmeans_movies_test, and that neither holds a movie outside `movies`.
with

movies as (

    select movie_id from {{ ref('movies') }}

),

sides as (

    select movie_id, 'train' as side from {{ ref('kmeans_movies_train') }}
    union all
    select movie_id, 'test' as side from {{ ref('kmeans_movies_test') }}

),

membership as (

    select
        coalesce(movies.movie_id, sides.movie_id) as movie_id,
        movies.movie_id is not null as is_cleaned_movie,
        count(sides.movie_id) as sides_holding_it

    from movies
    full outer join sides
        on movies.movie_id = sides.movie_id
    group by 1, 2

),

final as (

    select * from membership
    where not is_cleaned_movie or sides_holding_it != 1

)

select * from final
