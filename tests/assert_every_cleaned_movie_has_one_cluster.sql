-- Asserts that movie_clusters holds every cleaned movie exactly once, with its k-means split,
-- and no other movie.
with

movies as (

    select movie_id from {{ ref('movies') }}

),

kmeans_train as (

    select movie_id from {{ ref('kmeans_movies_train') }}

),

cluster_counts as (

    select
        movie_id,
        count(*) as clusters,
        max(split) as split

    from {{ source('ml', 'movie_clusters') }}
    group by movie_id

),

final as (

    select
        coalesce(movies.movie_id, cluster_counts.movie_id) as movie_id,
        cluster_counts.clusters,
        cluster_counts.split

    from movies
    full outer join cluster_counts
        on movies.movie_id = cluster_counts.movie_id
    left join kmeans_train
        on movies.movie_id = kmeans_train.movie_id
    where
        movies.movie_id is null
        or cluster_counts.movie_id is null
        or cluster_counts.clusters != 1
        or cluster_counts.split != if(kmeans_train.movie_id is null, 'test', 'train')

)

select * from final
