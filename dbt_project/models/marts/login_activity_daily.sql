-- What Salesforce's own adoption dashboards show (day x profile x role x application x platform):
-- logins, interactive logins, unique users, failed logins. All users, people and integrations.
-- Missing dimension values read '(none)' so the grain stays testable.
with

logins as (

    select * from {{ ref('int_logins') }}

),

users as (

    select * from {{ ref('int_users') }}

),

labelled as (

    select
        logins.login_date,
        coalesce(users.profile_name, '(none)') as profile_name,
        coalesce(users.user_role_name, '(none)') as user_role_name,
        coalesce(logins.application, '(none)') as application,
        coalesce(logins.platform, '(none)') as platform,
        logins.user_id,
        logins.is_success,
        logins.is_interactive
    from logins
    left join users on logins.user_id = users.user_id

)

select
    login_date,
    profile_name,
    user_role_name,
    application,
    platform,
    count(*) as logins,
    cast(sum(case when is_success then 1 else 0 end) as {{ dbt.type_bigint() }}) as successful_logins,
    cast(sum(case when is_interactive then 1 else 0 end) as {{ dbt.type_bigint() }}) as interactive_logins,
    count(distinct user_id) as unique_users,
    count(distinct case when is_success then user_id end) as unique_users_logged_in,
    cast(sum(case when is_success then 0 else 1 end) as {{ dbt.type_bigint() }}) as failed_logins
from labelled
group by login_date, profile_name, user_role_name, application, platform
