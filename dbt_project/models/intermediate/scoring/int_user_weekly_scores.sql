-- The adoption score (0-100) and tier per measured user per week. Each of the five parts is the
-- user's metric over the median of the user's team (same manager), capped at 1.0, so a team that
-- sells differently is not punished; the median is never taken below the part's floor var, so a
-- team where nobody works does not make its members champions. A part the user has no data for
-- (no open deal, no deal in the window) is left out and the weights of the others renormalised.
-- Tiers: champion (>= 80), healthy (60-79), at_risk (30-59), silent (< 30, or any critical flag).
-- A week before LoginHistory's horizon (int_evaluation_dates.is_login_judged) has no score and no
-- tier: logins are not judged yet.
{%- set parts = ['login_consistency', 'capture', 'activity_logging', 'pipeline_hygiene', 'timeliness'] %}
with

metrics as (

    select * from {{ ref('int_user_weekly_metrics') }}

),

flags as (

    select * from {{ ref('int_flag_history') }}

),

team_medians as (

    select
        team_id,
        evaluated_on,
        {% for part in parts %}
        {{ flywheel.median(part ~ '_metric') }} as team_median_{{ part }}{{ ',' if not loop.last }}
        {% endfor %}
    from metrics
    group by team_id, evaluated_on

),

critical_flags as (

    select user_id, evaluated_on, count(*) as critical_flags
    from flags
    where is_flagged and severity = 'critical'
    group by user_id, evaluated_on

),

parts as (

    select
        metrics.*,
        {% for part in parts %}
        team_medians.team_median_{{ part }},
        -- (least() skips nulls on some engines: a part without data stays null explicitly)
        case when metrics.{{ part }}_metric is not null then least(1.0, metrics.{{ part }}_metric
            / greatest(coalesce(team_medians.team_median_{{ part }}, 0), {{ var('score_floor_' ~ part) }})) end as {{ part }}_part,
        {% endfor %}
        coalesce(critical_flags.critical_flags, 0) as critical_flags
    from metrics
    inner join team_medians
        on metrics.team_id = team_medians.team_id and metrics.evaluated_on = team_medians.evaluated_on
    left join critical_flags
        on metrics.user_id = critical_flags.user_id and metrics.evaluated_on = critical_flags.evaluated_on

),

scored as (

    {%- set weighted_score -%}
        100.0 * (
            {% for part in parts %}
            coalesce({{ var('score_weight_' ~ part) }} * {{ part }}_part, 0){{ ' +' if not loop.last }}
            {% endfor %}
        ) / (
            {% for part in parts %}
            case when {{ part }}_part is not null then {{ var('score_weight_' ~ part) }} else 0 end{{ ' +' if not loop.last }}
            {% endfor %}
        )
    {%- endset %}
    select
        *,
        case when is_login_judged then {{ flywheel.round_half_up(weighted_score, 1) }} end as adoption_score
    from parts

)

select
    *,
    case
        when not is_login_judged then null
        when critical_flags > 0 then 'silent'
        when adoption_score >= {{ var('tier_champion_min') }} then 'champion'
        when adoption_score >= {{ var('tier_healthy_min') }} then 'healthy'
        when adoption_score >= {{ var('tier_at_risk_min') }} then 'at_risk'
        else 'silent'
    end as tier,
    adoption_score - lag(adoption_score) over (partition by user_id order by evaluated_on) as score_change
from scored
