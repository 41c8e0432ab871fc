-- The trail of each lead: who owns it, whether it is still open, whether anyone ever touched it
-- (a task or event on it, or a status moved on from the initial one) and what it converted into.
with

leads as (

    select * from {{ ref('stg_salesforce__leads') }}

),

tasks as (

    select who_id, created_at from {{ ref('stg_salesforce__tasks') }}

),

events as (

    select who_id, created_at from {{ ref('stg_salesforce__events') }}

),

activities_on_leads as (

    select who_id as lead_id, count(*) as activities, min(created_at) as first_activity_at
    from (select * from tasks union all select * from events) as activities
    where who_id is not null
    group by who_id

),

trail as (

    select
        leads.lead_id,
        leads.owner_id,
        leads.created_by_id,
        leads.lead_status,
        leads.created_at,
        {{ flywheel.utc_date('leads.created_at') }} as created_on,
        leads.is_converted,
        leads.converted_date,
        leads.converted_opportunity_id,
        coalesce(activities_on_leads.activities, 0) as activities,
        activities_on_leads.first_activity_at,
        {{ flywheel.utc_date('activities_on_leads.first_activity_at') }} as first_activity_on,
        -- closed without conversion (a closing status), or converted
        leads.is_converted
            or coalesce(leads.lead_status in {{ flywheel.sql_list(var('lead_closed_statuses')) }}, false) as is_closed,
        coalesce(leads.lead_status = '{{ var("lead_initial_status") }}', false) as is_initial_status
    from leads
    left join activities_on_leads on leads.lead_id = activities_on_leads.lead_id

)

select * from trail
