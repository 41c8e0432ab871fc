-- Flag `declining_usage` (warn): activity (interactive login days plus records created) per
-- present day in the last `decline_recent_days` (14) days below `decline_ratio` (40%) of the
-- user's own activity per present day over the `decline_baseline_days` (8 weeks) before; only for
-- users who existed through the whole baseline, with a healthy baseline (on average at least
-- `decline_min_baseline_login_days` (4) login days per 14 present days). Days away
-- (int_user_absence_days) are not present days; with fewer than half of either period present
-- (7 of 14, 28 of 56) the user is not judged. Without days away, per present day is per day.
-- Judged from LoginHistory's horizon on (int_evaluation_dates).
-- metric_value = recent rate / baseline rate (a ratio; it holds strictly below the threshold).
{%- set recent = var('decline_recent_days') %}
{%- set baseline = var('decline_baseline_days') %}
with

user_dates as (

    select * from {{ ref('int_user_evaluation_dates') }}

),

daily as (

    select * from {{ ref('int_user_daily_activity') }}

),

absence_days as (

    select * from {{ ref('int_user_absence_days') }}

),

away as (

    -- days away in each period
    select
        user_dates.user_id,
        user_dates.evaluated_on,
        sum(case when absence_days.date_day > {{ flywheel.add_days('user_dates.evaluated_on', -recent) }}
                 then 1 else 0 end) as recent_days_away,
        sum(case when absence_days.date_day <= {{ flywheel.add_days('user_dates.evaluated_on', -recent) }}
                 then 1 else 0 end) as baseline_days_away
    from user_dates
    inner join absence_days
        on absence_days.user_id = user_dates.user_id
        and absence_days.date_day > {{ flywheel.add_days('user_dates.evaluated_on', -(recent + baseline)) }}
        and absence_days.date_day <= user_dates.evaluated_on
    group by user_dates.user_id, user_dates.evaluated_on

),

periods as (

    select
        user_dates.user_id,
        user_dates.evaluated_on,
        -- judged only where LoginHistory reaches back far enough (int_evaluation_dates)
        user_dates.is_flaggable and user_dates.is_login_judged as is_flaggable,
        -- the last 14 days, ending on the date
        coalesce(sum(case when daily.date_day > {{ flywheel.add_days('user_dates.evaluated_on', -recent) }}
                          then daily.login_days + daily.records_created end), 0) as recent_activity,
        -- the 8 weeks before them
        coalesce(sum(case when daily.date_day <= {{ flywheel.add_days('user_dates.evaluated_on', -recent) }}
                          then daily.login_days + daily.records_created end), 0) as baseline_activity,
        coalesce(sum(case when daily.date_day <= {{ flywheel.add_days('user_dates.evaluated_on', -recent) }}
                          then daily.login_days end), 0) as baseline_login_days,
        -- present days of each period
        {{ recent }} - coalesce(max(away.recent_days_away), 0) as recent_present_days,
        {{ baseline }} - coalesce(max(away.baseline_days_away), 0) as baseline_present_days,
        -- the user existed, and the calendar reaches back, through the whole baseline
        user_dates.history_start_on
            <= {{ flywheel.add_days('user_dates.evaluated_on', -(recent + baseline) + 1) }} as has_full_baseline
    from user_dates
    left join away
        on away.user_id = user_dates.user_id and away.evaluated_on = user_dates.evaluated_on
    left join daily
        on daily.user_id = user_dates.user_id
        and daily.date_day > {{ flywheel.add_days('user_dates.evaluated_on', -(recent + baseline)) }}
        and daily.date_day <= user_dates.evaluated_on
    group by user_dates.user_id, user_dates.evaluated_on, user_dates.is_flaggable, user_dates.is_login_judged,
        user_dates.history_start_on

),

compared as (

    select
        *,
        -- per {{ recent }} present days
        {{ flywheel.safe_divide('recent_activity * ' ~ recent, 'recent_present_days') }} as recent_rate,
        {{ flywheel.safe_divide('baseline_activity * ' ~ recent, 'baseline_present_days') }} as baseline_average,
        {{ flywheel.safe_divide('baseline_login_days * ' ~ recent, 'baseline_present_days') }} as baseline_average_login_days,
        has_full_baseline
            and recent_present_days * 2 >= {{ recent }} and baseline_present_days * 2 >= {{ baseline }}
            and {{ flywheel.safe_divide('baseline_login_days * ' ~ recent, 'baseline_present_days') }}
                >= {{ var('decline_min_baseline_login_days') }} as has_healthy_baseline
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
        and recent_rate < {{ var('decline_ratio') }} * baseline_average as is_flagged,
    cast({{ flywheel.safe_divide('recent_rate', 'baseline_average') }} as {{ flywheel.type_double() }}) as metric_value,
    cast({{ var('decline_ratio') }} as {{ flywheel.type_double() }}) as threshold,
    {{ dbt.concat([
        "'activity (login days + records) in the last " ~ recent ~ " days was '", flywheel.as_text('recent_activity'),
        "case when recent_present_days < " ~ recent ~ " then " ~ dbt.concat([
            "' in '", flywheel.as_text('recent_present_days'), "' present days'"]) ~ " else '' end",
        "', '", "coalesce(" ~ flywheel.as_percent_text(flywheel.safe_divide('recent_rate', 'baseline_average')) ~ ", 'n/a')",
        "' of their average of '", flywheel.as_text('round(baseline_average, 1)'),
        "' per " ~ recent ~ "'", "case when recent_present_days < " ~ recent ~ " or baseline_present_days < " ~ baseline
            ~ " then ' present' else '' end", "' days over the " ~ (baseline // 7) ~ " weeks before ('",
        flywheel.as_text('round(baseline_average_login_days, 1)'), "' login days per " ~ recent ~ " days)'"]) }} as evidence
from compared
