-- Time away as its sources state it, on each user's own calendar (int_user_time_zones): one row
-- per leave line of the absences file (`start_date` to `end_date`, inclusive), per enabled Out of
-- Office entry (the local dates of `StartDate` to `EndDate`, inclusive), per Event a measured user
-- owns shown as Out of Office (every local date it overlaps: one ending at midnight does not cover
-- the next day), and per holiday of the user (int_user_holidays: a day each, with its name). Days
-- and merged spans are built from these (int_user_absence_days, marts.user_absences).
with

users as (

    select user_id, time_zone from {{ ref('int_users') }}
    where is_measured

),

file_spans as (

    select user_id, start_date as start_on, end_date as end_on, 'absences_file' as source,
           cast(null as {{ dbt.type_string() }}) as holiday_name
    from {{ ref('stg_absences__file') }}

),

out_of_office_spans as (

    select
        out_of_office.user_id,
        {{ flywheel.local_date('out_of_office.start_at', 'users.time_zone') }} as start_on,
        {{ flywheel.local_date('coalesce(out_of_office.end_at, out_of_office.start_at)', 'users.time_zone') }} as end_on,
        'out_of_office' as source,
        cast(null as {{ dbt.type_string() }}) as holiday_name
    from {{ ref('stg_salesforce__out_of_office') }} as out_of_office
    inner join users on out_of_office.user_id = users.user_id
    where out_of_office.is_enabled and out_of_office.start_at is not null
        and coalesce(out_of_office.end_at, out_of_office.start_at) >= out_of_office.start_at

),

event_spans as (

    select
        events.owner_id as user_id,
        {{ flywheel.local_date('events.start_at', 'users.time_zone') }} as start_on,
        -- the date of its last moment: an event ending at midnight ends the day before
        case
            when events.end_at > events.start_at
                then {{ flywheel.local_date('events.end_at - interval 1 second', 'users.time_zone') }}
            else {{ flywheel.local_date('events.start_at', 'users.time_zone') }}
        end as end_on,
        'out_of_office_event' as source,
        cast(null as {{ dbt.type_string() }}) as holiday_name
    from {{ ref('stg_salesforce__events') }} as events
    inner join users on events.owner_id = users.user_id
    where events.show_as = 'OutOfOffice' and events.start_at is not null

),

holiday_spans as (

    select user_id, date_day as start_on, date_day as end_on, source, holiday_name
    from {{ ref('int_user_holidays') }}

),

spans as (

    select * from file_spans
    union all
    select * from out_of_office_spans
    union all
    select * from event_spans
    union all
    select * from holiday_spans

)

select spans.user_id, spans.start_on, spans.end_on, spans.source, spans.holiday_name
from spans
inner join users
    on spans.user_id = users.user_id
