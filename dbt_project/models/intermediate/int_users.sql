-- Every user, with who is measured and why not. Measured users are active, of UserType 'Standard'
-- and not integration users. An *integration user* has logins but none interactive over the whole
-- history: an API or sync account, excluded and listed separately. A user created less than
-- `onboarding_days` before the as-of date is *new* (measured, but never flagged).
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
        coalesce(users.is_active, false) as is_active,
        users.created_at,
        {{ flywheel.utc_date('users.created_at') }} as created_on,
        coalesce(login_summary.logins, 0) as logins,
        coalesce(login_summary.interactive_logins, 0) as interactive_logins,
        login_summary.first_interactive_login_date,
        login_summary.last_interactive_login_date,
        coalesce(login_summary.logins, 0) > 0
            and coalesce(login_summary.interactive_logins, 0) = 0 as is_integration_user,
        -- a hidden UserType is read as Standard, so hiding the field does not unmeasure everyone
        coalesce(users.user_type, '{{ var("measured_user_type") }}') = '{{ var("measured_user_type") }}' as is_standard_user,
        coalesce(
            {{ flywheel.days_between(flywheel.utc_date('users.created_at'), 'reporting_dates.as_of_date') }}
                < {{ var('onboarding_days') }},
            false
        ) as is_new
    from users
    cross join reporting_dates
    left join login_summary on users.user_id = login_summary.user_id
    left join users as managers on users.manager_id = managers.user_id

),

final as (

    select
        *,
        is_active and is_standard_user and not is_integration_user as is_measured,
        case
            when not is_active then 'inactive'
            when not is_standard_user then 'not_standard_user'
            when is_integration_user then 'integration_user'
        end as exclusion_reason
    from classified

)

select * from final
