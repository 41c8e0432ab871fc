-- Every flag rule evaluated for every flaggable measured user on every evaluation date (the as-of
-- date and each earlier week): one row per user x date x flag, held or not. The history behind
-- first_flagged_on, the weekly tiers and the flags opened and closed.
-- Each flag of the vocabulary (the var flywheel_flags) has its rule in int_flag_<flag>.
{%- set flag_models = [] %}
{%- for flag in var('flywheel_flags') %}{% do flag_models.append('int_flag_' ~ flag) %}{% endfor %}
with

{% for flag_model in flag_models %}
{{ flag_model }} as (

    select user_id, evaluated_on, flag, severity, is_flagged, metric_value, threshold, evidence
    from {{ ref(flag_model) }}
    where is_flaggable

),
{% endfor %}

all_flags as (

    {% for flag_model in flag_models %}
    select * from {{ flag_model }}
    {{ 'union all' if not loop.last }}
    {% endfor %}

),

with_run_start as (

    -- the start of the unbroken run of evaluations in which the flag held, up to this date
    select
        *,
        max(case when not is_flagged then evaluated_on end) over (
            partition by user_id, flag order by evaluated_on
            rows between unbounded preceding and current row
        ) as last_not_flagged_on
    from all_flags

),

first_flagged as (

    select
        *,
        case when is_flagged then min(case when is_flagged then evaluated_on end) over (
            partition by user_id, flag, last_not_flagged_on
        ) end as first_flagged_on,
        lag(is_flagged) over (partition by user_id, flag order by evaluated_on) as was_flagged_week_before
    from with_run_start

)

select
    user_id,
    evaluated_on,
    flag,
    severity,
    is_flagged,
    metric_value,
    threshold,
    evidence,
    first_flagged_on,
    is_flagged and not coalesce(was_flagged_week_before, false) as is_opened,
    not is_flagged and coalesce(was_flagged_week_before, false) as is_closed
from first_flagged
