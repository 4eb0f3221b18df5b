{#
    Pieces of the base models' row checks (models/staging/movielens/base/): each base model
    types every row of its file and names the first rule the row breaks, or null.
#}

{# The row as read: its raw line when it did not parse, else its fields joined by commas. #}
{% macro movielens_row_text(columns) %}
    coalesce(
        _corrupt_record,
        concat_ws(',', {% for column in columns %}coalesce(`{{ column }}`, ''){{ ', ' if not loop.last }}{% endfor %})
    )
{% endmacro %}


{#
    Rules every file shares, in the order they are checked: the row parsed, it was UTF-8 (Spark
    reads other bytes as U+FFFD; `python -m ml check` stops before that, dbt alone gets here),
    no required field is empty.
#}
{% macro movielens_parse_rules(columns, required_columns) %}
    when _corrupt_record is not null then 'malformed row: wrong number of fields or broken quoting'
    when contains({{ movielens_row_text(columns) }}, '\uFFFD') then 'not valid UTF-8'
    when {% for column in required_columns %}`{{ column }}` is null{{ ' or ' if not loop.last }}{% endfor %}
        then 'empty required field'
{% endmacro %}


{#
    A timestamp (seconds since the epoch) no MovieLens row can have: before var('min_rating_date')
    or after the build.
#}
{% macro movielens_timestamp_outside_range(seconds) %}
    ({{ seconds }} < unix_timestamp(to_timestamp('{{ var("min_rating_date") }}'))
        or {{ seconds }} > unix_timestamp(current_timestamp()))
{% endmacro %}
