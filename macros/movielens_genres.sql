{#
    The kept genres of the `movielens_genres` seed as a list of {genre, column_name}, in seed
    order. Read at compile time so that the seed alone decides the one-hot columns; empty while
    dbt only parses (no warehouse yet).
#}
{% macro kept_genres() %}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set lookup = run_query(
        "select genre, column_name from " ~ ref('movielens_genres')
        ~ " where is_kept order by column_name"
    ) -%}
    {%- set genres = [] -%}
    {%- for row in lookup.rows -%}
        {%- do genres.append({'genre': row[0], 'column_name': row[1]}) -%}
    {%- endfor -%}
    {{ return(genres) }}
{% endmacro %}
