{#
    After a run that built `row_accounting`, prints it: what each rule removed, quarantined and kept.
#}
{% macro log_row_accounting(results) %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set built = results | selectattr('node.name', 'equalto', 'row_accounting')
                              | selectattr('status', 'equalto', 'success') | list -%}
    {%- if built | length == 0 -%}{{ return('') }}{%- endif -%}
    {%- set relation = built[0].node.relation_name -%}
    {%- set table = run_query('select * from ' ~ relation ~ ' order by step') -%}
    {%- do log('', info=True) -%}
    {%- do log('Row accounting (' ~ relation ~ '):', info=True) -%}
    {%- do log('%4s  %-8s  %-62s %12s %12s %12s %12s' | format('step', 'entity', 'rule', 'before', 'removed', 'quarantined', 'after'), info=True) -%}
    {%- for row in table.rows -%}
        {%- do log('%4d  %-8s  %-62s %12s %12s %12s %12s' | format(
            row['step'], row['entity'], row['rule'],
            '{:,}'.format(row['rows_before']), '{:,}'.format(row['rows_removed']),
            '{:,}'.format(row['rows_quarantined']), '{:,}'.format(row['rows_after'])
        ), info=True) -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}
