-- Flag `dormant` (critical): no interactive login in the last `dormant_days` (14) present days
-- counted back from the evaluation date (absence days, int_user_absence_days, holidays among them,
-- are skipped, not counted), or never, for a user past onboarding. Judged only from LoginHistory's
-- horizon on (int_evaluation_dates): before it, a missing login may just be one Salesforce no
-- longer keeps. "Never" needs User.LastLoginDate empty too: a user Salesforce saw log in but with
-- no interactive login stored has had none since the stored LoginHistory begins.
-- metric_value = present days since the last interactive login (none stored: since the account was
-- created, or since LoginHistory begins when the user logged in before); it holds from
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

users as (

    select user_id, time_zone, last_login_at from {{ ref('int_users') }}

),

reporting_dates as (

    select * from {{ ref('int_reporting_dates') }}

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

counted as (

    -- where the count of days without a login starts: the last interactive login; without one
    -- stored, the account's creation, or LoginHistory's first day when the user logged in before it
    select
        last_login.*,
        users.last_login_at is null as has_never_logged_in,
        {{ flywheel.local_date('users.last_login_at', 'users.time_zone') }} as last_login_on,
        reporting_dates.login_history_starts_on,
        coalesce(
            last_login.last_interactive_login_on,
            case
                when users.last_login_at is not null and reporting_dates.login_history_starts_on > last_login.created_on
                    then reporting_dates.login_history_starts_on
                else last_login.created_on
            end
        ) as counted_from
    from last_login
    inner join users on last_login.user_id = users.user_id
    cross join reporting_dates

),

away as (

    -- absence days after the day the count starts, up to the date
    select
        counted.user_id,
        counted.evaluated_on,
        count(absence_days.date_day) as days_away
    from counted
    inner join absence_days
        on absence_days.user_id = counted.user_id
        and absence_days.date_day <= counted.evaluated_on
        and absence_days.date_day > counted.counted_from
    group by counted.user_id, counted.evaluated_on

),

measured as (

    select
        user_dates.user_id,
        user_dates.evaluated_on,
        user_dates.is_flaggable and user_dates.is_login_judged as is_flaggable,
        counted.last_interactive_login_on,
        counted.has_never_logged_in,
        counted.last_login_on,
        counted.login_history_starts_on,
        coalesce(away.days_away, 0) as days_away,
        {{ flywheel.days_between('counted.counted_from', 'user_dates.evaluated_on') }}
            - coalesce(away.days_away, 0) as present_days
    from user_dates
    inner join counted
        on user_dates.user_id = counted.user_id
        and user_dates.evaluated_on = counted.evaluated_on
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
        or present_days >= {{ var('dormant_days') }}
    ) as is_flagged,
    cast(present_days as {{ flywheel.type_double() }}) as metric_value,
    cast({{ var('dormant_days') }} as {{ flywheel.type_double() }}) as threshold,
    case
        when last_interactive_login_on is null and has_never_logged_in then {{ dbt.concat([
            "'has never logged in interactively (account created '",
            flywheel.as_text('present_days'), "case when days_away > 0 then ' present' else '' end",
            "' days ago'", "case when days_away > 0 then " ~ dbt.concat([
                "', not counting '", flywheel.as_text('days_away'), "' days away'"]) ~ " else '' end",
            "')'"]) }}
        when last_interactive_login_on is null then {{ dbt.concat([
            "'no interactive login since the stored LoginHistory begins on '", flywheel.as_text('login_history_starts_on'),
            "' ('", flywheel.as_text('present_days'), "case when days_away > 0 then ' present' else '' end", "' days'",
            "case when days_away > 0 then " ~ dbt.concat([
                "'; '", flywheel.as_text('days_away'), "' days away not counted'"]) ~ " else '' end",
            "'; User.LastLoginDate: '", flywheel.as_text('last_login_on'), "')'"]) }}
        else {{ dbt.concat([
            "'no interactive login in the last '", flywheel.as_text('present_days'),
            "case when days_away > 0 then ' present' else '' end",
            "' days (last on '", flywheel.as_text('last_interactive_login_on'),
            "case when days_away > 0 then " ~ dbt.concat([
                "'; '", flywheel.as_text('days_away'), "' days away not counted'"]) ~ " else '' end",
            "')'"]) }}
    end as evidence
from measured
