-- Asserts that als_tuning has, for each rating model (als, bias_als), one row for every
-- (rank, regParam) of the grid (als_ranks x als_reg_params) and no other, with exactly one config
-- chosen per model.
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

    select
        models.model,
        ranks.rank,
        reg_params.reg_param

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
        count(tuning.model) as chosen_rows

    from models
    left join tuning
        on models.model = tuning.model and tuning.is_selected
    group by models.model

),

final as (

    select
        coalesce(grid.model, tuning.model) as model,
        coalesce(grid.rank, tuning.rank) as rank,
        coalesce(grid.reg_param, tuning.reg_param) as reg_param,
        'not both in the grid and in als_tuning' as problem

    from grid
    full outer join tuning
        on
            grid.model = tuning.model
            and grid.rank = tuning.rank
            and abs(grid.reg_param - tuning.reg_param) < 1e-9
    where grid.rank is null or tuning.rank is null

    union all

    select
        model,
        null as rank,
        null as reg_param,
        concat(cast(chosen_rows as string), ' configs chosen') as problem

    from chosen
    where chosen_rows != 1

)

select * from final
