-- Flag `deal_logged_at_close` (warn): at least `deal_logged_at_close_min_opportunities` (2)
-- opportunities owned and closed in the deal window (close date within `deal_window_days`, 90,
-- and closed by the date), and at least `late_logging_share` (50%) of them were created within
-- `late_logging_days` (3) of their close date or first recorded at a closed stage.
-- metric_value = that share.
with

user_dates as (

    select * from {{ ref('int_user_evaluation_dates') }}

),

opportunities as (

    select * from {{ ref('int_opportunity_trail') }}

),

deal_window as (

    select
        user_dates.user_id,
        user_dates.evaluated_on,
        user_dates.is_flaggable,
        count(opportunities.opportunity_id) as closed_opportunities,
        coalesce(sum(case when opportunities.is_logged_at_close then 1 else 0 end), 0) as logged_at_close
    from user_dates
    left join opportunities
        on opportunities.owner_id = user_dates.user_id
        and opportunities.is_closed
        and opportunities.closed_on <= user_dates.evaluated_on
        and opportunities.close_date between user_dates.deal_window_start_on and user_dates.evaluated_on
    group by user_dates.user_id, user_dates.evaluated_on, user_dates.is_flaggable

)

select
    user_id,
    evaluated_on,
    'deal_logged_at_close' as flag,
    {{ flywheel.flag_severity('deal_logged_at_close') }} as severity,
    is_flaggable,
    is_flaggable
        and closed_opportunities >= {{ var('deal_logged_at_close_min_opportunities') }}
        and logged_at_close >= {{ var('late_logging_share') }} * closed_opportunities as is_flagged,
    cast({{ flywheel.safe_divide('logged_at_close', 'closed_opportunities') }} as {{ flywheel.type_double() }}) as metric_value,
    cast({{ var('late_logging_share') }} as {{ flywheel.type_double() }}) as threshold,
    {{ dbt.concat([
        flywheel.as_text('logged_at_close'), "' of '", flywheel.as_text('closed_opportunities'),
        "' opportunities closed in the last " ~ var('deal_window_days') ~ " days ('",
        "coalesce(" ~ flywheel.as_percent_text(flywheel.safe_divide('logged_at_close', 'closed_opportunities')) ~ ", '0%')",
        "') were created within " ~ var('late_logging_days') ~ " days of their close date or first recorded closed'"]) }} as evidence
from deal_window
