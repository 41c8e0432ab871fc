-- The facts who is measured is decided on (int_user_scope decides; docs/who-is-measured.md), per
-- user: licence, API-only profile, frozen, login days, sales work, and the reasons that depend on
-- no one else, in the order one is chosen (`flywheel_exclusion_reasons`):
--   inactive            IsActive is false
--   not_standard_user   UserType is not `measured_user_type` (Standard)
--   integration_user    an API-only profile, or a licence in `integration_licenses`; or over the
--                       stored LoginHistory at least `integration_min_login_days` login days of
--                       which at most `integration_max_interactive_share` interactive (an integration
--                       account someone once opened in a browser); or logins, none interactive
--   frozen              UserLogin.IsFrozen (an admin froze a leaver: active, cannot log in)
--   not_in_sales_scope  a licence in `non_seller_licenses`; a profile or role matching
--                       `non_seller_profiles` / `non_seller_roles`
-- and whether the data rule would take the user out (`is_outside_sales_by_data`): unless the
-- profile or role matches `seller_profiles` / `seller_roles`, in the last `sales_scope_days` the
-- user logged in interactively on at least `sales_scope_min_login_days` days and did no sales
-- work. Sales work: owning a Lead or Opportunity, or creating one in the window, or creating in
-- the window a Task or Event that is unlinked or on a Lead, Contact, Account or Opportunity (its
-- WhatId empty or one of `sales_what_id_prefixes`); work on Cases and other objects is someone
-- else's. An optional object the org does not let Flywheel read (Profile, UserLicense, UserLogin)
-- leaves its raw table empty, and the reason that needs it holds for no one. A table, so that the
-- walk up the hierarchy in int_user_scope reads it, not the logins, once per level.
with

users as (

    select * from {{ ref('stg_salesforce__users') }}

),

profiles as (

    select * from {{ ref('stg_salesforce__profiles') }}

),

licenses as (

    select * from {{ ref('stg_salesforce__user_licenses') }}

),

user_logins as (

    select * from {{ ref('stg_salesforce__user_logins') }}

),

logins as (

    select * from {{ ref('int_logins') }}

),

-- each creator's calendar: the window is counted in their own dates
time_zones as (

    select * from {{ ref('int_user_time_zones') }}

),

scope_window as (

    select
        as_of_date,
        {{ flywheel.add_days('as_of_date', 1 - var('sales_scope_days')) }} as scope_start_date
    from {{ ref('int_reporting_dates') }}

),

-- each day a user logged in (successfully), and whether a person did
login_days as (

    select
        user_id,
        login_date,
        max(case when is_interactive then 1 else 0 end) as is_interactive_day
    from logins
    where is_success
    group by user_id, login_date

),

login_summary as (

    select
        login_days.user_id,
        count(*) as login_days,
        sum(login_days.is_interactive_day) as interactive_login_days,
        sum(case when login_days.is_interactive_day = 1
                      and login_days.login_date between scope_window.scope_start_date and scope_window.as_of_date
                 then 1 else 0 end) as recent_interactive_login_days
    from login_days
    cross join scope_window
    group by login_days.user_id

),

-- what a user created in the window that is sales work: a lead, an opportunity, or a task or
-- event that is unlinked or on something a seller works on (its WhatId prefix)
created_in_window as (

    select records.created_by_id
    from (
        select created_by_id, created_at, cast(null as {{ dbt.type_string() }}) as what_id
        from {{ ref('stg_salesforce__leads') }}
        union all
        select created_by_id, created_at, cast(null as {{ dbt.type_string() }}) as what_id
        from {{ ref('stg_salesforce__opportunities') }}
        union all
        select created_by_id, created_at, what_id from {{ ref('stg_salesforce__tasks') }}
        union all
        -- an Event shown as Out of Office marks time away, not work
        select created_by_id, created_at, what_id from {{ ref('stg_salesforce__events') }}
        where coalesce(show_as, '') <> 'OutOfOffice'
    ) as records
    left join time_zones on records.created_by_id = time_zones.user_id
    cross join scope_window
    where {{ flywheel.local_date('records.created_at', "coalesce(time_zones.time_zone, 'UTC')") }}
            between scope_window.scope_start_date and scope_window.as_of_date
        and (records.what_id is null or {{ flywheel.one_of('substr(records.what_id, 1, 3)', var('sales_what_id_prefixes')) }})

),

-- the users who did sales work: own a lead or opportunity, or created sales work in the window
sales_work as (

    select owner_id as user_id from {{ ref('stg_salesforce__leads') }}
    union
    select owner_id as user_id from {{ ref('stg_salesforce__opportunities') }}
    union
    select created_by_id as user_id from created_in_window

),

facts as (

    select
        users.user_id,
        users.manager_id,
        users.profile_name,
        users.user_role_name,
        users.user_type,
        coalesce(users.is_active, false) as is_active,
        -- a hidden UserType is read as Standard, so hiding the field does not unmeasure everyone
        coalesce(users.user_type, {{ flywheel.text_literal(var('measured_user_type')) }})
            = {{ flywheel.text_literal(var('measured_user_type')) }} as is_standard_user,
        coalesce(profiles.is_api_only, false) as is_api_only_profile,
        licenses.license_name,
        coalesce(user_logins.is_frozen, false) as is_frozen,
        coalesce(login_summary.login_days, 0) as login_days,
        coalesce(login_summary.interactive_login_days, 0) as interactive_login_days,
        coalesce(login_summary.recent_interactive_login_days, 0) as recent_interactive_login_days,
        workers.user_id is not null as did_sales_work,
        {{ flywheel.one_of('licenses.license_name', var('integration_licenses')) }} as has_integration_license,
        {{ flywheel.one_of('licenses.license_name', var('non_seller_licenses')) }} as has_non_seller_license,
        {{ flywheel.matches_any('users.profile_name', var('non_seller_profiles')) }} as has_non_seller_profile,
        {{ flywheel.matches_any('users.user_role_name', var('non_seller_roles')) }} as has_non_seller_role,
        {{ flywheel.matches_any('users.profile_name', var('seller_profiles')) }}
            or {{ flywheel.matches_any('users.user_role_name', var('seller_roles')) }} as is_seller_by_profile_or_role
    from users
    left join profiles on users.profile_id = profiles.profile_id
    left join licenses on profiles.user_license_id = licenses.user_license_id
    left join user_logins on users.user_id = user_logins.user_id
    left join login_summary on users.user_id = login_summary.user_id
    left join (select distinct user_id from sales_work) as workers on users.user_id = workers.user_id

),

judged as (

    select
        *,
        -- the reasons that do not depend on anyone else
        case
            when not is_active then 'inactive'
            when not is_standard_user then 'not_standard_user'
            when is_api_only_profile or has_integration_license then 'integration_user'
            when login_days >= {{ var('integration_min_login_days') }}
                and {{ flywheel.safe_divide('interactive_login_days', 'login_days') }}
                    <= {{ var('integration_max_interactive_share') }} then 'integration_user'
            when login_days > 0 and interactive_login_days = 0 then 'integration_user'
            when is_frozen then 'frozen'
            when has_non_seller_license or has_non_seller_profile or has_non_seller_role then 'not_in_sales_scope'
        end as independent_reason,
        -- the data rule holds for this user, unless they manage a measured user
        not is_seller_by_profile_or_role
            and recent_interactive_login_days >= {{ var('sales_scope_min_login_days') }}
            and not did_sales_work as is_outside_sales_by_data
    from facts

)

select * from judged
