-- The trail of each lead: who owns it and since when, whether it is still open, whether anyone
-- ever touched it (a task or event on it, or a status moved on from the initial one) and what it
-- converted into. The current owner got the lead at the newest LeadHistory row with Field 'Owner'
-- whose NewValue is their User Id (Salesforce writes a second row with names for the same change:
-- it never matches an Id); without such a row (no history tracked, never reassigned) they have
-- held it since it was created. Dates are on the owner's calendar (int_user_time_zones): the
-- person the lead rules judge. A lead is still in an initial status when its status is the org's
-- default (a LeadStatus with IsDefault, when the org lets LeadStatus be read) or one of
-- `lead_initial_statuses`.
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

assignments as (

    select lead_id, new_value as owner_id, max(created_at) as assigned_at
    from {{ ref('stg_salesforce__lead_history') }}
    where field_name = 'Owner' and new_value is not null
    group by lead_id, new_value

),

time_zones as (

    select * from {{ ref('int_user_time_zones') }}

),

-- the org's default lead status (renamed 'New', 'MQL' …), beside lead_initial_statuses
default_statuses as (

    select distinct lead_status from {{ ref('stg_salesforce__lead_statuses') }} where is_default

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
        {{ flywheel.local_date('leads.created_at', "coalesce(owner_zones.time_zone, 'UTC')") }} as created_on,
        assignments.assigned_at,
        {{ flywheel.local_date('assignments.assigned_at', "coalesce(owner_zones.time_zone, 'UTC')") }} as assigned_on,
        leads.is_converted,
        leads.converted_date,
        leads.converted_opportunity_id,
        coalesce(activities_on_leads.activities, 0) as activities,
        activities_on_leads.first_activity_at,
        {{ flywheel.local_date('activities_on_leads.first_activity_at', "coalesce(owner_zones.time_zone, 'UTC')") }} as first_activity_on,
        -- closed without conversion (a closing status), or converted
        leads.is_converted
            or coalesce(leads.lead_status in {{ flywheel.sql_list(var('lead_closed_statuses')) }}, false) as is_closed,
        {{ flywheel.one_of('leads.lead_status', var('lead_initial_statuses')) }}
            or default_statuses.lead_status is not null as is_initial_status
    from leads
    -- a lead a queue owns is on no one's calendar: UTC (no per-user rule judges it)
    left join time_zones as owner_zones on leads.owner_id = owner_zones.user_id
    left join activities_on_leads on leads.lead_id = activities_on_leads.lead_id
    left join assignments on leads.lead_id = assignments.lead_id and leads.owner_id = assignments.owner_id
    left join default_statuses on leads.lead_status = default_statuses.lead_status

)

select * from trail
