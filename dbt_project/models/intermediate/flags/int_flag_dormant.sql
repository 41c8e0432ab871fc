-- Flag `dormant` (critical): no interactive login in the last `dormant_days` (14) days, or never,
-- for a user past onboarding. metric_value = days since the last interactive login (or, if none
-- ever, days since the account was created); it holds from `dormant_days` on.
with

user_dates as (

    select * from {{ ref('int_user_evaluation_dates') }}

),

daily as (

    select * from {{ ref('int_user_daily_activity') }}

),

last_login as (

    select
        user_dates.user_id,
        user_dates.evaluated_on,
        max(case when daily.interactive_logins > 0 then daily.date_day end) as last_interactive_login_on
    from user_dates
    left join daily
        on daily.user_id = user_dates.user_id
        and daily.date_day <= user_dates.evaluated_on
    group by user_dates.user_id, user_dates.evaluated_on

),

measured as (

    select
        user_dates.user_id,
        user_dates.evaluated_on,
        user_dates.is_flaggable,
        last_login.last_interactive_login_on,
        {{ flywheel.days_between('last_login.last_interactive_login_on', 'user_dates.evaluated_on') }} as days_since_last_login,
        {{ flywheel.days_between('user_dates.created_on', 'user_dates.evaluated_on') }} as days_since_created
    from user_dates
    inner join last_login
        on user_dates.user_id = last_login.user_id
        and user_dates.evaluated_on = last_login.evaluated_on

)

select
    user_id,
    evaluated_on,
    'dormant' as flag,
    {{ flywheel.flag_severity('dormant') }} as severity,
    is_flaggable,
    is_flaggable and (
        last_interactive_login_on is null
        or days_since_last_login >= {{ var('dormant_days') }}
    ) as is_flagged,
    cast(coalesce(days_since_last_login, days_since_created) as {{ flywheel.type_double() }}) as metric_value,
    cast({{ var('dormant_days') }} as {{ flywheel.type_double() }}) as threshold,
    case
        when last_interactive_login_on is null then {{ dbt.concat([
            "'has never logged in interactively (account created '",
            flywheel.as_text('days_since_created'), "' days ago)'"]) }}
        else {{ dbt.concat([
            "'no interactive login in the last '", flywheel.as_text('days_since_last_login'),
            "' days (last on '", flywheel.as_text('last_interactive_login_on'), "')'"]) }}
    end as evidence
from measured
