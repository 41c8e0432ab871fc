-- Per-user facts per day (user x day) for trends and BI drill-down: every measured user on every
-- day of the calendar since they were created, days without activity included.
with

daily as (

    select * from {{ ref('int_user_daily_activity') }}

),

users as (

    select * from {{ ref('int_users') }}

)

select
    daily.user_id,
    daily.date_day as activity_date,
    users.user_name,
    users.manager_id,
    users.profile_name,
    users.user_role_name,
    daily.is_working_day,
    daily.week_ending_on,
    daily.logins,
    daily.interactive_logins,
    daily.login_days = 1 as is_login_day,
    daily.failed_logins,
    daily.leads_created,
    daily.opportunities_created,
    daily.stage_changes,
    daily.tasks_logged,
    daily.events_logged,
    daily.leads_converted,
    daily.records_created,
    daily.records_created_in_bursts
from daily
inner join users on daily.user_id = users.user_id
