-- Measured users on each evaluation date they existed on, and whether they can be flagged then:
-- a user created less than `onboarding_days` before the date is new and gets no flag at all.
-- Integration, inactive and non-Standard users are not here (see int_users.exclusion_reason).
with

users as (

    select * from {{ ref('int_users') }}
    where is_measured

),

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

),

reporting_dates as (

    select * from {{ ref('int_reporting_dates') }}

),

user_dates as (

    select
        users.user_id,
        users.team_id,
        users.created_on,
        evaluation_dates.evaluated_on,
        evaluation_dates.week_start_on,
        evaluation_dates.is_as_of_date,
        evaluation_dates.window_start_on,
        evaluation_dates.deal_window_start_on,
        evaluation_dates.is_login_judged,
        -- the first day the user's daily facts cover: created, and inside the calendar
        case
            when users.created_on > reporting_dates.calendar_start_date then users.created_on
            else reporting_dates.calendar_start_date
        end as history_start_on,
        coalesce(
            {{ flywheel.days_between('users.created_on', 'evaluation_dates.evaluated_on') }} < {{ var('onboarding_days') }},
            false
        ) as is_new
    from users
    cross join reporting_dates
    inner join evaluation_dates
        on coalesce(users.created_on, evaluation_dates.evaluated_on) <= evaluation_dates.evaluated_on

)

select
    *,
    not is_new as is_flaggable
from user_dates
