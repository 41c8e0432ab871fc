-- The user x day spine: every measured user on every day of the org's calendar from the day the
-- user was created, with or without activity (absence is the signal).
with

users as (

    select * from {{ ref('int_users') }}
    where is_measured

),

calendar as (

    select * from {{ ref('int_calendar_days') }}

),

spine as (

    select
        users.user_id,
        calendar.date_day,
        calendar.is_working_day,
        calendar.week_ending_on
    from users
    inner join calendar
        on calendar.date_day >= coalesce(users.created_on, calendar.date_day)

)

select * from spine
