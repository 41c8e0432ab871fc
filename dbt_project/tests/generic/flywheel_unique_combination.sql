{#
    The grain test for composite keys: no two rows share the same values of `combination`
    (and, with not_null_combination, none of those columns is null).
    Usage in yml, under the model:  data_tests: [{flywheel_unique_combination: {combination: [a, b]}}]
#}
{% test flywheel_unique_combination(model, combination) %}
    select {{ combination | join(', ') }}, count(*) as rows_with_this_key
    from {{ model }}
    group by {{ combination | join(', ') }}
    having count(*) > 1
    union all
    select {{ combination | join(', ') }}, 1 as rows_with_this_key
    from {{ model }}
    where {% for column in combination %}{{ column }} is null{{ " or " if not loop.last }}{% endfor %}
{% endtest %}
