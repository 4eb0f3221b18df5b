-- Asserts that model_metrics scores als, bias_baseline and most_popular on the test split, with
-- rating errors for the two models that predict ratings, and ranking metrics at k = top_n.
with

expected as (

    select explode(array('als', 'bias_baseline', 'most_popular')) as model

),

metrics as (

    select * from {{ source('ml', 'model_metrics') }}
    where split = 'test'

),

final as (

    select
        expected.model,
        metrics.rmse,
        metrics.k

    from expected
    left join metrics
        on expected.model = metrics.model
    where
        metrics.model is null
        or metrics.k != {{ var('top_n') }}
        or (expected.model != 'most_popular' and (metrics.rmse is null or metrics.mae is null))
        or metrics.ranked_users = 0

)

select * from final
