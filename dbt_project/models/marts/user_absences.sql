-- Time away per measured user (the contract's mart `user_absences`): one row per span of
-- overlapping or back-to-back days away, merged across sources (the absences file, Out of Office
-- entries and events, the holidays of the org and of the holidays file), with the sources it came
-- from and the holidays it holds, by name. Spans that ended before the calendar began are left
-- out; `returns_on` is the first day back, `is_current` says the span covers the as-of date.
with

spans as (

    select * from {{ ref('int_absence_spans') }}

),

users as (

    select * from {{ ref('int_users') }}

),

reporting_dates as (

    select * from {{ ref('int_reporting_dates') }}

),

ordered as (

    -- the furthest day away reached by the user's earlier spans
    select
        spans.*,
        max(end_on) over (
            partition by user_id order by start_on, end_on
            rows between unbounded preceding and 1 preceding
        ) as reached_on
    from spans

),

numbered as (

    -- a span that starts more than a day after everything before it starts a new merged span
    select
        ordered.*,
        sum(case when reached_on is null or start_on > {{ flywheel.add_days('reached_on', 1) }} then 1 else 0 end) over (
            partition by user_id order by start_on, end_on
            rows between unbounded preceding and current row
        ) as span_number
    from ordered

),

merged as (

    select user_id, span_number, min(start_on) as start_on, max(end_on) as end_on
    from numbered
    group by user_id, span_number

),

span_sources as (

    select distinct user_id, span_number, source
    from numbered

),

sources as (

    select user_id, span_number, {{ dbt.listagg('source', "', '", 'order by source') }} as sources
    from span_sources
    group by user_id, span_number

),

span_holidays as (

    select distinct user_id, span_number, holiday_name
    from numbered
    where holiday_name is not null

),

holidays as (

    select user_id, span_number, {{ dbt.listagg('holiday_name', "', '", 'order by holiday_name') }} as holidays
    from span_holidays
    group by user_id, span_number

)

select
    merged.user_id,
    users.user_name,
    users.manager_id,
    users.team_id,
    users.manager_name,
    merged.start_on,
    merged.end_on,
    {{ flywheel.days_between('merged.start_on', 'merged.end_on') }} + 1 as days_away,
    {{ flywheel.add_days('merged.end_on', 1) }} as returns_on,
    merged.start_on <= reporting_dates.as_of_date and merged.end_on >= reporting_dates.as_of_date as is_current,
    sources.sources,
    holidays.holidays
from merged
inner join sources
    on merged.user_id = sources.user_id and merged.span_number = sources.span_number
left join holidays
    on merged.user_id = holidays.user_id and merged.span_number = holidays.span_number
inner join users
    on merged.user_id = users.user_id
cross join reporting_dates
where merged.end_on >= reporting_dates.calendar_start_date
