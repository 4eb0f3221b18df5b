{#
    After a run with a failure, the screen that explains it: each failed test with what it checks
    in one sentence, each failed model with its error, a lost Thrift Server or metastore database
    and how to go on, and for a quarantine above its limit, per file and rule the rows quarantined,
    their share against the limit, three sample rows and the command that lists them all. Logged at debug level with
    a mark: the dbt plugin (ml/dbt_plugin) prints the marked lines after dbt's own summary, so
    that the screen is the last of the output.
#}
{% macro explain_failed_run(results) %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set failed = results | selectattr('status', 'in', ['error', 'fail', 'runtime error']) | list -%}
    {%- if failed | length == 0 -%}{{ return('') }}{%- endif -%}
    {%- set lines = ['', '=== What failed, and where to look ==='] -%}
    {%- for result in failed -%}
        {%- do lines.extend(movielens_failure_lines(result)) -%}
    {%- endfor -%}
    {%- if movielens_metastore_lost(failed) -%}
        {%- do lines.extend([
            '', "The metastore's PostgreSQL database at 127.0.0.1:" ~ env_var('METASTORE_PORT', '5432')
            ~ ' stopped answering (its log: ' ~ env_var('MOVIELENS_SPARK_DIR', '.spark/local')
            ~ '/services/metastore.log). Start it again with `make cluster-up` (`make metastore-up` for a'
            ~ ' local run), then run this command again: the tables built before are intact.'
        ]) -%}
    {%- elif movielens_server_lost(failed) -%}
        {#- nothing can be queried: say which server and how to go on -#}
        {%- do lines.extend([
            '', 'The Thrift Server at ' ~ target.host ~ ':' ~ target.port ~ ' stopped answering (its log: '
            ~ env_var('MOVIELENS_SPARK_DIR', '.spark/local') ~ '/services/thrift.log). Start it again with'
            ~ ' `make cluster-up`, then run this command again: the tables built before are intact.'
        ]) -%}
    {%- else -%}
        {%- do lines.extend(movielens_what_to_look_at(results, failed)) -%}
    {%- endif -%}
    {%- for line in lines -%}
        {%- do log(movielens_screen_mark() ~ line) -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}


{# The skipped nodes, the quarantine above its limit, the row accounting: what a reader looks at. #}
{% macro movielens_what_to_look_at(results, failed) %}
    {%- set lines = [] -%}
    {%- set skipped = results | selectattr('status', 'equalto', 'skipped') | list | length -%}
    {%- if skipped -%}
        {%- do lines.append(skipped ~ ' node(s) after these were skipped; the tables they would build are as before.') -%}
    {%- endif -%}
    {%- if failed | selectattr('node.name', 'equalto', 'assert_quarantine_share_within_limit') | list -%}
        {%- do lines.extend(movielens_quarantine_lines()) -%}
    {%- endif -%}
    {%- if movielens_relation('row_accounting') is not none -%}
        {%- do lines.append('What each rule kept: ' ~ movielens_show_command("select * from {{ ref('row_accounting') }} order by step")) -%}
    {%- endif -%}
    {{ return(lines) }}
{% endmacro %}


{# Whether a failure says the Thrift Server is gone (dbt-spark's pyhive cannot connect). #}
{% macro movielens_server_lost(failed) %}
    {%- for result in failed if 'TTransportException' in ((result.message or '') | string) -%}
        {{ return(true) }}
    {%- endfor -%}
    {{ return(false) }}
{% endmacro %}


{#
    Whether a failure says the metastore's PostgreSQL database is gone: the words of its JDBC driver
    or of its pool (ml.warehouse.session.METASTORE_LOST_WORDS).
#}
{% macro movielens_metastore_lost(failed) %}
    {%- set lost_words = ['Check that the hostname and port are correct and that the postmaster is accepting', 'Connection is not available, request timed out'] -%}
    {%- for result in failed -%}
        {%- for words in lost_words if words in ((result.message or '') | string) -%}
            {{ return(true) }}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(false) }}
{% endmacro %}


{# The last line of an error message: dbt's first lines name the node, its last says what failed. #}
{% macro movielens_error_line(message) %}
    {%- set lines = ((message or 'no message') | string).strip().split('\n') -%}
    {{ return(lines[-1].strip()) }}
{% endmacro %}


{# The mark of the screen's lines in dbt's log, which the dbt plugin looks for. #}
{% macro movielens_screen_mark() %}{{ return('movielens-screen: ') }}{% endmacro %}


{% macro movielens_failure_lines(result) %}
    {%- set node = result.node -%}
    {%- if node.resource_type == 'test' -%}
        {%- set found = (' (it found %d row%s)' | format(result.failures, '' if result.failures == 1 else 's'))
            if result.failures else '' -%}
        {%- set lines = [
            ('FAIL' if result.status == 'fail' else 'ERROR') ~ ' test ' ~ node.name ~ found,
            '  it checks: ' ~ movielens_test_sentence(node),
            '  its query: ' ~ node.compiled_path,
        ] -%}
        {%- if result.status != 'fail' -%}
            {%- do lines.append('  its error: ' ~ movielens_error_line(result.message)) -%}
        {%- endif -%}
        {{ return(lines) }}
    {%- elif node.resource_type == 'unit_test' -%}
        {{ return([
            'FAIL unit test ' ~ node.model ~ '::' ~ node.name,
            '  it checks: ' ~ movielens_first_sentence(node.description or node.name),
        ]) }}
    {%- else -%}
        {{ return(['ERROR ' ~ node.resource_type ~ ' ' ~ node.name ~ ': ' ~ movielens_error_line(result.message)]) }}
    {%- endif -%}
{% endmacro %}


{#
    What a data test checks, in one sentence: a singular test's first comment (each says what it
    asserts), else one made of the generic test's name and arguments.
#}
{% macro movielens_test_sentence(node) %}
    {%- if not node.test_metadata -%}
        {%- set comment = [] -%}
        {%- set state = namespace(in_comment=true) -%}
        {%- for line in node.raw_code.strip().split('\n') -%}
            {%- set state.in_comment = state.in_comment and line.startswith('--') -%}
            {%- if state.in_comment -%}{%- do comment.append(line[2:].strip()) -%}{%- endif -%}
        {%- endfor -%}
        {{ return(movielens_first_sentence(comment | join(' ') or node.name)) }}
    {%- endif -%}
    {%- set test = node.test_metadata.name -%}
    {%- set arguments = node.test_metadata.kwargs -%}
    {%- set model = (node.attached_node or node.file_key_name or '').split('.')[-1] -%}
    {%- set column = arguments.get('column_name') -%}
    {%- if test == 'unique' -%}
        {{ return(column ~ ' of ' ~ model ~ ' holds no value twice.') }}
    {%- elif test == 'not_null' -%}
        {{ return(column ~ ' of ' ~ model ~ ' is never null.') }}
    {%- elif test == 'accepted_values' -%}
        {{ return(column ~ ' of ' ~ model ~ ' is one of ' ~ arguments.get('values', []) | join(', ') ~ '.') }}
    {%- elif test == 'relationships' -%}
        {{ return('every ' ~ column ~ ' of ' ~ model ~ ' is a ' ~ arguments.get('field') ~ ' of ' ~ node.depends_on.nodes[-1].split('.')[-1] ~ '.') }}
    {%- elif test == 'unique_combination_of_columns' -%}
        {{ return(model ~ ' holds each (' ~ arguments.get('combination_of_columns', []) | join(', ') ~ ') once.') }}
    {%- endif -%}
    {{ return(test ~ ' on ' ~ model ~ ((', column ' ~ column) if column else '') ~ '.') }}
{% endmacro %}


{% macro movielens_first_sentence(text) %}
    {%- set text = text | replace('\n', ' ') | trim -%}
    {%- set end = text.find('. ') -%}
    {{ return(text if end < 0 else text[:end + 1]) }}
{% endmacro %}


{# A model's relation in the warehouse, or none when it is not built. #}
{% macro movielens_relation(name) %}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.name == name -%}
        {{ return(movielens_node_relation(node)) }}
    {%- endfor -%}
    {{ return(none) }}
{% endmacro %}


{# A graph node's relation in the warehouse, or none when it is not built. #}
{% macro movielens_node_relation(node) %}
    {{ return(adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias)) }}
{% endmacro %}


{% macro movielens_show_command(sql) %}
    {{ return('dbt show --output json --limit -1 --inline "' ~ sql ~ '"') }}
{% endmacro %}


{#
    Per file with rows in quarantine: rows read and quarantined, their share against the limit;
    per rule, its count and three of its rows; the command that lists them all.
#}
{% macro movielens_quarantine_lines() %}
    {%- set by_file = movielens_relation('quarantine_by_file') -%}
    {%- set quarantine = movielens_relation('quarantine') -%}
    {%- if by_file is none or quarantine is none -%}{{ return([]) }}{%- endif -%}
    {%- set limit = var('quarantine_max_share') -%}
    {%- set files = run_query('select * from ' ~ by_file ~ ' where rows_quarantined > 0 order by file') -%}
    {%- set samples = run_query(
        'select file, rule, rule_rows, row_text from ('
        ~ ' select file, rule, row_text, count(*) over (partition by file, rule) as rule_rows,'
        ~ ' row_number() over (partition by file, rule order by row_text) as sample'
        ~ ' from ' ~ quarantine ~ ') where sample <= 3 order by file, rule_rows desc, rule, sample'
    ) -%}
    {%- set lines = ['', 'Quarantine (the limit: quarantine_max_share = %s, %.3g%% of a file\'s rows):' | format(limit, limit * 100)] -%}
    {%- for file in files.rows -%}
        {%- set share = file['quarantined_share'] | float -%}
        {%- do lines.append('%s: %s of %s rows quarantined, %.3g%% (%s the limit)' | format(
            file['file'], '{:,}'.format(file['rows_quarantined']), '{:,}'.format(file['rows_read']),
            share * 100, 'ABOVE' if share > limit else 'within')) -%}
        {%- set shown = [] -%}
        {%- for sample in samples.rows if sample['file'] == file['file'] -%}
            {%- if sample['rule'] not in shown -%}
                {%- do shown.append(sample['rule']) -%}
                {%- do lines.append('  %s rows: %s' | format('{:,}'.format(sample['rule_rows']), sample['rule'])) -%}
            {%- endif -%}
            {%- do lines.append('      ' ~ sample['row_text'] | truncate(100, true, '...', 0)) -%}
        {%- endfor -%}
        {%- do lines.append('  all of them: ' ~ movielens_show_command(
            "select * from {{ ref('quarantine') }} where file = '" ~ file['file'] ~ "'")) -%}
    {%- endfor -%}
    {{ return(lines) }}
{% endmacro %}
