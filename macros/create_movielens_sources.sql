{#
    Registers the MovieLens CSV files as external tables of the `movielens` source, with the
    column names and types its YAML declares, plus `_corrupt_record`: the raw text of a row
    that does not parse (PERMISSIVE mode), for the base models to quarantine. Runs in on-run-start, so every dbt command sees the
    files of the current `movielens_dir`; dropping an external table leaves its file alone.
#}
{% macro create_movielens_sources() %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set source_tables = graph.sources.values() | selectattr('source_name', 'equalto', 'movielens') | list -%}
    {%- set data_dir = movielens_data_dir() -%}
    {%- do check_movielens_files(data_dir, source_tables | map(attribute='meta') | map(attribute='file') | list) -%}
    {%- do run_query('create schema if not exists ' ~ source_tables[0].schema) -%}
    {%- for source_table in source_tables -%}
        {%- set relation = source_table.schema ~ '.' ~ source_table.identifier -%}
        {%- set columns = [] -%}
        {%- for column in source_table.columns.values() -%}
            {%- do columns.append('`' ~ column.name ~ '` ' ~ column.data_type) -%}
        {%- endfor -%}
        {#- Spark fills it with the raw line of a row that does not parse -#}
        {%- do columns.append('`_corrupt_record` string') -%}
        {%- do run_query('drop table if exists ' ~ relation) -%}
        {%- call statement('create_source_' ~ source_table.name) -%}
            create table {{ relation }} ({{ columns | join(', ') }})
            using csv
            options (
                path '{{ data_dir }}/{{ source_table.meta.file }}',
                header 'true',
                enforceSchema 'false',
                quote '"',
                escape '"',
                mode 'PERMISSIVE',
                columnNameOfCorruptRecord '_corrupt_record',
                encoding 'UTF-8'
            )
        {%- endcall -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}


{# The data folder without a trailing slash. #}
{% macro movielens_data_dir() %}
    {{ return((var('movielens_dir') | string | trim).rstrip('/')) }}
{% endmacro %}


{#
    Stops the run, naming the file and the variable to set, when a source file is missing or
    empty. Spark lists the folder (binaryFile reads no contents when only path and length are
    selected), so the check works wherever the Spark driver runs, Thrift Server included.
#}
{% macro check_movielens_files(data_dir, expected_files) %}
    {%- set listing = run_query(
        "select path, length from binaryFile.`" ~ data_dir ~ "/*.csv`"
    ) -%}
    {%- set found = {} -%}
    {%- for row in listing.rows -%}
        {%- do found.update({row[0].split('/')[-1]: row[1]}) -%}
    {%- endfor -%}
    {%- for file in expected_files -%}
        {%- if file not in found -%}
            {{ exceptions.raise_compiler_error(
                "MovieLens file " ~ data_dir ~ "/" ~ file ~ " is missing. Point MOVIELENS_DIR "
                ~ "(dbt var movielens_dir) at a folder holding " ~ expected_files | join(', ') ~ "."
            ) }}
        {%- elif found[file] == 0 -%}
            {{ exceptions.raise_compiler_error(
                "MovieLens file " ~ data_dir ~ "/" ~ file ~ " is empty. Point MOVIELENS_DIR "
                ~ "(dbt var movielens_dir) at a complete copy of the data."
            ) }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}
