-- The k-means test part of the cleaned movies (kmeans_train_fraction of them in train).
with

movies as (

    select * from {{ ref('int_movies_split') }}

),

final as (

    select * except (split)
    from movies
    where split = 'test'

)

select * from final
