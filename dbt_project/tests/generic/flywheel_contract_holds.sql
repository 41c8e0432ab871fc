{#
    A model's contract constraints (`not_null` on its columns, its `primary_key`), checked after
    the build where the engine does not enforce them (`flywheel.enforces_constraints()`: Spark).
    Where it does (DuckDB) the table cannot hold a row that breaks them, and the test is an empty
    query that reads nothing: the constraints are declared once, in the contract, and checked
    once. It is a node on every engine (not `enabled` by engine) because Dagster's assets and
    checks come from one manifest, parsed for DuckDB, which must know every test a Spark run
    reports.
    Returns one row per constraint broken, with how many rows (or repeated keys) break it.
    Usage in yml, under a model with an enforced contract:  data_tests: [flywheel_contract_holds]
#}
{% test flywheel_contract_holds(model) %}
    {%- set checks = [] -%}
    {%- if execute and not flywheel.enforces_constraints() -%}
        {%- set node = graph.nodes.values() | selectattr('resource_type', 'equalto', 'model')
                       | selectattr('alias', 'equalto', model.identifier) | first -%}
        {%- for column in node.columns.values() if column.constraints | selectattr('type', 'equalto', 'not_null') | list -%}
            {%- do checks.append(('not_null ' ~ column.name, model ~ ' where ' ~ adapter.quote(column.name) ~ ' is null')) -%}
        {%- endfor -%}
        {%- for constraint in node.constraints if constraint.type == 'primary_key' -%}
            {%- set quoted = [] -%}
            {%- for column in constraint.columns -%}{%- do quoted.append(adapter.quote(column)) -%}{%- endfor -%}
            {%- set label = 'primary_key ' ~ constraint.columns | join(', ') -%}
            {%- do checks.append((label ~ ' null', model ~ ' where ' ~ quoted | join(' is null or ') ~ ' is null')) -%}
            {%- do checks.append((label ~ ' repeated', '(select ' ~ quoted | join(', ') ~ ' from ' ~ model
                                  ~ ' group by ' ~ quoted | join(', ') ~ ' having count(*) > 1) as repeated')) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for label, rows in checks %}
    select '{{ label }}' as broken, count(*) as rows_breaking_it from {{ rows }} having count(*) > 0
    {% if not loop.last %}union all{% endif %}
    {%- else %}
    select 'nothing' as broken, 0 as rows_breaking_it where 1 = 0
    {%- endfor %}
{% endtest %}
