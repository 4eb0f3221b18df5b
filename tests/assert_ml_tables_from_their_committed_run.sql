-- Asserts that every result table of an ml step holds the rows of that step's last complete run
-- (ml_runs): a table of another run means a run stopped between its writes, leaving a mix.
{#- each step's tables, as ml/warehouse/catalog.py has them (unit/warehouse/test_catalog.py) -#}
{%- set step_tables = {
    'kmeans': ['kmeans_sweep', 'movie_clusters', 'cluster_profiles'],
    'als': ['als_tuning', 'ranking_tuning', 'model_metrics', 'user_recommendations', 'movie_audiences', 'similar_movies'],
} %}
with

committed as (

    select step, run_id from {{ source('ml', 'ml_runs') }}

),

table_runs as (

    {% for step, tables in step_tables.items() -%}
        {% for table in tables -%}
            select distinct
                '{{ step }}' as step,
                '{{ table }}' as result_table,
                run_id
            from {{ source('ml', table) }}
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select table_runs.*

    from table_runs
    left anti join committed
        on
            table_runs.step = committed.step
            and table_runs.run_id = committed.run_id

)

select * from final
