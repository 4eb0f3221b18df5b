-- Asserts that model_metrics scores every model on the test split (the study's ALS, bias-aware
-- ALS, both ranking models and both baselines), with rating errors for the three that predict
-- ratings and none for the three that only rank, and ranking metrics at k = top_n.
with

expected as (

    select
        model,
        model not in ('implicit_als', 'reranked_bias_als', 'most_popular') as predicts_ratings

    from (
        select
            explode(
                array('als', 'bias_als', 'implicit_als', 'reranked_bias_als', 'bias_baseline', 'most_popular')
            ) as model
    )

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
        or (expected.predicts_ratings and (metrics.rmse is null or metrics.mae is null))
        or (not expected.predicts_ratings and metrics.rmse is not null)
        or metrics.ranked_users = 0

)

select * from final
