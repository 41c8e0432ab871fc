{#
    Models land in exactly the schema they name (`marts`, `staging`, `intermediate`), not dbt's
    default `<target schema>_<custom schema>`: RevOps queries and the exports read `marts.*`.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
