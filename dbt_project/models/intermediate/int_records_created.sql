-- Every record a user created, from the five kinds the contract counts: leads, opportunities,
-- tasks, events and opportunity stage changes (OpportunityHistory rows), credited to CreatedById;
-- deleted records are already gone in staging. Each record is marked when it lies in a *burst*:
-- some `burst_minutes` (10) span holding at least `burst_min_records` (5) of the user's records,
-- the trace of work typed in after the fact. created_on is the date on the creator's calendar
-- (int_user_time_zones).
with

leads as (
    select lead_id as record_id, 'lead' as record_type, created_by_id as user_id, created_at
    from {{ ref('stg_salesforce__leads') }}
),

opportunities as (
    select opportunity_id as record_id, 'opportunity' as record_type, created_by_id as user_id, created_at
    from {{ ref('stg_salesforce__opportunities') }}
),

tasks as (
    select task_id as record_id, 'task' as record_type, created_by_id as user_id, created_at
    from {{ ref('stg_salesforce__tasks') }}
),

events as (
    -- an Event shown as Out of Office marks time away (int_absence_spans), not work logged
    select event_id as record_id, 'event' as record_type, created_by_id as user_id, created_at
    from {{ ref('stg_salesforce__events') }}
    where coalesce(show_as, '') <> 'OutOfOffice'
),

stage_changes as (
    select opportunity_history_id as record_id, 'stage_change' as record_type, created_by_id as user_id, created_at
    from {{ ref('stg_salesforce__opportunity_history') }}
),

all_records as (
    select * from leads
    union all select * from opportunities
    union all select * from tasks
    union all select * from events
    union all select * from stage_changes
),

timed as (

    select
        *,
        -- seconds since the epoch: a number, so a portable RANGE frame can slide over it
        {{ dbt.datediff("cast('1970-01-01' as " ~ dbt.type_timestamp() ~ ")", 'created_at', 'second') }} as created_epoch_second
    from all_records
    where user_id is not null and created_at is not null

),

span_counts as (

    -- how many of the user's records lie in the burst span that starts at this record
    select
        *,
        count(*) over (
            partition by user_id
            order by created_epoch_second
            range between current row and {{ var('burst_minutes') * 60 }} following
        ) as records_in_span_starting_here
    from timed

),

covered as (

    -- a record lies in a burst when a burst span that started at or before it reaches it
    select
        *,
        max(case when records_in_span_starting_here >= {{ var('burst_min_records') }}
                 then created_epoch_second + {{ var('burst_minutes') * 60 }} end) over (
            partition by user_id
            order by created_epoch_second
            range between unbounded preceding and current row
        ) as burst_cover_until_epoch_second
    from span_counts

),

time_zones as (

    select * from {{ ref('int_user_time_zones') }}

),

marked as (

    select
        covered.record_id,
        covered.record_type,
        covered.user_id,
        covered.created_at,
        {{ flywheel.local_date('covered.created_at', "coalesce(time_zones.time_zone, 'UTC')") }} as created_on,
        covered.created_epoch_second,
        covered.records_in_span_starting_here,
        coalesce(covered.burst_cover_until_epoch_second >= covered.created_epoch_second, false) as is_in_burst
    from covered
    left join time_zones on covered.user_id = time_zones.user_id

)

select * from marked
