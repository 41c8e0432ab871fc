{#
    The select list of a raw Salesforce table, tolerant of hidden fields.

    An org can hide any field through field-level security; the extraction then leaves that
    column out of the raw table. Staging models list every column they want with its type:
    a column present in the table is cast to that type, a missing one becomes a typed null,
    so every staging model keeps its full column list and nothing downstream breaks.

    columns: a list of [column_name, type] pairs, type one of
             string | boolean | timestamp | date | float | integer.
#}
{% macro salesforce_columns(relation, columns) -%}
    {%- set present = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do present.append(column.name | lower) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for name, type in columns %}
        {%- set sql_type = flywheel.salesforce_sql_type(type) %}
        {%- if not execute or (name | lower) in present %}
        {{ dbt.cast(adapter.quote(name), sql_type) }} as {{ adapter.quote(name) }}
        {%- else %}
        {{ dbt.cast("null", sql_type) }} as {{ adapter.quote(name) }} /* hidden in this org */
        {%- endif -%}
        {{- "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{% macro salesforce_sql_type(type) -%}
    {%- if type == 'string' -%} {{ dbt.type_string() }}
    {%- elif type == 'boolean' -%} {{ dbt.type_boolean() }}
    {%- elif type == 'timestamp' -%} {{ dbt.type_timestamp() }}
    {%- elif type == 'date' -%} date
    {%- elif type == 'float' -%} {{ flywheel.type_double() }}
    {%- elif type == 'integer' -%} {{ dbt.type_bigint() }}
    {%- else -%} {{ exceptions.raise_compiler_error("salesforce_columns: unknown type '" ~ type ~ "'") }}
    {%- endif -%}
{%- endmacro %}
