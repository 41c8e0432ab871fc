-- Bursts of record creation: runs of a user's records that lie in overlapping `burst_minutes`
-- spans each holding at least `burst_min_records` records. One row per burst.
with

records as (

    select * from {{ ref('int_records_created') }}

),

with_previous as (

    select
        *,
        lag(is_in_burst) over (partition by user_id order by created_epoch_second, record_id) as previous_in_burst,
        lag(created_epoch_second) over (partition by user_id order by created_epoch_second, record_id) as previous_epoch_second
    from records

),

burst_starts as (

    -- a burst starts at an in-burst record whose predecessor is not in a burst, or lies more
    -- than a span away (two bursts back to back)
    select
        *,
        case
            when is_in_burst
                and (
                    not coalesce(previous_in_burst, false)
                    or created_epoch_second - previous_epoch_second > {{ var('burst_minutes') * 60 }}
                )
            then 1 else 0
        end as is_burst_start
    from with_previous

),

numbered as (

    select
        *,
        sum(is_burst_start) over (
            partition by user_id order by created_epoch_second, record_id
            rows between unbounded preceding and current row
        ) as burst_number
    from burst_starts
    where is_in_burst

),

bursts as (

    select
        {{ dbt.concat(['user_id', "'-'", flywheel.as_text('burst_number')]) }} as burst_id,
        user_id,
        burst_number,
        min(created_at) as burst_started_at,
        max(created_at) as burst_ended_at,
        min(created_on) as burst_started_on,
        count(*) as records_in_burst,
        sum(case when record_type = 'lead' then 1 else 0 end) as leads_in_burst,
        sum(case when record_type = 'opportunity' then 1 else 0 end) as opportunities_in_burst,
        sum(case when record_type = 'task' then 1 else 0 end) as tasks_in_burst,
        sum(case when record_type = 'event' then 1 else 0 end) as events_in_burst,
        sum(case when record_type = 'stage_change' then 1 else 0 end) as stage_changes_in_burst
    from numbered
    group by user_id, burst_number

)

select * from bursts
