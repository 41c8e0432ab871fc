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
    users.team_id,
    users.manager_name,
    users.profile_name,
    users.user_role_name,
    daily.is_working_day,
    daily.week_ending_on,
    daily.logins,
    cast(daily.interactive_logins as {{ dbt.type_bigint() }}) as interactive_logins,
    daily.login_days = 1 as is_login_day,
    cast(daily.failed_logins as {{ dbt.type_bigint() }}) as failed_logins,
    cast(daily.leads_created as {{ dbt.type_bigint() }}) as leads_created,
    cast(daily.opportunities_created as {{ dbt.type_bigint() }}) as opportunities_created,
    cast(daily.stage_changes as {{ dbt.type_bigint() }}) as stage_changes,
    cast(daily.tasks_logged as {{ dbt.type_bigint() }}) as tasks_logged,
    cast(daily.events_logged as {{ dbt.type_bigint() }}) as events_logged,
    daily.leads_converted,
    daily.records_created,
    cast(daily.records_created_in_bursts as {{ dbt.type_bigint() }}) as records_created_in_bursts
from daily
inner join users on daily.user_id = users.user_id
