-- Flag `declining_usage` (warn): activity (interactive login days plus records created) in the
-- last `decline_recent_days` (14) days below `decline_ratio` (40%) of the user's own average per
-- 14 days over the `decline_baseline_days` (8 weeks) before; only for users who existed through
-- the whole baseline, with a healthy baseline (on average at least
-- `decline_min_baseline_login_days` (4) login days per 14 days).
-- metric_value = recent activity / baseline average (a ratio; it holds strictly below the threshold).
{%- set recent = var('decline_recent_days') %}
{%- set baseline = var('decline_baseline_days') %}
{%- set periods = baseline / recent %}
with

user_dates as (

    select * from {{ ref('int_user_evaluation_dates') }}

),

daily as (

    select * from {{ ref('int_user_daily_activity') }}

),

periods as (

    select
        user_dates.user_id,
        user_dates.evaluated_on,
        user_dates.is_flaggable,
        -- the last 14 days, ending on the date
        coalesce(sum(case when daily.date_day > {{ flywheel.add_days('user_dates.evaluated_on', -recent) }}
                          then daily.login_days + daily.records_created end), 0) as recent_activity,
        -- the 8 weeks before them
        coalesce(sum(case when daily.date_day <= {{ flywheel.add_days('user_dates.evaluated_on', -recent) }}
                          then daily.login_days + daily.records_created end), 0) as baseline_activity,
        coalesce(sum(case when daily.date_day <= {{ flywheel.add_days('user_dates.evaluated_on', -recent) }}
                          then daily.login_days end), 0) as baseline_login_days,
        -- the user existed, and the calendar reaches back, through the whole baseline
        user_dates.history_start_on
            <= {{ flywheel.add_days('user_dates.evaluated_on', -(recent + baseline) + 1) }} as has_full_baseline
    from user_dates
    left join daily
        on daily.user_id = user_dates.user_id
        and daily.date_day > {{ flywheel.add_days('user_dates.evaluated_on', -(recent + baseline)) }}
        and daily.date_day <= user_dates.evaluated_on
    group by user_dates.user_id, user_dates.evaluated_on, user_dates.is_flaggable, user_dates.history_start_on

),

compared as (

    select
        *,
        baseline_activity / {{ periods }} as baseline_average,
        baseline_login_days / {{ periods }} as baseline_average_login_days,
        has_full_baseline
            and baseline_login_days / {{ periods }} >= {{ var('decline_min_baseline_login_days') }} as has_healthy_baseline
    from periods

)

select
    user_id,
    evaluated_on,
    'declining_usage' as flag,
    {{ flywheel.flag_severity('declining_usage') }} as severity,
    is_flaggable,
    is_flaggable
        and has_healthy_baseline
        and recent_activity < {{ var('decline_ratio') }} * baseline_average as is_flagged,
    cast({{ flywheel.safe_divide('recent_activity', 'baseline_average') }} as {{ flywheel.type_double() }}) as metric_value,
    cast({{ var('decline_ratio') }} as {{ flywheel.type_double() }}) as threshold,
    {{ dbt.concat([
        "'activity (login days + records) in the last " ~ recent ~ " days was '", flywheel.as_text('recent_activity'),
        "', '", "coalesce(" ~ flywheel.as_percent_text(flywheel.safe_divide('recent_activity', 'baseline_average')) ~ ", 'n/a')",
        "' of their average of '", flywheel.as_text('round(baseline_average, 1)'),
        "' per " ~ recent ~ " days over the " ~ (baseline // 7) ~ " weeks before ('",
        flywheel.as_text('round(baseline_average_login_days, 1)'), "' login days per " ~ recent ~ " days)'"]) }} as evidence
from compared
