{#
    Registers the MovieLens CSV files as external tables of the `movielens` source, with the
    column names and types its YAML declares, plus `_corrupt_record`: the raw text of a row
    that does not parse (PERMISSIVE mode), for the base models to quarantine. Runs in
    on-run-start, so every dbt command sees the files of the current `movielens_dir`; dropping
    an external table leaves its file alone. An optional file (meta.optional) that is absent
    becomes an empty table of the same columns, said once by `dbt build` and `dbt run`.
#}
{% macro create_movielens_sources() %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set source_tables = movielens_source_tables() -%}
    {%- set data_dir = movielens_data_dir() -%}
    {%- set absent = check_movielens_files(data_dir, source_tables) -%}
    {%- if absent and flags.WHICH in ('build', 'run') -%}
        {%- do log("note: " ~ absent | join(' and ') ~ " absent from " ~ data_dir ~ ": their tables are empty (row_accounting says so)", info=true) -%}
    {%- endif -%}
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
        {%- if source_table.meta.file in absent -%}
            {#- a managed table of no rows: dropped with its empty folder once the file is there -#}
            {%- do run_query('create table ' ~ relation ~ ' (' ~ columns | join(', ') ~ ') using parquet') -%}
        {%- else -%}
            {%- call statement('create_source_' ~ source_table.name) -%}
                create table {{ relation }} ({{ columns | join(', ') }})
                using csv
                options (
                    path {{ movielens_sql_string(data_dir ~ '/' ~ source_table.meta.file) }},
                    header 'true',
                    enforceSchema 'false',
                    quote '"',
                    escape '"',
                    mode 'PERMISSIVE',
                    columnNameOfCorruptRecord '_corrupt_record',
                    encoding 'UTF-8'
                )
            {%- endcall -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}


{#
    The data folder without a trailing slash; an error naming the character when it holds one
    Spark cannot read it by (the rule and its reasons: ml/paths.py, whose set this is).
#}
{% macro movielens_data_dir() %}
    {%- set data_dir = (var('movielens_dir') | string | trim).rstrip('/') -%}
    {%- for character in '*?[]{}\\"`' if character in data_dir -%}
        {%- set why = 'Hadoop reads it as a file pattern' if character in '*?[]{}\\'
            else 'the project cannot quote it in Spark settings and SQL' -%}
        {{ exceptions.raise_compiler_error(
            "the data folder (MOVIELENS_DIR) " ~ data_dir ~ " holds the character " ~ character
            ~ ", which the project cannot use in a path (" ~ why ~ "); move or rename the folder"
        ) }}
    {%- endfor -%}
    {{ return(data_dir) }}
{% endmacro %}


{# `text` as a Spark SQL string literal (a path may hold a quote). #}
{% macro movielens_sql_string(text) %}
    {{ return("'" ~ text | replace('\\', '\\\\') | replace("'", "\\'") ~ "'") }}
{% endmacro %}


{# The tables of the `movielens` source, as the graph holds them. #}
{% macro movielens_source_tables() %}
    {{ return(graph.sources.values() | selectattr('source_name', 'equalto', 'movielens') | list) }}
{% endmacro %}


{#
    Stops the run, naming the file and the variable to set, when a required source file is
    missing or a file is empty; returns the optional files that are absent. Spark lists the folder
    (binaryFile reads no contents when only path and length are selected), so the check works
    wherever the Spark driver runs, Thrift Server included.
#}
{% macro check_movielens_files(data_dir, source_tables) %}
    {%- set found = movielens_files_found(data_dir) -%}
    {%- set required = [] -%}
    {%- for source_table in source_tables if not source_table.meta.get('optional', false) -%}
        {%- do required.append(source_table.meta.file) -%}
    {%- endfor -%}
    {%- set absent = [] -%}
    {%- for source_table in source_tables -%}
        {%- set file = source_table.meta.file -%}
        {%- if file not in found and source_table.meta.get('optional', false) -%}
            {%- do absent.append(file) -%}
        {%- elif file not in found -%}
            {{ exceptions.raise_compiler_error(
                "MovieLens file " ~ data_dir ~ "/" ~ file ~ " is missing. Point MOVIELENS_DIR "
                ~ "(dbt var movielens_dir) at a folder holding " ~ required | join(' and ')
                ~ " (tags.csv and links.csv may be absent)."
            ) }}
        {%- elif found[file] == 0 -%}
            {{ exceptions.raise_compiler_error(
                "MovieLens file " ~ data_dir ~ "/" ~ file ~ " is empty. Point MOVIELENS_DIR "
                ~ "(dbt var movielens_dir) at a complete copy of the data."
            ) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(absent) }}
{% endmacro %}


{# The CSV files of the data folder: file name -> length in bytes. #}
{% macro movielens_files_found(data_dir) %}
    {%- set listing = run_query(
        "select path, length from binaryFile.`" ~ data_dir ~ "/*.csv`"
    ) -%}
    {%- set found = {} -%}
    {%- for row in listing.rows -%}
        {%- do found.update({row[0].split('/')[-1]: row[1]}) -%}
    {%- endfor -%}
    {{ return(found) }}
{% endmacro %}


{# The optional MovieLens files absent from the data folder ([] while parsing). #}
{% macro movielens_absent_files() %}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set found = movielens_files_found(movielens_data_dir()) -%}
    {%- set absent = [] -%}
    {%- for source_table in movielens_source_tables() -%}
        {%- if source_table.meta.get('optional', false) and source_table.meta.file not in found -%}
            {%- do absent.append(source_table.meta.file) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(absent) }}
{% endmacro %}
