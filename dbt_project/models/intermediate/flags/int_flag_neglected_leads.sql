-- Flag `neglected_leads` (warn): at least `neglected_leads_min` (5) open leads owned, held more
-- than `neglect_days` (14) days and never touched (no task or event on the lead, status still
-- an initial one: the org's default LeadStatus or `lead_initial_statuses`), making up at least `neglected_leads_share` (50%) of the
-- user's open (unconverted, not closed) leads. metric_value = the number of neglected leads.
-- A lead is held from the day its current owner got it (int_lead_trail.assigned_on, from Lead
-- owner history), else from its creation: a rep handed a departed colleague's old leads two days
-- ago has not neglected them. The evidence says how many were assigned and when.
-- For a past date, the lead's status is today's (Salesforce keeps no status history here).
with

user_dates as (

    select * from {{ ref('int_user_evaluation_dates') }}

),

leads as (

    select * from {{ ref('int_lead_trail') }}

),

leads_on_date as (

    select
        user_dates.user_id,
        user_dates.evaluated_on,
        user_dates.is_flaggable,
        leads.lead_id,
        -- open on the date: not converted by then, and not in a closing status
        case
            when leads.is_converted then coalesce(leads.converted_date > user_dates.evaluated_on, false)
            else not leads.is_closed
        end as is_open,
        -- never touched by the date: still in the initial status, no task or event on it yet
        leads.is_initial_status
            and (leads.first_activity_on is null or leads.first_activity_on > user_dates.evaluated_on) as is_untouched,
        {{ flywheel.days_between('coalesce(leads.assigned_on, leads.created_on)', 'user_dates.evaluated_on') }}
            > {{ var('neglect_days') }} as is_aged,
        leads.assigned_on
    from user_dates
    inner join leads
        on leads.owner_id = user_dates.user_id
        and coalesce(leads.assigned_on, leads.created_on) <= user_dates.evaluated_on

),

per_user as (

    select
        user_dates.user_id,
        user_dates.evaluated_on,
        user_dates.is_flaggable,
        coalesce(sum(case when leads_on_date.is_open then 1 else 0 end), 0) as open_leads,
        coalesce(sum(case when leads_on_date.is_open and leads_on_date.is_untouched and leads_on_date.is_aged
                          then 1 else 0 end), 0) as neglected_leads,
        -- of those, the leads handed to them (and the latest such day)
        coalesce(sum(case when leads_on_date.is_open and leads_on_date.is_untouched and leads_on_date.is_aged
                          and leads_on_date.assigned_on is not null then 1 else 0 end), 0) as neglected_assigned,
        max(case when leads_on_date.is_open and leads_on_date.is_untouched and leads_on_date.is_aged
                 then leads_on_date.assigned_on end) as latest_assigned_on
    from user_dates
    left join leads_on_date
        on user_dates.user_id = leads_on_date.user_id
        and user_dates.evaluated_on = leads_on_date.evaluated_on
    group by user_dates.user_id, user_dates.evaluated_on, user_dates.is_flaggable

)

select
    user_id,
    evaluated_on,
    'neglected_leads' as flag,
    {{ flywheel.flag_severity('neglected_leads') }} as severity,
    is_flaggable,
    is_flaggable
        and neglected_leads >= {{ var('neglected_leads_min') }}
        and neglected_leads >= {{ var('neglected_leads_share') }} * open_leads as is_flagged,
    cast(neglected_leads as {{ flywheel.type_double() }}) as metric_value,
    cast({{ var('neglected_leads_min') }} as {{ flywheel.type_double() }}) as threshold,
    {{ dbt.concat([
        flywheel.as_text('neglected_leads'), "' open leads held more than " ~ var('neglect_days') ~ " days were never touched (no task, event or status change), '",
        "coalesce(" ~ flywheel.as_percent_text(flywheel.safe_divide('neglected_leads', 'open_leads')) ~ ", '0%')",
        "' of the '", flywheel.as_text('open_leads'), "' open leads they own'",
        "case when neglected_assigned > 0 then " ~ dbt.concat([
            "'; '", flywheel.as_text('neglected_assigned'), "' of them assigned to them '",
            flywheel.as_text(flywheel.days_between('latest_assigned_on', 'evaluated_on')), "' days ago'"])
        ~ " else '' end"]) }} as evidence
from per_user
