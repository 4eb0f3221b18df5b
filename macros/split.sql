{#
    A number in [0, 1) drawn from the md5 of the seed and the key columns. Unlike rand(), it
    depends on nothing but the row's key and the seed, so a split built on it puts the same rows
    on the same side on any engine, any partitioning and any rerun.
#}
{% macro hash_fraction(key_columns, seed) %}
    (cast(conv(substr(md5(concat_ws(':', cast({{ seed }} as string)
        {%- for column in key_columns %}, cast({{ column }} as string){% endfor -%}
    )), 1, 8), 16, 10) as bigint) / 4294967296.0)
{% endmacro %}


{# 'train' for the first `train_fraction` of the hash range, 'test' for the rest. #}
{% macro split_side(key_columns, train_fraction, seed=var('split_seed')) %}
    case
        when {{ hash_fraction(key_columns, seed) }} < {{ train_fraction }} then 'train'
        else 'test'
    end
{% endmacro %}


{#
    True for the rows of a train table held out for tuning: the hash fraction of the key, salted
    `<split_seed>:validation` (another salt than the split's, so the hold-out is an unbiased
    sample of train), below var('validation_fraction'). Written once into the train marts
    (`is_validation`), which the bias marts and `python -m ml` read.
#}
{% macro validation_holdout(key_columns, seed=var('split_seed')) %}
    ({{ hash_fraction(key_columns, "'" ~ seed ~ ":validation'") }} < {{ var('validation_fraction') }})
{% endmacro %}
