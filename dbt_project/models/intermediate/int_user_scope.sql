-- Who is measured, decided once, upstream of every rule (docs/who-is-measured.md). A user is
-- measured when no exclusion reason holds; the reasons, in the order one is chosen
-- (`flywheel_exclusion_reasons`):
--   inactive            IsActive is false
--   not_standard_user   UserType is not `measured_user_type` (Standard)
--   integration_user    an API-only profile, or a licence in `integration_licenses`; or over the
--                       stored LoginHistory at least `integration_min_login_days` login days of
--                       which at most `integration_max_interactive_share` interactive (an integration
--                       account someone once opened in a browser); or logins, none interactive
--   frozen              UserLogin.IsFrozen (an admin froze a leaver: active, cannot log in)
--   not_in_sales_scope  a licence in `non_seller_licenses`; a profile or role matching
--                       `non_seller_profiles` / `non_seller_roles`; or the data rule: unless the
--                       profile or role matches `seller_profiles` / `seller_roles`, in the last
--                       `sales_scope_days` the user logged in interactively on at least
--                       `sales_scope_min_login_days` days, did no sales work, and manages no
--                       measured user.
-- Sales work: owning a Lead or Opportunity, or creating one in the window, or creating in the
-- window a Task or Event that is unlinked or on a Lead, Contact, Account or Opportunity (its WhatId
-- empty or one of `sales_what_id_prefixes`); work on Cases and other objects is someone else's.
-- "Manages no measured user" would be circular (a manager is measured when a report is): it is
-- resolved bottom up, without a cycle. Everyone the data rule does not touch is measured or not on
-- the other reasons alone; a user the data rule would take out stays measured when one of their
-- direct reports is measured, level by level up the ManagerId hierarchy
-- (`sales_scope_manager_levels` levels). An optional object the org does not let Flywheel read
-- (Profile, UserLicense, UserLogin) leaves its raw table empty, and the reason that needs it holds
-- for no one.
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

-- the users who did sales work: own a lead or opportunity, or created one (or a task or event on
-- something a seller works on) in the window
sales_work as (

    select owner_id as user_id from {{ ref('stg_salesforce__leads') }}
    union
    select owner_id as user_id from {{ ref('stg_salesforce__opportunities') }}
    union
    select leads.created_by_id as user_id
    from {{ ref('stg_salesforce__leads') }} as leads
    cross join scope_window
    where {{ flywheel.utc_date('leads.created_at') }} between scope_window.scope_start_date and scope_window.as_of_date
    union
    select opportunities.created_by_id as user_id
    from {{ ref('stg_salesforce__opportunities') }} as opportunities
    cross join scope_window
    where {{ flywheel.utc_date('opportunities.created_at') }} between scope_window.scope_start_date and scope_window.as_of_date
    union
    select activities.created_by_id as user_id
    from (
        select created_by_id, created_at, what_id from {{ ref('stg_salesforce__tasks') }}
        union all
        -- an Event shown as Out of Office marks time away, not work
        select created_by_id, created_at, what_id from {{ ref('stg_salesforce__events') }}
        where coalesce(show_as, '') <> 'OutOfOffice'
    ) as activities
    cross join scope_window
    where {{ flywheel.utc_date('activities.created_at') }} between scope_window.scope_start_date and scope_window.as_of_date
        and (activities.what_id is null or {{ flywheel.one_of('substr(activities.what_id, 1, 3)', var('sales_what_id_prefixes')) }})

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

),

-- measured whatever their reports do
measured_level_0 as (

    select user_id from judged where independent_reason is null and not is_outside_sales_by_data

),

{% for level in range(1, var('sales_scope_manager_levels') + 1) %}
-- kept in by a measured direct report found {{ level }} level(s) down
measured_level_{{ level }} as (

    select distinct managers.user_id
    from judged as managers
    inner join judged as reports on reports.manager_id = managers.user_id
    inner join measured_level_{{ level - 1 }} as measured_reports on reports.user_id = measured_reports.user_id
    where managers.independent_reason is null and managers.is_outside_sales_by_data

),

{% endfor %}
kept_by_their_reports as (

    {% for level in range(1, var('sales_scope_manager_levels') + 1) %}
    select user_id from measured_level_{{ level }}
    {{ "union" if not loop.last }}
    {% endfor %}

),

decided as (

    select
        judged.*,
        case
            when judged.independent_reason is not null then judged.independent_reason
            when judged.is_outside_sales_by_data and kept_by_their_reports.user_id is null then 'not_in_sales_scope'
        end as exclusion_reason
    from judged
    left join kept_by_their_reports on judged.user_id = kept_by_their_reports.user_id

)

select
    user_id,
    is_active,
    is_standard_user,
    is_api_only_profile,
    license_name,
    is_frozen,
    login_days,
    interactive_login_days,
    recent_interactive_login_days,
    did_sales_work,
    exclusion_reason,
    exclusion_reason is null as is_measured,
    -- the evidence, in a sentence
    case
        when exclusion_reason = 'inactive' then 'deactivated in Salesforce'
        when exclusion_reason = 'not_standard_user'
            then {{ dbt.concat(["'UserType '", "coalesce(user_type, '(none)')", "', not '", flywheel.text_literal(var('measured_user_type'))]) }}
        when exclusion_reason = 'integration_user' and is_api_only_profile
            then {{ dbt.concat(["'API-only profile '", "coalesce(profile_name, '(unnamed)')"]) }}
        when exclusion_reason = 'integration_user' and has_integration_license
            then {{ dbt.concat(["'integration licence '", "license_name"]) }}
        when exclusion_reason = 'integration_user' and interactive_login_days = 0
            then {{ dbt.concat(["'logged in on '", flywheel.as_text('login_days'), "' days, never interactively'"]) }}
        when exclusion_reason = 'integration_user'
            then {{ dbt.concat(["'logged in on '", flywheel.as_text('login_days'), "' days, interactively on '",
                                flywheel.as_text('interactive_login_days'), "' ('",
                                flywheel.as_percent_text(flywheel.safe_divide('interactive_login_days', 'login_days')),
                                "'): an account, not a person'"]) }}
        when exclusion_reason = 'frozen' then 'frozen in Salesforce (UserLogin.IsFrozen): active, cannot log in'
        when exclusion_reason = 'not_in_sales_scope' and has_non_seller_license
            then {{ dbt.concat(["'licence '", "license_name", "' cannot open leads or opportunities'"]) }}
        when exclusion_reason = 'not_in_sales_scope' and has_non_seller_profile
            then {{ dbt.concat(["'profile '", "profile_name", "' matches non_seller_profiles'"]) }}
        when exclusion_reason = 'not_in_sales_scope' and has_non_seller_role
            then {{ dbt.concat(["'role '", "user_role_name", "' matches non_seller_roles'"]) }}
        when exclusion_reason = 'not_in_sales_scope'
            then {{ dbt.concat(["'logged in interactively on '", flywheel.as_text('recent_interactive_login_days'),
                                "' of the last " ~ var('sales_scope_days') ~ " days with no sales work (no lead or "
                                ~ "opportunity owned or created, no task or event on one) and no measured report'"]) }}
    end as exclusion_detail
from decided
