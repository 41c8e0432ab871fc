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
        users.profile_name,
        users.user_role_name,
        users.department,
        users.title,
        users.user_type,
        scope.is_active,
        users.created_at,
        {{ flywheel.utc_date('users.created_at') }} as created_on,
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
            {{ flywheel.days_between(flywheel.utc_date('users.created_at'), 'reporting_dates.as_of_date') }}
                < {{ var('onboarding_days') }},
            false
        ) as is_new
    from users
    cross join reporting_dates
    inner join scope on users.user_id = scope.user_id
    left join login_summary on users.user_id = login_summary.user_id

)

select * from classified
