-- The ALS test part of the final ratings (als_train_fraction of them in train).
with

ratings as (

    select * from {{ ref('int_ratings_split') }}

),

final as (

    select * except (split)
    from ratings
    where split = 'test'

)

select * from final
