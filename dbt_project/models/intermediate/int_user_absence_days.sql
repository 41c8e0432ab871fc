-- Absence days (the contract's "Absences"): one row per measured user and calendar day covered by
-- a span of int_absence_spans (leave in the absences file, an Out of Office event). `sources`
-- lists what covered the day. Every other day of a user is a present day.
with

spans as (

    select * from {{ ref('int_absence_spans') }}

),

calendar as (

    select date_day from {{ ref('int_calendar_days') }}

),

day_sources as (

    select distinct spans.user_id, calendar.date_day, spans.source
    from spans
    inner join calendar
        on calendar.date_day between spans.start_on and spans.end_on

)

select
    user_id,
    date_day,
    {{ dbt.listagg('source', "', '", 'order by source') }} as sources
from day_sources
group by user_id, date_day
