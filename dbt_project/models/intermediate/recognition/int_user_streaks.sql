-- Streaks per measured user per evaluation date (each week, ending on the as-of date's weekday).
-- An *active working day* is a Monday-Friday with an interactive login and at least one record
-- created. current_streak_days: active working days in a row ending on the last working day on or
-- before the date (weekends neither break nor extend a streak; a working day without activity
-- ends it); longest_streak_days: the longest such run up to the date. An *active week* is an ISO
-- week with at least `active_week_min_days` (3) active working days; current_streak_weeks: active
-- weeks in a row ending with the date's week, which counts once it is active (otherwise the streak
-- is counted up to the week before).
with

daily as (

    select * from {{ ref('int_user_daily_activity') }}

),

working_days as (

    select
        user_id,
        date_day,
        week_ending_on,
        cast({{ dbt.date_trunc('week', 'date_day') }} as date) as iso_week_start_on,
        login_days > 0 and records_created > 0 as is_active_day
    from daily
    where is_working_day

),

day_runs as (

    -- gaps and islands: a run is a stretch of working days that are all active or all not
    select
        *,
        row_number() over (partition by user_id order by date_day)
            - row_number() over (partition by user_id, is_active_day order by date_day) as run_number,
        sum(case when is_active_day then 1 else 0 end) over (
            partition by user_id, iso_week_start_on order by date_day
            rows between unbounded preceding and current row
        ) as active_days_in_iso_week_so_far,
        row_number() over (partition by user_id, week_ending_on order by date_day desc) as newest_in_week
    from working_days

),

day_streaks as (

    select
        *,
        case when is_active_day then row_number() over (
            partition by user_id, is_active_day, run_number order by date_day) else 0 end as streak_days,
        min(date_day) over (partition by user_id, is_active_day, run_number) as run_started_on
    from day_runs

),

with_longest as (

    select
        *,
        max(streak_days) over (
            partition by user_id order by date_day rows between unbounded preceding and current row
        ) as longest_streak_days
    from day_streaks

),

iso_weeks as (

    select
        user_id,
        iso_week_start_on,
        sum(case when is_active_day then 1 else 0 end) >= {{ var('active_week_min_days') }} as is_active_week
    from working_days
    group by user_id, iso_week_start_on

),

week_runs as (

    select
        *,
        row_number() over (partition by user_id order by iso_week_start_on)
            - row_number() over (partition by user_id, is_active_week order by iso_week_start_on) as run_number
    from iso_weeks

),

week_streaks as (

    select
        user_id,
        iso_week_start_on,
        -- active weeks in a row ending with the week before this one
        coalesce(lag(streak_weeks) over (partition by user_id order by iso_week_start_on), 0) as streak_weeks_before
    from (
        select
            *,
            case when is_active_week then row_number() over (
                partition by user_id, is_active_week, run_number order by iso_week_start_on) else 0 end as streak_weeks
        from week_runs
    ) as counted

)

-- the last working day of each evaluation week is the last working day on or before its date,
-- and lies in the date's ISO week
select
    with_longest.user_id,
    with_longest.week_ending_on as evaluated_on,
    with_longest.date_day as last_working_day,
    with_longest.streak_days as current_streak_days,
    case when with_longest.is_active_day then with_longest.run_started_on end as current_streak_started_on,
    with_longest.longest_streak_days,
    with_longest.active_days_in_iso_week_so_far,
    week_streaks.streak_weeks_before
        + case when with_longest.active_days_in_iso_week_so_far >= {{ var('active_week_min_days') }} then 1 else 0 end
        as current_streak_weeks
from with_longest
inner join week_streaks
    on with_longest.user_id = week_streaks.user_id
    and with_longest.iso_week_start_on = week_streaks.iso_week_start_on
where with_longest.newest_in_week = 1
