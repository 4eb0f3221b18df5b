-- The ALS train part of the final ratings (als_train_fraction of them in train), with the
-- validation hold-out that the bias marts and `python -m ml als` tune on.
with

ratings as (

    select * from {{ ref('int_ratings_split') }}

),

final as (

    select
        * except (split),
        {{ validation_holdout(['user_id', 'movie_id']) }} as is_validation

    from ratings
    where split = 'train'

)

select * from final
