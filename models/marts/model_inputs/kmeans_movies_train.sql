-- The k-means train part of the cleaned movies (kmeans_train_fraction of them in train), with
-- the validation hold-out that `python -m ml kmeans` picks k on.
with

movies as (

    select * from {{ ref('int_movies_split') }}

),

final as (

    select
        * except (split),
        {{ validation_holdout(['movie_id']) }} as is_validation

    from movies
    where split = 'train'

)

select * from final
