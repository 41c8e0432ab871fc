-- The user x day spine: every measured user on every day of the org's calendar from the day the
-- user was created (their local date), with or without activity (absence is the signal). Days are
-- dates on each user's own calendar; a working day is one of the `working_weekdays` that is not a
-- holiday of theirs (int_user_holidays).
with

users as (

    select * from {{ ref('int_users') }}
    where is_measured

),

calendar as (

    select * from {{ ref('int_calendar_days') }}

),

holidays as (

    select distinct user_id, date_day from {{ ref('int_user_holidays') }}

),

spine as (

    select
        users.user_id,
        calendar.date_day,
        calendar.is_working_weekday and holidays.date_day is null as is_working_day,
        calendar.week_ending_on
    from users
    inner join calendar
        on calendar.date_day >= coalesce(users.created_on, calendar.date_day)
    left join holidays
        on holidays.user_id = users.user_id and holidays.date_day = calendar.date_day

)

select * from spine
