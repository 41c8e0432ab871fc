-- Every login attempt, classified. A login is *interactive* when it succeeded and a person made
-- it: the UI in a browser (LoginType 'Application'), SAML SSO, or the Salesforce mobile apps
-- (Remote Access 2.0 from Salesforce for iOS / Android). API and Apex logins, connected apps and
-- background sync clients (Salesforce for Outlook …) log in by themselves and are not a person at work.
-- login_date is the login's date on its user's calendar (int_user_time_zones); a login of a user not
-- extracted (Salesforce never deletes users, so only one created since the User sync) is dated in UTC.
with

logins as (

    select * from {{ ref('stg_salesforce__login_history') }}

),

time_zones as (

    select * from {{ ref('int_user_time_zones') }}

),

dated as (

    select
        logins.*,
        {{ flywheel.local_date('logins.login_at', "coalesce(time_zones.time_zone, 'UTC')") }} as login_date
    from logins
    left join time_zones on logins.user_id = time_zones.user_id

),

classified as (

    select
        login_id,
        user_id,
        login_at,
        login_date,
        login_type,
        login_status,
        application,
        platform,
        -- A hidden Status field would make every login look failed: treat it as unknown = success.
        coalesce(login_status, 'Success') = 'Success' as is_success,
        (
            coalesce(login_status, 'Success') = 'Success'
            and (
                login_type in {{ flywheel.sql_list(var('interactive_login_types')) }}
                or (
                    login_type = '{{ var("mobile_login_type") }}'
                    and application in {{ flywheel.sql_list(var('mobile_applications')) }}
                )
            )
        ) as is_interactive

    from dated

)

select * from classified
