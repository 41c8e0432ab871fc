-- Flag `login_only` (critical): at least `login_only_min_login_days` (4) login days in the
-- window (`window_days`, 28, ending on the date) and no lead, opportunity, task, event or stage
-- change created in it. metric_value = login days in the window. Judged from LoginHistory's horizon on.
with

user_dates as (

    select * from {{ ref('int_user_evaluation_dates') }}

),

daily as (

    select * from {{ ref('int_user_daily_activity') }}

),

window_totals as (

    select
        user_dates.user_id,
        user_dates.evaluated_on,
        -- judged only where LoginHistory reaches back far enough (int_evaluation_dates)
        user_dates.is_flaggable and user_dates.is_login_judged as is_flaggable,
        coalesce(sum(daily.login_days), 0) as login_days,
        coalesce(sum(daily.records_created), 0) as records_created
    from user_dates
    left join daily
        on daily.user_id = user_dates.user_id
        and daily.date_day between user_dates.window_start_on and user_dates.evaluated_on
    group by user_dates.user_id, user_dates.evaluated_on, user_dates.is_flaggable, user_dates.is_login_judged

)

select
    user_id,
    evaluated_on,
    'login_only' as flag,
    {{ flywheel.flag_severity('login_only') }} as severity,
    is_flaggable,
    is_flaggable
        and login_days >= {{ var('login_only_min_login_days') }}
        and records_created = 0 as is_flagged,
    cast(login_days as {{ flywheel.type_double() }}) as metric_value,
    cast({{ var('login_only_min_login_days') }} as {{ flywheel.type_double() }}) as threshold,
    {{ dbt.concat([
        "'logged in on '", flywheel.as_text('login_days'), "' of the last " ~ var('window_days') ~ " days and recorded '",
        "case when records_created = 0 then 'nothing' when records_created = 1 then '1 record' else "
            ~ dbt.concat([flywheel.as_text('records_created'), "' records'"]) ~ " end"]) }} as evidence
from window_totals
