{#
    The raw tables on Spark: the Parquet snapshots extraction lands under the lake directory
    (pipelines/lake.py), one folder per table, `<lake>/<schema>/<table>/current`. A sync swaps what
    `current` points to, so the location never changes; every dbt run registers the sources
    there as external tables (dropping an external table leaves its files), which also picks up
    columns a new field brought. On DuckDB the raw tables live in the database: nothing to do.
#}
{% macro register_raw_tables() -%}
    {{ return(adapter.dispatch('register_raw_tables', 'flywheel')()) }}
{%- endmacro %}

{% macro default__register_raw_tables() -%}
{%- endmacro %}

{% macro spark__register_raw_tables() -%}
    {%- if execute -%}
        {%- set lake = env_var('FLYWHEEL_LAKE_DIR', 'data/lake') -%}
        {%- for source in graph.sources.values() | sort(attribute='unique_id') -%}
            {%- set table = source.schema ~ '.' ~ adapter.quote(source.identifier) -%}
            {%- do run_query('create database if not exists ' ~ source.schema) -%}
            {%- do run_query('drop table if exists ' ~ table) -%}
            {%- do run_query("create table " ~ table ~ " using parquet location '"
                             ~ lake ~ "/" ~ source.schema ~ "/" ~ source.identifier ~ "/current'") -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
