{#
    The ratings of als_ratings_train twice, once per fit of the biases: fitted_on 'train' (all of
    them, for the final models) and 'fit part' (those whose is_validation is false: without the
    ratings `python -m ml` holds out for tuning). The bias marts fit on both.
#}
{% macro als_bias_fit_ratings() %}
    select 'train' as fitted_on, user_id, movie_id, rating from {{ ref('als_ratings_train') }}

    union all

    select 'fit part' as fitted_on, user_id, movie_id, rating from {{ ref('als_ratings_train') }}
    where not is_validation
{% endmacro %}
