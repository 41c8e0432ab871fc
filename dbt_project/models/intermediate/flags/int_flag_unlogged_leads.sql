-- Flag `unlogged_leads` (warn): at least `unlogged_leads_min_opportunities` (2) new-business
-- opportunities (Type 'New Business') owned and created in the deal window (`deal_window_days`,
-- 90), and at least `unlogged_leads_share` (60%) of them have no lead that converted into them
-- and no task or event, on the opportunity or its account, created before the opportunity: the
-- prospect first appears in the CRM as a deal. metric_value = that share.
with

user_dates as (

    select * from {{ ref('int_user_evaluation_dates') }}

),

opportunities as (

    select * from {{ ref('int_opportunity_trail') }}

),

deal_window as (

    select
        user_dates.user_id,
        user_dates.evaluated_on,
        user_dates.is_flaggable,
        count(opportunities.opportunity_id) as new_business_opportunities,
        coalesce(sum(case when not opportunities.has_lead_trail then 1 else 0 end), 0) as without_lead_trail
    from user_dates
    left join opportunities
        on opportunities.owner_id = user_dates.user_id
        and opportunities.is_new_business
        and opportunities.created_on between user_dates.deal_window_start_on and user_dates.evaluated_on
    group by user_dates.user_id, user_dates.evaluated_on, user_dates.is_flaggable

)

select
    user_id,
    evaluated_on,
    -- the counts behind it (clean_trail in int_badge_history reads them too)
    new_business_opportunities,
    without_lead_trail,
    'unlogged_leads' as flag,
    {{ flywheel.flag_severity('unlogged_leads') }} as severity,
    is_flaggable,
    is_flaggable
        and new_business_opportunities >= {{ var('unlogged_leads_min_opportunities') }}
        and without_lead_trail >= {{ var('unlogged_leads_share') }} * new_business_opportunities as is_flagged,
    cast({{ flywheel.safe_divide('without_lead_trail', 'new_business_opportunities') }} as {{ flywheel.type_double() }}) as metric_value,
    cast({{ var('unlogged_leads_share') }} as {{ flywheel.type_double() }}) as threshold,
    {{ dbt.concat([
        flywheel.as_text('without_lead_trail'), "' of '", flywheel.as_text('new_business_opportunities'),
        "' new-business opportunities created in the last " ~ var('deal_window_days') ~ " days ('",
        "coalesce(" ~ flywheel.as_percent_text(flywheel.safe_divide('without_lead_trail', 'new_business_opportunities')) ~ ", '0%')",
        "') have no converted lead and no earlier task or event: the prospect first appeared as a deal'"]) }} as evidence
from deal_window
