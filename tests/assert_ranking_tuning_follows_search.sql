-- Asserts that ranking_tuning's implicit_als rows are configs of implicit_ranks x
-- implicit_reg_params x implicit_alphas only: all of them with als_search grid, and with staged
-- at least every regParam and alpha at the smallest rank (its first stage); that it has one
-- reranked_bias_als row for every weight of rerank_popularity_weights and no other; that each
-- model has one best config, and the one selected (the ranking model) is a best config of the
-- highest validation NDCG.
with

ranks as (

    select explode(array({{ var('implicit_ranks') | join(', ') }})) as rank

),

reg_params as (

    select explode(array({{ var('implicit_reg_params') | join(', ') }})) as reg_param

),

alphas as (

    select explode(array({{ var('implicit_alphas') | join(', ') }})) as alpha

),

implicit_grid as (

    -- is_required: a config every search fits (the staged search's first stage)
    select
        ranks.rank,
        reg_params.reg_param,
        alphas.alpha,
        {{ "ranks.rank = (select min(rank) from ranks)" if var('als_search') == 'staged' else "true" }}
            as is_required

    from ranks
    cross join reg_params
    cross join alphas

),

weights as (

    select explode(array({{ var('rerank_popularity_weights') | join(', ') }})) as popularity_weight

),

tuning as (

    select * from {{ source('ml', 'ranking_tuning') }}

),

implicit_rows as (

    select * from tuning
    where model = 'implicit_als'

),

reranked_rows as (

    select * from tuning
    where model = 'reranked_bias_als'

),

best_per_model as (

    select
        model,
        count_if(is_best_of_model) as best_rows,
        max(validation_ndcg) as top_ndcg,
        max(case when is_best_of_model then validation_ndcg end) as best_ndcg

    from tuning
    group by model

),

final as (

    select
        'implicit_als' as model,
        concat_ws(
            ' ', 'rank', coalesce(implicit_grid.rank, implicit_rows.rank),
            'alpha', coalesce(implicit_grid.alpha, implicit_rows.alpha)
        ) as config,
        case
            when implicit_grid.rank is null then 'in ranking_tuning, not in the grid'
            else 'a config the search must fit is missing from ranking_tuning'
        end as problem

    from implicit_grid
    full outer join implicit_rows
        on
            implicit_grid.rank = implicit_rows.rank
            and abs(implicit_grid.reg_param - implicit_rows.reg_param) < 1e-9
            and abs(implicit_grid.alpha - implicit_rows.alpha) < 1e-9
    where implicit_grid.rank is null or (implicit_rows.rank is null and implicit_grid.is_required)

    union all

    select
        'reranked_bias_als' as model,
        concat_ws(
            ' ', 'weight', coalesce(weights.popularity_weight, reranked_rows.popularity_weight)
        ) as config,
        'not both in rerank_popularity_weights and in ranking_tuning' as problem

    from weights
    full outer join reranked_rows
        on abs(weights.popularity_weight - reranked_rows.popularity_weight) < 1e-9
    where weights.popularity_weight is null or reranked_rows.model is null

    union all

    select
        model,
        null as config,
        concat(cast(best_rows as string), ' best configs, best NDCG ', best_ndcg, ' of ', top_ndcg) as problem

    from best_per_model
    where best_rows != 1 or best_ndcg < top_ndcg

    union all

    select
        'any' as model,
        null as config,
        'the selected config is not one best config of the highest NDCG' as problem

    from tuning
    having
        count_if(is_selected) != 1
        or count_if(is_selected and is_best_of_model) != 1
        or max(case when is_selected then validation_ndcg end) < max(validation_ndcg)

)

select * from final
