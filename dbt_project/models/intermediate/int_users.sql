-- Every user, with who is measured and why not (int_user_scope decides: integration users, frozen
-- leavers, people outside sales, inactive and non-Standard users are not measured). A user created
-- less than `onboarding_days` before the as-of date is *new* (measured, but never flagged).
with

users as (

    select * from {{ ref('stg_salesforce__users') }}

),

logins as (

    select * from {{ ref('int_logins') }}

),

reporting_dates as (

    select * from {{ ref('int_reporting_dates') }}

),

time_zones as (

    select * from {{ ref('int_user_time_zones') }}

),

scope as (

    select * from {{ ref('int_user_scope') }}

),

login_summary as (

    select
        user_id,
        count(*) as logins,
        sum(case when is_interactive then 1 else 0 end) as interactive_logins,
        min(case when is_interactive then login_date end) as first_interactive_login_date,
        max(case when is_interactive then login_date end) as last_interactive_login_date
    from logins
    group by user_id

),

classified as (

    select
        users.user_id,
        users.user_name,
        users.username,
        users.manager_id,
        -- a team is the people under one manager
        coalesce(users.manager_id, 'no manager') as team_id,
        case when users.manager_id is null then 'no manager in Salesforce' else managers.user_name end as manager_name,
        users.profile_name,
        users.user_role_name,
        users.department,
        users.title,
        users.user_type,
        scope.is_active,
        -- their calendar (int_user_time_zones): every date of theirs is a date there
        time_zones.time_zone,
        time_zones.time_zone_source,
        users.country,
        users.last_login_at,
        users.created_at,
        {{ flywheel.local_date('users.created_at', 'time_zones.time_zone') }} as created_on,
        coalesce(login_summary.logins, 0) as logins,
        coalesce(login_summary.interactive_logins, 0) as interactive_logins,
        login_summary.first_interactive_login_date,
        login_summary.last_interactive_login_date,
        coalesce(scope.exclusion_reason = 'integration_user', false) as is_integration_user,
        scope.is_standard_user,
        scope.is_measured,
        scope.exclusion_reason,
        scope.exclusion_detail,
        coalesce(
            {{ flywheel.days_between(flywheel.local_date('users.created_at', 'time_zones.time_zone'), 'reporting_dates.as_of_date') }}
                < {{ var('onboarding_days') }},
            false
        ) as is_new
    from users
    cross join reporting_dates
    inner join time_zones on users.user_id = time_zones.user_id
    inner join scope on users.user_id = scope.user_id
    left join login_summary on users.user_id = login_summary.user_id
    left join users as managers on users.manager_id = managers.user_id

)

select * from classified
