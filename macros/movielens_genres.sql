{#
    The one-hot genre columns, driven by the `movielens_genres` seed: its kept genres, read at
    compile time (empty while dbt only parses), in column-name order. In a unit test the ref is
    the seed's fixture, a CTE that no query of its own can read: the built seed is read instead
    (in the models' schema, where dbt build puts it before any unit test runs).
#}
{% macro kept_genres() %}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set lookup_relation = ref('movielens_genres') -%}
    {%- if lookup_relation.is_cte -%}
        {%- set lookup_relation = api.Relation.create(
            schema=model.schema, identifier='movielens_genres'
        ) -%}
    {%- endif -%}
    {%- set lookup = run_query(
        "select genre, column_name from " ~ lookup_relation ~ " where is_kept order by column_name"
    ) -%}
    {%- set genres = [] -%}
    {%- for row in lookup.rows -%}
        {%- do genres.append({'genre': row[0], 'column_name': row[1]}) -%}
    {%- endfor -%}
    {{ return(genres) }}
{% endmacro %}


{# `max(case when <genre_column> = 'Action' then 1 else 0 end) as genre_action, ...`: one flag per kept genre. #}
{% macro genre_flag_aggregates(genre_column) %}
    {%- for genre in kept_genres() %}
        max(case when {{ genre_column }} = '{{ genre.genre }}' then 1 else 0 end) as {{ genre.column_name }}
        {%- if not loop.last %},{% endif %}
    {%- endfor %}
{% endmacro %}


{# `<relation>.genre_action, ...`, or with default_value `coalesce(<relation>.genre_action, 0) as genre_action, ...`. #}
{% macro genre_flag_columns(relation, default_value=none) %}
    {%- for genre in kept_genres() %}
        {%- if default_value is none %}
        {{ relation }}.{{ genre.column_name }}
        {%- else %}
        coalesce({{ relation }}.{{ genre.column_name }}, {{ default_value }}) as {{ genre.column_name }}
        {%- endif %}
        {%- if not loop.last %},{% endif %}
    {%- endfor %}
{% endmacro %}
