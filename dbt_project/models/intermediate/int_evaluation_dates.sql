-- The dates the flags and scores are evaluated on: the as-of date and the same weekday of every
-- earlier week of the calendar (one row per week; the week is the 7 days ending on that date).
-- Each row carries the trailing windows that end on it (windows include their last day), and
-- whether logins are judged on it: only from `dormant_days` after the earliest stored LoginTime
-- (LoginHistory's horizon, int_reporting_dates); before it there is no login-based flag, tier or
-- badge, and `not_judged_because` says why.
with

calendar as (

    select * from {{ ref('int_calendar_days') }}

),

reporting_dates as (

    select * from {{ ref('int_reporting_dates') }}

),

week_ends as (

    select distinct week_ending_on as evaluated_on
    from calendar

)

select
    week_ends.evaluated_on,
    {{ flywheel.add_days('week_ends.evaluated_on', -6) }} as week_start_on,
    week_ends.evaluated_on = reporting_dates.as_of_date as is_as_of_date,
    {{ flywheel.add_days('week_ends.evaluated_on', 1 - var('window_days')) }} as window_start_on,
    {{ flywheel.add_days('week_ends.evaluated_on', 1 - var('deal_window_days')) }} as deal_window_start_on,
    coalesce(week_ends.evaluated_on >= reporting_dates.logins_judged_from, false) as is_login_judged,
    case
        when reporting_dates.logins_judged_from is null then 'no LoginHistory is stored: logins cannot be judged'
        when week_ends.evaluated_on < reporting_dates.logins_judged_from then {{ dbt.concat([
            "'LoginHistory is stored from '", flywheel.as_text('reporting_dates.login_history_starts_on'),
            "' (Salesforce keeps about six months of it): logins are judged from '",
            flywheel.as_text('reporting_dates.logins_judged_from'), "', " ~ var('dormant_days') ~ " days later'"]) }}
    end as not_judged_because
from week_ends
cross join reporting_dates
