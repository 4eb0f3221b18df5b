{#
    The ratings of als_ratings_train twice, once per fit of the biases: fitted_on 'train' (all of
    them, for the final models) and 'fit part' (without the validation ratings `python -m ml`
    holds out for tuning: same hash, salt `<split_seed>:validation`). The bias marts fit on both.
#}
{% macro als_bias_fit_ratings() %}
    {%- set validation_salt = "'" ~ var('split_seed') ~ ":validation'" -%}
    select 'train' as fitted_on, user_id, movie_id, rating from {{ ref('als_ratings_train') }}

    union all

    select 'fit part' as fitted_on, user_id, movie_id, rating from {{ ref('als_ratings_train') }}
    where
        {{ hash_fraction(['user_id', 'movie_id'], validation_salt) }}
        >= {{ var('validation_fraction') }}
{% endmacro %}
