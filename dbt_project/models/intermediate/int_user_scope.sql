-- Who is measured, decided once, upstream of every rule (docs/who-is-measured.md): a user is
-- measured when no exclusion reason holds. The facts and the reasons that depend on no one else
-- are int_user_scope_facts'; the data rule (logs in, does no sales work) takes a user out unless
-- they manage a measured user, which would be circular (a manager is measured when a report is).
-- It is resolved bottom up, without a cycle: everyone the data rule does not touch is decided on
-- the other reasons alone, and from each of them measured, the walk goes up the ManagerId
-- hierarchy through the managers the data rule would take out, keeping each in, for at most
-- `sales_scope_manager_levels` levels (a manager who is out on another reason ends the walk).
with

facts as (

    select * from {{ ref('int_user_scope_facts') }}

),

-- the managers the data rule would take out, and nothing else does
outside_by_data as (

    select user_id, manager_id from facts where independent_reason is null and is_outside_sales_by_data

),

-- from each user measured whatever their reports do, their chain of such managers upwards
chains as (

    select
        measured.user_id
        {%- for level in range(1, var('sales_scope_manager_levels') + 1) %},
        level_{{ level }}.user_id as kept_{{ level }}
        {%- endfor %}
    from facts as measured
    {%- for level in range(1, var('sales_scope_manager_levels') + 1) %}
    left join outside_by_data as level_{{ level }}
        on level_{{ level }}.user_id = {{ 'measured' if level == 1 else 'level_' ~ (level - 1) }}.manager_id
    {%- endfor %}
    where measured.independent_reason is null and not measured.is_outside_sales_by_data

),

levels as (

    {%- for level in range(1, var('sales_scope_manager_levels') + 1) %}
    select {{ level }} as level {{ "union all" if not loop.last }}
    {%- endfor %}

),

kept_by_their_reports as (

    select distinct
        case levels.level
            {%- for level in range(1, var('sales_scope_manager_levels') + 1) %}
            when {{ level }} then chains.kept_{{ level }}
            {%- endfor %}
        end as user_id
    from chains
    cross join levels

),

decided as (

    select
        facts.*,
        case
            when facts.independent_reason is not null then facts.independent_reason
            when facts.is_outside_sales_by_data and kept_by_their_reports.user_id is null then 'not_in_sales_scope'
        end as exclusion_reason
    from facts
    left join kept_by_their_reports on facts.user_id = kept_by_their_reports.user_id

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
