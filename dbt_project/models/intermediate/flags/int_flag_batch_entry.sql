-- Flag `batch_entry` (info): the user created at least `batch_min_records` (5) records in the
-- window (`window_days`, 28), and at least `batch_share` (60%) of them lie in bursts (some
-- `burst_minutes` (10) span holding at least `burst_min_records` (5) of the user's records): work
-- typed in after the fact. metric_value = the share of the window's records in bursts.
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
        user_dates.is_flaggable,
        coalesce(sum(daily.records_created), 0) as records_created,
        coalesce(sum(daily.records_created_in_bursts), 0) as records_in_bursts
    from user_dates
    left join daily
        on daily.user_id = user_dates.user_id
        and daily.date_day between user_dates.window_start_on and user_dates.evaluated_on
    group by user_dates.user_id, user_dates.evaluated_on, user_dates.is_flaggable

)

select
    user_id,
    evaluated_on,
    'batch_entry' as flag,
    {{ flywheel.flag_severity('batch_entry') }} as severity,
    is_flaggable,
    is_flaggable
        and records_created >= {{ var('batch_min_records') }}
        and records_in_bursts >= {{ var('batch_share') }} * records_created as is_flagged,
    cast({{ flywheel.safe_divide('records_in_bursts', 'records_created') }} as {{ flywheel.type_double() }}) as metric_value,
    cast({{ var('batch_share') }} as {{ flywheel.type_double() }}) as threshold,
    {{ dbt.concat([
        "'created '", flywheel.as_text('records_created'), "' records in the last " ~ var('window_days') ~ " days, '",
        flywheel.as_text('records_in_bursts'), "' of them ('",
        "coalesce(" ~ flywheel.as_percent_text(flywheel.safe_divide('records_in_bursts', 'records_created')) ~ ", '0%')",
        "') in bursts of " ~ var('burst_min_records') ~ " or more within " ~ var('burst_minutes') ~ " minutes'"]) }} as evidence
from window_totals
