-- Regularised user biases of the ALS train ratings: each user's damped mean of what the global
-- mean and the movie biases leave, sum(r - mu - b_movie) / (n + bias_user_damping). Fitted on
-- all of train and on its fit part, as als_movie_biases.
with

parts as (

    {{ als_bias_fit_ratings() }}

),

movie_biases as (

    select fitted_on, movie_id, global_mean, movie_bias from {{ ref('als_movie_biases') }}

),

final as (

    select
        parts.fitted_on,
        parts.user_id,
        count(*) as ratings,
        sum(parts.rating - movie_biases.global_mean - movie_biases.movie_bias)
        / (count(*) + {{ var('bias_user_damping') }}) as user_bias

    from parts
    inner join movie_biases
        on
            parts.fitted_on = movie_biases.fitted_on
            and parts.movie_id = movie_biases.movie_id
    group by parts.fitted_on, parts.user_id

)

select * from final
