-- Asserts that the train share of each split is within 2 percentage points of its target
-- (`kmeans_train_fraction` of the cleaned movies, `als_train_fraction` of the final ratings).
with

counts as (

    select
        'kmeans' as split_name,
        {{ var('kmeans_train_fraction') }} as target_train_share,
        (select count(*) from {{ ref('kmeans_movies_train') }}) as train_rows,
        (select count(*) from {{ ref('kmeans_movies_test') }}) as test_rows

    union all

    select
        'als',
        {{ var('als_train_fraction') }},
        (select count(*) from {{ ref('als_ratings_train') }}),
        (select count(*) from {{ ref('als_ratings_test') }})

),

final as (

    select
        *,
        train_rows / (train_rows + test_rows) as train_share

    from counts
    where abs(train_rows / (train_rows + test_rows) - target_train_share) > 0.02

)

select * from final
