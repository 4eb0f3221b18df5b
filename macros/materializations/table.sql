{#
    dbt-spark's `table` materialization, made atomic for Parquet: dbt-spark drops the old table
    and then writes the new one, so a run killed during the write (kill -9 included) loses the
    table. Here the new table is written beside the old one (`<name>__dbt_new_<run>`) and swapped
    in by two renames in the metastore, done in milliseconds once the write has succeeded:
    `<name>` -> `<name>__dbt_old_<run>`, `<name>__dbt_new_<run>` -> `<name>`, then the old one
    is dropped. `<run>` is the invocation's own, so no name meets a leftover of a killed run.

    A run killed mid-write leaves `<name>` as it was (and the half-written folder of a table
    never registered). One killed between the renames leaves the old table as
    `<name>__dbt_old_<run>`: the next run puts it back before building, and drops any other
    leftover table of this model.
#}
{% materialization table, adapter = 'spark', supported_languages=['sql'] %}
    {%- set identifier = model['alias'] -%}
    {%- set grant_config = config.get('grants') -%}
    {%- set target_relation = api.Relation.create(
        identifier=identifier, schema=schema, database=database, type='table') -%}
    {%- set run = invocation_id.replace('-', '')[:12] -%}
    {%- set new_relation = api.Relation.create(
        identifier=identifier ~ '__dbt_new_' ~ run, schema=schema, database=database, type='table') -%}
    {%- set backup_relation = api.Relation.create(
        identifier=identifier ~ '__dbt_old_' ~ run, schema=schema, database=database, type='table') -%}

    {%- set found = {'old': adapter.get_relation(database=database, schema=schema, identifier=identifier)} -%}
    {%- for row in run_query('show tables in ' ~ schema) -%}
        {%- set leftover = api.Relation.create(
            identifier=row['tableName'], schema=schema, database=database, type='table') -%}
        {%- if row['tableName'].startswith(identifier ~ '__dbt_old_') and found['old'] is none -%}
            {#- a run was killed between the renames: the table comes back first -#}
            {%- do adapter.rename_relation(leftover, target_relation) -%}
            {%- do found.update({'old': target_relation}) -%}
        {%- elif row['tableName'].startswith(identifier ~ '__dbt_old_')
            or row['tableName'].startswith(identifier ~ '__dbt_new_') -%}
            {%- do adapter.drop_relation(leftover) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set old_relation = found['old'] -%}

    {{ run_hooks(pre_hooks) }}

    {#- the long part, beside the current table -#}
    {%- call statement('main') -%}
        {{ create_table_as(False, new_relation, compiled_code) }}
    {%- endcall -%}

    {#- the swap -#}
    {%- if old_relation is not none -%}
        {%- if old_relation.type == 'table' -%}
            {%- do adapter.rename_relation(old_relation, backup_relation) -%}
        {%- else -%}
            {%- do adapter.drop_relation(old_relation) -%}
        {%- endif -%}
    {%- endif -%}
    {%- do adapter.rename_relation(new_relation, target_relation) -%}
    {%- if old_relation is not none and old_relation.type == 'table' -%}
        {%- do adapter.drop_relation(backup_relation) -%}
    {%- endif -%}

    {%- set should_revoke = should_revoke(old_relation, full_refresh_mode=True) -%}
    {%- do apply_grants(target_relation, grant_config, should_revoke) -%}
    {%- do persist_docs(target_relation, model) -%}
    {%- do persist_constraints(target_relation, model) -%}

    {{ run_hooks(post_hooks) }}

    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
