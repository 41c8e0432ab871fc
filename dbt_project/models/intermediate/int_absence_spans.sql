-- Time away as its sources state it: one row per leave line of the absences file (`start_date` to
-- `end_date`, inclusive), per enabled Out of Office entry (the UTC dates of `StartDate` to
-- `EndDate`, inclusive) and per Event a measured user owns shown as Out of Office (every UTC
-- date it overlaps: one ending at midnight does not cover the next day). Days and merged spans
-- are built from these (int_user_absence_days, marts.user_absences).
with

users as (

    select user_id from {{ ref('int_users') }}
    where is_measured

),

file_spans as (

    select user_id, start_date as start_on, end_date as end_on, 'absences_file' as source
    from {{ ref('stg_absences__file') }}

),

out_of_office_spans as (

    select
        user_id,
        {{ flywheel.utc_date('start_at') }} as start_on,
        {{ flywheel.utc_date('coalesce(end_at, start_at)') }} as end_on,
        'out_of_office' as source
    from {{ ref('stg_salesforce__out_of_office') }}
    where is_enabled and start_at is not null and coalesce(end_at, start_at) >= start_at

),

event_spans as (

    select
        owner_id as user_id,
        {{ flywheel.utc_date('start_at') }} as start_on,
        case
            when end_at > start_at and {{ flywheel.utc_date('end_at') }} > {{ flywheel.utc_date('start_at') }}
                and end_at = cast({{ flywheel.utc_date('end_at') }} as {{ dbt.type_timestamp() }})
                then {{ flywheel.add_days(flywheel.utc_date('end_at'), -1) }}
            else {{ flywheel.utc_date('coalesce(end_at, start_at)') }}
        end as end_on,
        'out_of_office_event' as source
    from {{ ref('stg_salesforce__events') }}
    where show_as = 'OutOfOffice' and start_at is not null

),

spans as (

    select * from file_spans
    union all
    select * from out_of_office_spans
    union all
    select * from event_spans

)

select spans.user_id, spans.start_on, spans.end_on, spans.source
from spans
inner join users
    on spans.user_id = users.user_id
