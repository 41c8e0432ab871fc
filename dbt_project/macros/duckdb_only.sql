{#
    ============================================================================================
    ENGINE-SPECIFIC SQL LIVES HERE, AND ONLY HERE.
    Every model is written with dbt's cross-database macros; the few things those do not cover
    are below, each dispatched (`adapter.dispatch(..., 'flywheel')`), with `duckdb__` and `spark__`
    versions side by side (Databricks' dbt-databricks falls back to the `spark__` ones). To run
    Flywheel on another adapter, add `<adapter>__<macro>` versions next to them (e.g.
    `snowflake__day_series`); the `default__` versions are standard SQL where one exists, and
    otherwise fail with a message that says what to write.
    ============================================================================================
#}

{# One row per day from start_date to end_date inclusive, in a column named `date_day`.
   Both arguments are SQL expressions of type date (they may be scalar subqueries). #}
{% macro day_series(start_date, end_date) -%}
    {{ return(adapter.dispatch('day_series', 'flywheel')(start_date, end_date)) }}
{%- endmacro %}

{% macro duckdb__day_series(start_date, end_date) -%}
    select cast(generate_series as date) as date_day
    from generate_series(
        cast({{ start_date }} as timestamp),
        cast({{ end_date }} as timestamp),
        interval 1 day
    )
{%- endmacro %}

{% macro spark__day_series(start_date, end_date) -%}
    select explode(sequence(cast({{ start_date }} as date), cast({{ end_date }} as date), interval 1 day)) as date_day
{%- endmacro %}

{% macro default__day_series(start_date, end_date) -%}
    {{ exceptions.raise_compiler_error(
        "flywheel.day_series has no version for adapter '" ~ adapter.type() ~ "': add "
        ~ adapter.type() ~ "__day_series(start_date, end_date) to macros/duckdb_only.sql") }}
{%- endmacro %}


{# The UTC calendar date of a timestamp. Raw datetimes are stored as UTC without a time zone, so
   on DuckDB this is a plain cast; an adapter that stores them with a session time zone must
   convert to UTC first. #}
{% macro utc_date(timestamp_expression) -%}
    {{ return(adapter.dispatch('utc_date', 'flywheel')(timestamp_expression)) }}
{%- endmacro %}

{% macro duckdb__utc_date(timestamp_expression) -%}
    cast({{ timestamp_expression }} as date)
{%- endmacro %}

{% macro default__utc_date(timestamp_expression) -%}
    cast({{ timestamp_expression }} as date)
{%- endmacro %}


{# The calendar date of a UTC timestamp on the wall of a time zone, daylight saving applied: the
   person's own date. `zone_expression` is an IANA zone name the engine knows (a column, or a
   quoted literal); check a zone against flywheel.time_zone_names() first, as an unknown zone
   fails the query. The session's own time zone plays no part. #}
{% macro local_date(timestamp_expression, zone_expression) -%}
    {{ return(adapter.dispatch('local_date', 'flywheel')(timestamp_expression, zone_expression)) }}
{%- endmacro %}

{% macro duckdb__local_date(timestamp_expression, zone_expression) -%}
    cast(timezone({{ zone_expression }}, ({{ timestamp_expression }}) at time zone 'UTC') as date)
{%- endmacro %}

{% macro spark__local_date(timestamp_expression, zone_expression) -%}
    {# from_utc_timestamp reads the timestamp as UTC (the session is pinned to UTC) #}
    cast(from_utc_timestamp(({{ timestamp_expression }}), {{ zone_expression }}) as date)
{%- endmacro %}

{% macro default__local_date(timestamp_expression, zone_expression) -%}
    {{ exceptions.raise_compiler_error(
        "flywheel.local_date has no version for adapter '" ~ adapter.type() ~ "': add "
        ~ adapter.type() ~ "__local_date(timestamp_expression, zone_expression) to macros/duckdb_only.sql") }}
{%- endmacro %}


{# The time zone names the engine knows, one row each in a column named `time_zone`: a
   TimeZoneSidKey that is not among them is no zone (the org's zone, else UTC, stands in). #}
{% macro time_zone_names() -%}
    {{ return(adapter.dispatch('time_zone_names', 'flywheel')()) }}
{%- endmacro %}

{% macro duckdb__time_zone_names() -%}
    select name as time_zone from pg_timezone_names()
{%- endmacro %}

{% macro spark__time_zone_names() -%}
    {# java.time's zone ids, which from_utc_timestamp accepts: their Set printed as "[Asia/Aden, …]" #}
    select explode(split(translate(java_method('java.time.ZoneId', 'getAvailableZoneIds'), '[]', ''), ', ')) as time_zone
{%- endmacro %}

{% macro default__time_zone_names() -%}
    {{ exceptions.raise_compiler_error(
        "flywheel.time_zone_names has no version for adapter '" ~ adapter.type() ~ "': add "
        ~ adapter.type() ~ "__time_zone_names() to macros/duckdb_only.sql") }}
{%- endmacro %}


{# The ISO weekday of a date: Monday 1 … Sunday 7. #}
{% macro iso_weekday(date_expression) -%}
    {{ return(adapter.dispatch('iso_weekday', 'flywheel')(date_expression)) }}
{%- endmacro %}

{% macro duckdb__iso_weekday(date_expression) -%}
    isodow({{ date_expression }})
{%- endmacro %}

{% macro default__iso_weekday(date_expression) -%}
    {# 2001-01-01 was a Monday; the double mod keeps earlier dates right #}
    (mod(mod({{ dbt.datediff("cast('2001-01-01' as date)", date_expression, 'day') }}, 7) + 7, 7) + 1)
{%- endmacro %}


{# The median of a numeric expression, as an aggregate (used with GROUP BY). #}
{% macro median(expression) -%}
    {{ return(adapter.dispatch('median', 'flywheel')(expression)) }}
{%- endmacro %}

{% macro duckdb__median(expression) -%}
    median({{ expression }})
{%- endmacro %}

{% macro default__median(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}


{# A double-precision float (dbt.type_float() is single precision on DuckDB). #}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'flywheel')()) }}
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}

{% macro default__type_double() -%}
    {{ dbt.type_float() }}
{%- endmacro %}


{# dbt's listagg on Spark drops its `order by` (dbt-spark says "order_by_clause is not supported"),
   so a list could come in another order than on DuckDB. Every list here is ordered by its own
   values: sorted here, the same on both engines (dbt_project.yml's `dispatch` looks here first). #}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if limit_num or (order_by_clause and order_by_clause | trim != 'order by ' ~ measure) -%}
        {{ exceptions.raise_compiler_error("spark__listagg takes no limit and orders a list by its own values only, not '"
                                           ~ order_by_clause ~ "'") }}
    {%- endif -%}
    array_join(array_sort(collect_list({{ measure }})), {{ delimiter_text }})
{%- endmacro %}


{# Whether the engine enforces a model contract's `not_null` and `primary_key` constraints, so that
   a table cannot hold a row that breaks them: dbt-duckdb builds the table with them and DuckDB
   refuses such a row. dbt-spark leaves them unenforced on Parquet tables (its adapter says
   NOT_ENFORCED), and an adapter not checked yet counts as not enforcing: there the
   `flywheel_contract_holds` test checks the same constraints after the build. #}
{% macro enforces_constraints() -%}
    {{ return(adapter.dispatch('enforces_constraints', 'flywheel')()) }}
{%- endmacro %}

{% macro duckdb__enforces_constraints() -%}
    {{ return(true) }}
{%- endmacro %}

{% macro spark__enforces_constraints() -%}
    {{ return(false) }}
{%- endmacro %}

{% macro default__enforces_constraints() -%}
    {{ return(false) }}
{%- endmacro %}
