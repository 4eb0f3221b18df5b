-- Asserts that kmeans_sweep has one row for every k of the grid (kmeans_k_min to kmeans_k_max
-- by kmeans_k_step) and no other, fitted exactly when k is below the number of training movies.
with

grid as (

    select explode(sequence(
        {{ var('kmeans_k_min') }}, {{ var('kmeans_k_max') }}, {{ var('kmeans_k_step') }}
    )) as k

),

sweep as (

    select * from {{ source('ml', 'kmeans_sweep') }}

),

final as (

    select
        coalesce(grid.k, sweep.k) as k,
        sweep.status,
        sweep.training_movies

    from grid
    full outer join sweep
        on grid.k = sweep.k
    where
        grid.k is null
        or sweep.k is null
        or sweep.status != if(sweep.k < sweep.training_movies, 'fitted', 'skipped')
        or (sweep.status = 'fitted') != (sweep.iterations is not null)

)

select * from final
