-- Streaks per measured user per evaluation date (each week, ending on the as-of date's weekday).
-- An *active working day* is a working day of the user's own calendar (int_user_days: one of the
-- `working_weekdays`, not a holiday of theirs) with an interactive login and at least one record
-- created. current_streak_days: active working days in a row ending on the user's last working day
-- on or before the date (weekends and holidays neither break nor extend a streak; a working day
-- without activity ends it); longest_streak_days: the longest such run up to the date. An *active
-- week* is an ISO week with at least `active_week_min_days` (3) active working days (a week without
-- a working day, a company shutdown, neither breaks nor extends the run of weeks);
-- current_streak_weeks: active weeks in a row ending with the date's week, which counts once it is
-- active (otherwise the streak is counted up to the week before).
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

    -- one ordering per user: a run of active days starts on an active day after an inactive one
    select
        *,
        row_number() over (partition by user_id order by date_day) as working_day_number,
        coalesce(lag(is_active_day) over (partition by user_id order by date_day), false) as was_active_day_before
    from working_days

),

day_streaks as (

    select
        *,
        -- active days since the last inactive working day (0 on an inactive one)
        case when is_active_day then working_day_number - coalesce(max(case when not is_active_day then working_day_number end) over (
            partition by user_id order by date_day rows between unbounded preceding and current row), 0) else 0 end as streak_days,
        max(case when is_active_day and not was_active_day_before then date_day end) over (
            partition by user_id order by date_day rows between unbounded preceding and current row) as run_started_on
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
            - coalesce(max(case when not is_active_week then week_number end) over (
                partition by user_id order by iso_week_start_on rows between unbounded preceding and current row), 0)
            as streak_weeks
    from (
        select *, row_number() over (partition by user_id order by iso_week_start_on) as week_number
        from iso_weeks
    ) as numbered

),

week_streaks as (

    select
        user_id,
        iso_week_start_on,
        -- active weeks in a row ending with the week before this one
        coalesce(lag(case when is_active_week then streak_weeks else 0 end) over (
            partition by user_id order by iso_week_start_on), 0) as streak_weeks_before
    from week_runs

),

evaluation_days as (

    -- each evaluation date (the last day of its week) with the user's last working day on or before it
    select user_id, date_day as evaluated_on, last_working_day
    from (
        select
            user_id,
            date_day,
            week_ending_on,
            max(case when is_working_day then date_day end) over (
                partition by user_id order by date_day rows between unbounded preceding and current row
            ) as last_working_day
        from daily
    ) as running
    where date_day = week_ending_on and last_working_day is not null

),

evaluated as (

    select evaluation_days.evaluated_on, with_longest.*
    from evaluation_days
    inner join with_longest
        on with_longest.user_id = evaluation_days.user_id
        and with_longest.date_day = evaluation_days.last_working_day

),

iso_week_so_far as (

    -- active days in the ISO week of the last working day, up to it (once per day: a week of
    -- holidays hands one last working day to two evaluation dates)
    select evaluated.user_id, evaluated.date_day, count(*) as active_days_in_iso_week_so_far
    from (select distinct user_id, date_day, iso_week_start_on from evaluated) as evaluated
    inner join working_days
        on working_days.user_id = evaluated.user_id
        and working_days.iso_week_start_on = evaluated.iso_week_start_on
        and working_days.date_day <= evaluated.date_day
        and working_days.is_active_day
    group by evaluated.user_id, evaluated.date_day

)

select
    evaluated.user_id,
    evaluated.evaluated_on,
    evaluated.date_day as last_working_day,
    evaluated.streak_days as current_streak_days,
    case when evaluated.is_active_day then evaluated.run_started_on end as current_streak_started_on,
    evaluated.longest_streak_days,
    coalesce(iso_week_so_far.active_days_in_iso_week_so_far, 0) as active_days_in_iso_week_so_far,
    week_streaks.streak_weeks_before
        + case when coalesce(iso_week_so_far.active_days_in_iso_week_so_far, 0) >= {{ var('active_week_min_days') }}
               then 1 else 0 end as current_streak_weeks
from evaluated
inner join week_streaks
    on evaluated.user_id = week_streaks.user_id
    and evaluated.iso_week_start_on = week_streaks.iso_week_start_on
left join iso_week_so_far
    on evaluated.user_id = iso_week_so_far.user_id and evaluated.date_day = iso_week_so_far.date_day
