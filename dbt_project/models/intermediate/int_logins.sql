-- Every login attempt, classified. A login is *interactive* when it succeeded and a person made
-- it. Logins are classified by exclusion: every successful login is a person's (the browser, SAML
-- SSO, Third Party SSO, Lightning Login, Passwordless Login, a certificate …) unless its LoginType
-- is in `non_interactive_login_types` (API and Apex logins), or it is an OAuth login
-- (`mobile_login_type`, Remote Access 2.0) from an Application matching none of
-- `mobile_app_patterns`: connected apps and background sync clients (Salesforce for Outlook …) log
-- in by themselves and are not a person at work.
with

logins as (

    select * from {{ ref('stg_salesforce__login_history') }}

),

classified as (

    select
        login_id,
        user_id,
        login_at,
        {{ flywheel.utc_date('login_at') }} as login_date,
        login_type,
        login_status,
        application,
        platform,
        -- A hidden Status field would make every login look failed: treat it as unknown = success.
        coalesce(login_status, 'Success') = 'Success' as is_success,
        -- why a login is (not) a person's: interactive, failed, api (a non-interactive LoginType)
        -- or connected_app (OAuth from an app that is not a Salesforce mobile app)
        case
            when coalesce(login_status, 'Success') <> 'Success' then 'failed'
            when {{ flywheel.one_of('login_type', var('non_interactive_login_types')) }} then 'api'
            when coalesce(login_type = {{ flywheel.text_literal(var('mobile_login_type')) }}, false)
                and not {{ flywheel.matches_any('application', var('mobile_app_patterns')) }} then 'connected_app'
            else 'interactive'
        end as login_class

    from logins

)

select
    *,
    login_class = 'interactive' as is_interactive
from classified
