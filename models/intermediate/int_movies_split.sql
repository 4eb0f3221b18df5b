-- Cleaned movies with their side of the k-means split, from a hash of movie id and seed.
with

movies as (

    select * from {{ ref('movies') }}

),

final as (

    select
        *,
        {{ split_side(['movie_id'], var('kmeans_train_fraction')) }} as split

    from movies

)

select * from final
