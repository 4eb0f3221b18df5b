-- Asserts that als_tuning holds, for each rating model (als, bias_als), configs of the grid
-- (als_ranks x als_reg_params) only: all of them with als_search grid, and with staged at least
-- every regParam at the smallest rank (its first stage); and exactly one config chosen per
-- model, one of its lowest validation RMSE.
with

models as (

    select explode(array('als', 'bias_als')) as model

),

ranks as (

    select explode(array({{ var('als_ranks') | join(', ') }})) as rank

),

reg_params as (

    select explode(array({{ var('als_reg_params') | join(', ') }})) as reg_param

),

grid as (

    -- is_required: a config every search fits (the staged search's first stage)
    select
        models.model,
        ranks.rank,
        reg_params.reg_param,
        {{ "ranks.rank = (select min(rank) from ranks)" if var('als_search') == 'staged' else "true" }}
            as is_required

    from models
    cross join ranks
    cross join reg_params

),

tuning as (

    select * from {{ source('ml', 'als_tuning') }}

),

chosen as (

    select
        models.model,
        count_if(tuning.is_selected) as chosen_rows,
        min(tuning.validation_rmse) as lowest_rmse,
        max(case when tuning.is_selected then tuning.validation_rmse end) as chosen_rmse

    from models
    left join tuning
        on models.model = tuning.model
    group by models.model

),

final as (

    select
        coalesce(grid.model, tuning.model) as model,
        coalesce(grid.rank, tuning.rank) as rank,
        coalesce(grid.reg_param, tuning.reg_param) as reg_param,
        case
            when grid.rank is null then 'in als_tuning, not in the grid'
            else 'a config the search must fit is missing from als_tuning'
        end as problem

    from grid
    full outer join tuning
        on
            grid.model = tuning.model
            and grid.rank = tuning.rank
            and abs(grid.reg_param - tuning.reg_param) < 1e-9
    where grid.rank is null or (tuning.rank is null and grid.is_required)

    union all

    select
        model,
        null as rank,
        null as reg_param,
        concat(
            cast(chosen_rows as string), ' configs chosen, RMSE ', chosen_rmse,
            ' against the lowest ', lowest_rmse
        ) as problem

    from chosen
    where chosen_rows != 1 or chosen_rmse > lowest_rmse

)

select * from final
