-- The trail of each opportunity: the lead it was converted from, tasks or events on it or its
-- account before it was created, its first recorded stage, its stage changes, and how long before
-- its close date it was created. This is what tells a deal worked in the CRM from a deal typed
-- in at the end. Dates are on the owner's calendar (int_user_time_zones): the person the deal
-- rules judge; a close date is a date already. An opportunity is *new business* when its Type is
-- one of `new_business_types`, or its Type is empty and its account had no won opportunity closed
-- before it was created.
with

opportunities as (

    select * from {{ ref('stg_salesforce__opportunities') }}

),

history as (

    select * from {{ ref('stg_salesforce__opportunity_history') }}

),

leads as (

    select * from {{ ref('stg_salesforce__leads') }}

),

activities as (

    select task_id as activity_id, what_id, account_id, created_at from {{ ref('stg_salesforce__tasks') }}
    union all
    select event_id as activity_id, what_id, account_id, created_at from {{ ref('stg_salesforce__events') }}

),

time_zones as (

    select * from {{ ref('int_user_time_zones') }}

),

-- each activity under every record it is on: its WhatId, and its account (equi-joins stay fast)
activities_by_record as (

    select activity_id, what_id as record_id, created_at from activities where what_id is not null
    union
    select activity_id, account_id as record_id, created_at from activities where account_id is not null

),

-- a stage is closed when some opportunity now at that stage is closed (works with custom stages)
closed_stages as (

    select distinct stage_name from opportunities where is_closed

),

-- opportunities whose account already had a won deal, closed before they were created
after_an_earlier_win as (

    select distinct later.opportunity_id
    from opportunities as later
    left join time_zones as later_zones on later.owner_id = later_zones.user_id
    inner join opportunities as won
        on won.account_id = later.account_id
        and won.opportunity_id <> later.opportunity_id
        and coalesce(won.is_won, false)
        and won.close_date < {{ flywheel.local_date('later.created_at', "coalesce(later_zones.time_zone, 'UTC')") }}

),

converted_from as (

    select
        converted_opportunity_id as opportunity_id,
        min(lead_id) as converted_from_lead_id,
        min(created_at) as lead_created_at
    from leads
    where is_converted and converted_opportunity_id is not null
    group by converted_opportunity_id

),

activity_before_creation as (

    -- tasks and events on the opportunity or its account, created before the opportunity
    select
        opportunity_id,
        count(distinct activity_id) as activities_before_creation,
        min(created_at) as first_activity_before_creation_at
    from (
        select opportunities.opportunity_id, activities_by_record.activity_id, activities_by_record.created_at
        from opportunities
        inner join activities_by_record
            on activities_by_record.record_id = opportunities.opportunity_id
            and activities_by_record.created_at < opportunities.created_at
        union all
        select opportunities.opportunity_id, activities_by_record.activity_id, activities_by_record.created_at
        from opportunities
        inner join activities_by_record
            on activities_by_record.record_id = opportunities.account_id
            and activities_by_record.created_at < opportunities.created_at
    ) as earlier_activities
    group by opportunity_id

),

ordered_history as (

    select
        history.*,
        row_number() over (partition by opportunity_id order by created_at, opportunity_history_id) as history_order,
        lag(stage_name) over (partition by opportunity_id order by created_at, opportunity_history_id) as previous_stage_name
    from history

),

stage_summary as (

    select
        ordered_history.opportunity_id,
        max(case when history_order = 1 then ordered_history.stage_name end) as first_recorded_stage,
        count(*) as history_rows,
        sum(case when previous_stage_name is not null and ordered_history.stage_name <> previous_stage_name
                 then 1 else 0 end) as stage_changes,
        -- the first time the deal was recorded at a closed stage
        min(case when closed_stages.stage_name is not null then ordered_history.created_at end) as first_closed_stage_at
    from ordered_history
    left join closed_stages on ordered_history.stage_name = closed_stages.stage_name
    group by ordered_history.opportunity_id

),

trail as (

    select
        opportunities.opportunity_id,
        opportunities.opportunity_name,
        opportunities.owner_id,
        opportunities.created_by_id,
        opportunities.account_id,
        opportunities.opportunity_type,
        opportunities.stage_name,
        coalesce(opportunities.is_closed, false) as is_closed,
        coalesce(opportunities.is_won, false) as is_won,
        opportunities.amount,
        opportunities.close_date,
        opportunities.created_at,
        {{ flywheel.local_date('opportunities.created_at', "coalesce(owner_zones.time_zone, 'UTC')") }} as created_on,
        opportunities.last_modified_at,
        {{ flywheel.local_date('coalesce(opportunities.last_modified_at, opportunities.created_at)', "coalesce(owner_zones.time_zone, 'UTC')") }} as last_modified_on,
        {{ flywheel.one_of('opportunities.opportunity_type', var('new_business_types')) }}
            or (coalesce(trim(opportunities.opportunity_type), '') = '' and after_an_earlier_win.opportunity_id is null)
            as is_new_business,
        converted_from.converted_from_lead_id,
        converted_from.converted_from_lead_id is not null as has_converted_lead,
        coalesce(activity_before_creation.activities_before_creation, 0) as activities_before_creation,
        activity_before_creation.first_activity_before_creation_at,
        -- lead trail: a lead converted into it, or a task or event on it or its account before it
        converted_from.converted_from_lead_id is not null
            or activity_before_creation.activities_before_creation is not null as has_lead_trail,
        stage_summary.first_recorded_stage,
        coalesce(stage_summary.history_rows, 0) as history_rows,
        coalesce(stage_summary.stage_changes, 0) as stage_changes,
        coalesce(stage_summary.first_recorded_stage in (select stage_name from closed_stages), false) as is_first_recorded_closed,
        {{ flywheel.days_between(flywheel.local_date('opportunities.created_at', "coalesce(owner_zones.time_zone, 'UTC')"), 'opportunities.close_date') }} as days_created_before_close,
        -- the date the deal became closed: first history row at a closed stage, else its close date
        case
            when coalesce(opportunities.is_closed, false)
            then coalesce({{ flywheel.local_date('stage_summary.first_closed_stage_at', "coalesce(owner_zones.time_zone, 'UTC')") }}, opportunities.close_date)
        end as closed_on
    from opportunities
    left join time_zones as owner_zones on opportunities.owner_id = owner_zones.user_id
    left join converted_from on opportunities.opportunity_id = converted_from.opportunity_id
    left join after_an_earlier_win on opportunities.opportunity_id = after_an_earlier_win.opportunity_id
    left join activity_before_creation on opportunities.opportunity_id = activity_before_creation.opportunity_id
    left join stage_summary on opportunities.opportunity_id = stage_summary.opportunity_id

),

final as (

    select
        *,
        -- logged at close: created within `late_logging_days` of its close date (or after it),
        -- or first recorded at a closed stage
        is_closed and (
            coalesce(days_created_before_close <= {{ var('late_logging_days') }}, false)
            or is_first_recorded_closed
        ) as is_logged_at_close
    from trail

)

select * from final
