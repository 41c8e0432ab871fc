-- The deals behind `unlogged_leads` and `deal_logged_at_close` as of the date, so a manager can
-- see which ones: one row per opportunity that counts against a user holding either flag.
with

opportunities as (

    select * from {{ ref('int_opportunity_trail') }}

),

flags as (

    select * from {{ ref('silent_non_use') }}
    where flag in ('unlogged_leads', 'deal_logged_at_close')

),

reporting_dates as (

    select * from {{ ref('int_evaluation_dates') }}
    where is_as_of_date

),

users as (

    select * from {{ ref('int_users') }}

),

candidates as (

    select
        opportunities.*,
        -- counted by unlogged_leads: new business, created in the deal window, no lead trail
        opportunities.is_new_business
            and not opportunities.has_lead_trail
            and opportunities.created_on between reporting_dates.deal_window_start_on and reporting_dates.evaluated_on
            as is_without_lead_trail,
        -- counted by deal_logged_at_close: closed in the deal window, logged at close
        opportunities.is_logged_at_close
            and opportunities.closed_on <= reporting_dates.evaluated_on
            and opportunities.close_date between reporting_dates.deal_window_start_on and reporting_dates.evaluated_on
            as is_late_logged
    from opportunities
    cross join reporting_dates

),

flagged as (

    select
        candidates.*,
        unlogged.user_id is not null and candidates.is_without_lead_trail as is_behind_unlogged_leads,
        late.user_id is not null and candidates.is_late_logged as is_behind_deal_logged_at_close
    from candidates
    left join flags as unlogged
        on candidates.owner_id = unlogged.user_id and unlogged.flag = 'unlogged_leads'
    left join flags as late
        on candidates.owner_id = late.user_id and late.flag = 'deal_logged_at_close'

)

select
    flagged.opportunity_id,
    flagged.opportunity_name,
    flagged.owner_id,
    users.user_name as owner_name,
    users.manager_id,
    users.team_id,
    users.manager_name,
    flagged.account_id,
    flagged.opportunity_type,
    flagged.stage_name,
    flagged.amount,
    flagged.created_on,
    flagged.close_date,
    flagged.closed_on,
    flagged.days_created_before_close,
    flagged.first_recorded_stage,
    flagged.has_converted_lead,
    flagged.activities_before_creation,
    flagged.is_behind_unlogged_leads,
    flagged.is_behind_deal_logged_at_close,
    case
        when flagged.is_behind_unlogged_leads and flagged.is_behind_deal_logged_at_close
            then 'no lead trail, and logged at close'
        when flagged.is_behind_unlogged_leads
            then 'no lead converted into it and no task or event before it was created'
        else {{ dbt.concat([
            "'created '", flywheel.as_text('flagged.days_created_before_close'),
            "' days before its close date'",
            "case when flagged.is_first_recorded_closed then ', first recorded at a closed stage' else '' end"]) }}
    end as reason
from flagged
left join users on flagged.owner_id = users.user_id
where flagged.is_behind_unlogged_leads or flagged.is_behind_deal_logged_at_close
