{#
    Asserts that no two rows of the model share the same values in all of the given columns
    (a compound primary key). Fails with one row per duplicated key.
#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with

keys as (

    select {{ combination_of_columns | join(', ') }}
    from {{ model }}

),

final as (

    select
        {{ combination_of_columns | join(', ') }},
        count(*) as occurrences

    from keys
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1

)

select * from final

{% endtest %}
