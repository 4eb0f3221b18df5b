{#
    On-run-start: stops at once, in one line saying what to run first, when a selected node reads
    a seed (`dbt run`, `dbt test`) or a model (`dbt test`) that is not in the warehouse yet,
    instead of failing each node that reads it, as on a fresh warehouse. `dbt build` and
    `dbt seed` build what they read first.
#}
{% macro check_inputs_built() %}
    {%- if not execute or flags.WHICH not in ('run', 'test') -%}{{ return('') }}{%- endif -%}
    {%- set checked = ['seed'] if flags.WHICH == 'run' else ['seed', 'model'] -%}
    {%- set first_step = {'seed': 'dbt seed', 'model': 'dbt run'} -%}
    {%- set inputs = [] -%}
    {%- for node in graph.nodes.values() if node.unique_id in selected_resources -%}
        {%- for parent in node.depends_on.nodes if parent.split('.')[0] in checked and parent not in inputs -%}
            {%- do inputs.append(parent) -%}
        {%- endfor -%}
    {%- endfor -%}
    {#- reversed, seed ids come before model ids: a missing seed is said first, as a model may be missing for want of it -#}
    {%- for input in inputs | sort(reverse=true) -%}
        {%- set parent = graph.nodes[input] -%}
        {%- if parent.config.materialized != 'ephemeral' and movielens_node_relation(parent) is none -%}
            {%- do exceptions.raise_compiler_error(
                'the ' ~ parent.resource_type ~ ' ' ~ parent.name ~ ' (' ~ parent.original_file_path
                ~ ') is not in the warehouse yet: run `' ~ first_step[parent.resource_type] ~ '` first,'
                ~ ' or `dbt build`, which builds seeds, models and tests in order'
            ) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}
