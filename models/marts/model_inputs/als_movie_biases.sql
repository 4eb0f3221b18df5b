-- Regularised movie biases of the ALS train ratings (Koren 2010, eq. 2-3): the global mean mu and
-- each movie's damped mean residual, sum(r - mu) / (n + bias_movie_damping), so that a movie's
-- bias moves away from 0 only as its ratings accumulate. Fitted twice: on all of train (for the
-- final models) and on its fit part (for tuning): macro als_bias_fit_ratings.
with

parts as (

    {{ als_bias_fit_ratings() }}

),

global_means as (

    select
        fitted_on,
        avg(rating) as global_mean

    from parts
    group by fitted_on

),

final as (

    select
        parts.fitted_on,
        parts.movie_id,
        global_means.global_mean,
        count(*) as ratings,
        sum(parts.rating - global_means.global_mean)
        / (count(*) + {{ var('bias_movie_damping') }}) as movie_bias

    from parts
    inner join global_means
        on parts.fitted_on = global_means.fitted_on
    group by parts.fitted_on, parts.movie_id, global_means.global_mean

)

select * from final
