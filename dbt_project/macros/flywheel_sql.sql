{# Small portable helpers shared by the models. #}

{# a / b as a double on every engine (a decimal literal would make it a decimal on Spark), null
   when b is 0 or null. #}
{% macro safe_divide(numerator, denominator) -%}
    cast({{ numerator }} as {{ flywheel.type_double() }}) / nullif({{ denominator }}, 0)
{%- endmacro %}

{# Rounded to `digits` decimals, halves away from zero, the same on every engine: engines round a
   double's binary value differently (30.45 is 30.4499… as a double: 30.4 on DuckDB, 30.5 on
   Spark), so it is taken at 9 decimals first and rounded as a decimal. A double again. #}
{% macro round_half_up(expression, digits) -%}
    cast(round(cast({{ expression }} as decimal(38, 9)), {{ digits }}) as {{ flywheel.type_double() }})
{%- endmacro %}

{# A text literal, its apostrophes escaped the way the engine reads them ('' on DuckDB, \' on Spark,
   where '' would end one literal and start the next). #}
{% macro text_literal(text) -%}
    '{{ dbt.escape_single_quotes(text) }}'
{%- endmacro %}

{# A SQL list literal from a list var: ('a', 'b'). #}
{% macro sql_list(values) -%}
    ({%- for value in values -%}'{{ value | replace("'", "''") }}'{{ ", " if not loop.last }}{%- endfor -%})
{%- endmacro %}

{# A number as text for evidence sentences. #}
{% macro as_text(expression) -%}
    cast({{ expression }} as {{ dbt.type_string() }})
{%- endmacro %}

{# A share (0..1) as a whole percentage text, e.g. 0.666 -> '67%'. #}
{% macro as_percent_text(expression) -%}
    {{ dbt.concat([flywheel.as_text('cast(round(100.0 * (' ~ expression ~ '), 0) as ' ~ dbt.type_int() ~ ')'), "'%'"]) }}
{%- endmacro %}

{# A date N days before (negative) or after a date expression, as a date. #}
{% macro add_days(date_expression, days) -%}
    cast({{ dbt.dateadd('day', days, date_expression) }} as date)
{%- endmacro %}

{# Whole days from one date to another (to - from), a bigint on every engine (Spark's datediff
   is an int). #}
{% macro days_between(from_date, to_date) -%}
    cast({{ dbt.datediff(from_date, to_date, 'day') }} as {{ dbt.type_bigint() }})
{%- endmacro %}

{# Severity of each flag, fixed by the product contract (the var flywheel_flags). #}
{% macro flag_severity(flag) -%}
    '{{ var('flywheel_flags')[flag] }}'
{%- endmacro %}

{# An opportunity (a row of int_opportunity_trail) is open on a date when it existed and had not
   closed by then. #}
{% macro opportunity_is_open_on(trail, on_date) -%}
    ({{ trail }}.created_on <= {{ on_date }}
     and (not {{ trail }}.is_closed or coalesce({{ trail }}.closed_on > {{ on_date }}, false)))
{%- endmacro %}

{# An open opportunity is stale on a date when its close date has passed, or it was not modified
   for `stale_days`. For a past date, a modification after it cannot be seen before it: the
   deal counts as fresh then (the rule errs towards not flagging). #}
{% macro opportunity_is_stale_on(trail, on_date) -%}
    (coalesce({{ trail }}.close_date < {{ on_date }}, false)
     or coalesce({{ flywheel.days_between(trail ~ '.last_modified_on', on_date) }} >= {{ var('stale_days') }}, false))
{%- endmacro %}

{# True on the `working_weekdays` (default Monday to Friday) of a date: a working day of the
   calendar, before the holidays of each person (int_user_days) are taken out. #}
{% macro is_working_weekday(date_expression) -%}
    ({{ flywheel.iso_weekday(date_expression) }} in ({{ flywheel.working_iso_weekdays() | join(', ') }}))
{%- endmacro %}

{# The `working_weekdays` var as ISO weekday numbers (Monday 1 … Sunday 7); a name that is not a
   weekday stops the run with the list of names. #}
{% macro working_iso_weekdays() -%}
    {%- set names = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] -%}
    {%- set numbers = [] -%}
    {%- for day in var('working_weekdays') -%}
        {%- if (day | string | lower) not in names -%}
            {{ exceptions.raise_compiler_error("working_weekdays: '" ~ day ~ "' is not a weekday (use "
                                               ~ names | join(', ') ~ ")") }}
        {%- endif -%}
        {%- do numbers.append(names.index(day | string | lower) + 1) -%}
    {%- endfor -%}
    {%- if not numbers -%}
        {{ exceptions.raise_compiler_error("working_weekdays is empty: list at least one weekday") }}
    {%- endif -%}
    {{ return(numbers) }}
{%- endmacro %}

{# True when a text expression matches any of a list var's SQL LIKE patterns (case-sensitive);
   false for an empty list or a null expression. #}
{% macro matches_any(expression, patterns) -%}
    coalesce(({%- for pattern in patterns -%}
        {{ expression }} like {{ flywheel.text_literal(pattern) }}{{ " or " if not loop.last }}
    {%- else -%} false {%- endfor -%}), false)
{%- endmacro %}

{# True when an expression equals one of a list var's values; false for an empty list or null. #}
{% macro one_of(expression, values) -%}
    {%- if values -%} coalesce({{ expression }} in {{ flywheel.sql_list(values) }}, false) {%- else -%} false {%- endif -%}
{%- endmacro %}
