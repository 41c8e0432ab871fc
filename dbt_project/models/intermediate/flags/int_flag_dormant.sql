-- Flag `dormant` (critical): no interactive login in the last `dormant_days` (14) present days
-- counted back from the evaluation date (absence days, int_user_absence_days, are skipped, not
-- counted), or never, for a user past onboarding. metric_value = present days since the last
-- interactive login (or, if none ever, since the account was created); it holds from
-- `dormant_days` on.
with

user_dates as (

    select * from {{ ref('int_user_evaluation_dates') }}

),

daily as (

    select * from {{ ref('int_user_daily_activity') }}

),

absence_days as (

    select * from {{ ref('int_user_absence_days') }}

),

last_login as (

    select
        user_dates.user_id,
        user_dates.evaluated_on,
        user_dates.created_on,
        max(case when daily.interactive_logins > 0 then daily.date_day end) as last_interactive_login_on
    from user_dates
    left join daily
        on daily.user_id = user_dates.user_id
        and daily.date_day <= user_dates.evaluated_on
    group by user_dates.user_id, user_dates.evaluated_on, user_dates.created_on

),

away as (

    -- absence days after the last interactive login (after creation, if none) up to the date
    select
        last_login.user_id,
        last_login.evaluated_on,
        count(absence_days.date_day) as days_away
    from last_login
    inner join absence_days
        on absence_days.user_id = last_login.user_id
        and absence_days.date_day <= last_login.evaluated_on
        and absence_days.date_day > coalesce(last_login.last_interactive_login_on, last_login.created_on)
    group by last_login.user_id, last_login.evaluated_on

),

measured as (

    select
        user_dates.user_id,
        user_dates.evaluated_on,
        user_dates.is_flaggable,
        last_login.last_interactive_login_on,
        coalesce(away.days_away, 0) as days_away,
        {{ flywheel.days_between('last_login.last_interactive_login_on', 'user_dates.evaluated_on') }}
            - coalesce(away.days_away, 0) as present_days_since_last_login,
        {{ flywheel.days_between('user_dates.created_on', 'user_dates.evaluated_on') }}
            - coalesce(away.days_away, 0) as present_days_since_created
    from user_dates
    inner join last_login
        on user_dates.user_id = last_login.user_id
        and user_dates.evaluated_on = last_login.evaluated_on
    left join away
        on user_dates.user_id = away.user_id
        and user_dates.evaluated_on = away.evaluated_on

)

select
    user_id,
    evaluated_on,
    'dormant' as flag,
    {{ flywheel.flag_severity('dormant') }} as severity,
    is_flaggable,
    is_flaggable and (
        last_interactive_login_on is null
        or present_days_since_last_login >= {{ var('dormant_days') }}
    ) as is_flagged,
    cast(coalesce(present_days_since_last_login, present_days_since_created) as {{ flywheel.type_double() }}) as metric_value,
    cast({{ var('dormant_days') }} as {{ flywheel.type_double() }}) as threshold,
    case
        when last_interactive_login_on is null then {{ dbt.concat([
            "'has never logged in interactively (account created '",
            flywheel.as_text('present_days_since_created'), "case when days_away > 0 then ' present' else '' end",
            "' days ago'", "case when days_away > 0 then " ~ dbt.concat([
                "', not counting '", flywheel.as_text('days_away'), "' days away'"]) ~ " else '' end",
            "')'"]) }}
        else {{ dbt.concat([
            "'no interactive login in the last '", flywheel.as_text('present_days_since_last_login'),
            "case when days_away > 0 then ' present' else '' end",
            "' days (last on '", flywheel.as_text('last_interactive_login_on'),
            "case when days_away > 0 then " ~ dbt.concat([
                "'; '", flywheel.as_text('days_away'), "' days away not counted'"]) ~ " else '' end",
            "')'"]) }}
    end as evidence
from measured
