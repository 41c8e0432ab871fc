-- Per-user facts, one row per measured user per day of the calendar (days without activity
-- included, with zeros): logins, records created by kind, leads converted, records in bursts.
with

spine as (

    select * from {{ ref('int_user_days') }}

),

logins as (

    select * from {{ ref('int_logins') }}

),

records as (

    select * from {{ ref('int_records_created') }}

),

leads as (

    select * from {{ ref('stg_salesforce__leads') }}

),

logins_by_day as (

    select
        user_id,
        login_date as date_day,
        count(*) as logins,
        sum(case when is_interactive then 1 else 0 end) as interactive_logins,
        sum(case when is_success then 0 else 1 end) as failed_logins
    from logins
    group by user_id, login_date

),

records_by_day as (

    select
        user_id,
        created_on as date_day,
        count(*) as records_created,
        sum(case when record_type = 'lead' then 1 else 0 end) as leads_created,
        sum(case when record_type = 'opportunity' then 1 else 0 end) as opportunities_created,
        sum(case when record_type = 'stage_change' then 1 else 0 end) as stage_changes,
        sum(case when record_type = 'task' then 1 else 0 end) as tasks_logged,
        sum(case when record_type = 'event' then 1 else 0 end) as events_logged,
        sum(case when is_in_burst then 1 else 0 end) as records_created_in_bursts
    from records
    group by user_id, created_on

),

conversions_by_day as (

    -- leads converted, credited to the lead's owner on the conversion date
    select owner_id as user_id, converted_date as date_day, count(*) as leads_converted
    from leads
    where is_converted and converted_date is not null
    group by owner_id, converted_date

),

daily as (

    select
        spine.user_id,
        spine.date_day,
        spine.is_working_day,
        spine.week_ending_on,
        coalesce(logins_by_day.logins, 0) as logins,
        coalesce(logins_by_day.interactive_logins, 0) as interactive_logins,
        case when coalesce(logins_by_day.interactive_logins, 0) > 0 then 1 else 0 end as login_days,
        coalesce(logins_by_day.failed_logins, 0) as failed_logins,
        coalesce(records_by_day.leads_created, 0) as leads_created,
        coalesce(records_by_day.opportunities_created, 0) as opportunities_created,
        coalesce(records_by_day.stage_changes, 0) as stage_changes,
        coalesce(records_by_day.tasks_logged, 0) as tasks_logged,
        coalesce(records_by_day.events_logged, 0) as events_logged,
        coalesce(conversions_by_day.leads_converted, 0) as leads_converted,
        coalesce(records_by_day.records_created, 0) as records_created,
        coalesce(records_by_day.records_created_in_bursts, 0) as records_created_in_bursts
    from spine
    left join logins_by_day
        on spine.user_id = logins_by_day.user_id and spine.date_day = logins_by_day.date_day
    left join records_by_day
        on spine.user_id = records_by_day.user_id and spine.date_day = records_by_day.date_day
    left join conversions_by_day
        on spine.user_id = conversions_by_day.user_id and spine.date_day = conversions_by_day.date_day

)

select * from daily
