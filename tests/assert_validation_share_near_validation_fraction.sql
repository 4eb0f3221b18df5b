-- Asserts that the validation part (is_validation) of kmeans_movies_train and of
-- als_ratings_train is within 2 percentage points of `validation_fraction` of its rows, or
-- within 4 standard errors of a share of that many rows where that is wider: a hash hold-out
-- of a small table strays further by chance (ml-latest-small's 1,808 k-means train movies hold
-- out 22.8% with split_seed 0, 3 standard errors off), while a broken rule strays far more.
with

train_marts as (

    select 'kmeans_movies_train' as train_mart, is_validation from {{ ref('kmeans_movies_train') }}

    union all

    select 'als_ratings_train' as train_mart, is_validation from {{ ref('als_ratings_train') }}

),

shares as (

    select
        train_mart,
        count(*) as train_rows,
        count_if(is_validation) / count(*) as validation_share,
        greatest(
            0.02,
            4 * sqrt({{ var('validation_fraction') }} * (1 - {{ var('validation_fraction') }}) / count(*))
        ) as tolerance

    from train_marts
    group by train_mart

),

final as (

    select * from shares
    where abs(validation_share - {{ var('validation_fraction') }}) > tolerance

)

select * from final
