-- Org KPIs for monthly planning, per week (ending on the as-of date's weekday) and per calendar
-- month: weekly active users, share of users per tier, share of new-business deals with a lead
-- trail, flags opened and closed. Weeks before LoginHistory's horizon have no tier shares and no
-- login-based flags (int_evaluation_dates): a first install shows no wave of made-up dormancy.
with

scorecard as (

    select * from {{ ref('user_adoption_scorecard') }}

),

flags as (

    select * from {{ ref('int_flag_history') }}

),

opportunities as (

    select * from {{ ref('int_opportunity_trail') }}
    where is_new_business

),

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

),

weekly_users as (

    select
        week_ending_on,
        count(*) as measured_users,
        -- users with a tier that week (none before LoginHistory's horizon): the tier shares' base
        count(tier) as scored_users,
        sum(case when is_weekly_active then 1 else 0 end) as weekly_active_users,
        sum(case when tier = 'champion' then 1 else 0 end) as champions,
        sum(case when tier = 'healthy' then 1 else 0 end) as healthy_users,
        sum(case when tier = 'at_risk' then 1 else 0 end) as at_risk_users,
        sum(case when tier = 'silent' then 1 else 0 end) as silent_users,
        avg(adoption_score) as average_score
    from scorecard
    group by week_ending_on

),

weekly_flags as (

    select
        evaluated_on as week_ending_on,
        sum(case when is_flagged then 1 else 0 end) as open_flags,
        sum(case when is_opened then 1 else 0 end) as flags_opened,
        sum(case when is_closed then 1 else 0 end) as flags_closed
    from flags
    group by evaluated_on

),

weekly_deals as (

    select
        evaluation_dates.evaluated_on as week_ending_on,
        count(opportunities.opportunity_id) as new_business_deals,
        coalesce(sum(case when opportunities.has_lead_trail then 1 else 0 end), 0) as deals_with_lead_trail
    from evaluation_dates
    left join opportunities
        on opportunities.created_on between evaluation_dates.week_start_on and evaluation_dates.evaluated_on
    group by evaluation_dates.evaluated_on

),

weeks as (

    select
        'week' as period_type,
        evaluation_dates.week_start_on as period_start_on,
        evaluation_dates.evaluated_on as period_end_on,
        weekly_users.measured_users,
        cast(weekly_users.weekly_active_users as {{ flywheel.type_double() }}) as weekly_active_users,
        {{ flywheel.safe_divide('weekly_users.champions', 'weekly_users.scored_users') }} as champion_share,
        {{ flywheel.safe_divide('weekly_users.healthy_users', 'weekly_users.scored_users') }} as healthy_share,
        {{ flywheel.safe_divide('weekly_users.at_risk_users', 'weekly_users.scored_users') }} as at_risk_share,
        {{ flywheel.safe_divide('weekly_users.silent_users', 'weekly_users.scored_users') }} as silent_share,
        weekly_users.average_score,
        weekly_deals.new_business_deals,
        weekly_deals.deals_with_lead_trail,
        coalesce(weekly_flags.open_flags, 0) as open_flags,
        coalesce(weekly_flags.flags_opened, 0) as flags_opened,
        coalesce(weekly_flags.flags_closed, 0) as flags_closed
    from evaluation_dates
    left join weekly_users on evaluation_dates.evaluated_on = weekly_users.week_ending_on
    left join weekly_flags on evaluation_dates.evaluated_on = weekly_flags.week_ending_on
    left join weekly_deals on evaluation_dates.evaluated_on = weekly_deals.week_ending_on

),

weeks_by_month as (

    -- a week belongs to the month its last day falls in; the month's tier shares and open
    -- flags are those of its last week, its active users the average over its weeks
    select
        weeks.*,
        cast({{ dbt.date_trunc('month', 'weeks.period_end_on') }} as date) as month_start_on,
        row_number() over (
            partition by cast({{ dbt.date_trunc('month', 'weeks.period_end_on') }} as date)
            order by weeks.period_end_on desc
        ) as weeks_from_month_end
    from weeks

),

months as (

    select
        'month' as period_type,
        month_start_on as period_start_on,
        max(period_end_on) as period_end_on,
        max(case when weeks_from_month_end = 1 then measured_users end) as measured_users,
        avg(weekly_active_users) as weekly_active_users,
        max(case when weeks_from_month_end = 1 then champion_share end) as champion_share,
        max(case when weeks_from_month_end = 1 then healthy_share end) as healthy_share,
        max(case when weeks_from_month_end = 1 then at_risk_share end) as at_risk_share,
        max(case when weeks_from_month_end = 1 then silent_share end) as silent_share,
        max(case when weeks_from_month_end = 1 then average_score end) as average_score,
        sum(new_business_deals) as new_business_deals,
        sum(deals_with_lead_trail) as deals_with_lead_trail,
        max(case when weeks_from_month_end = 1 then open_flags end) as open_flags,
        sum(flags_opened) as flags_opened,
        sum(flags_closed) as flags_closed
    from weeks_by_month
    group by month_start_on

),

periods as (

    select * from weeks
    union all
    select * from months

)

select
    period_type,
    period_start_on,
    period_end_on,
    measured_users,
    weekly_active_users,
    champion_share,
    healthy_share,
    at_risk_share,
    silent_share,
    {{ flywheel.round_half_up('average_score', 1) }} as average_score,
    cast(new_business_deals as {{ dbt.type_bigint() }}) as new_business_deals,
    cast(deals_with_lead_trail as {{ dbt.type_bigint() }}) as deals_with_lead_trail,
    {{ flywheel.safe_divide('deals_with_lead_trail', 'new_business_deals') }} as lead_trail_share,
    cast(open_flags as {{ dbt.type_bigint() }}) as open_flags,
    cast(flags_opened as {{ dbt.type_bigint() }}) as flags_opened,
    cast(flags_closed as {{ dbt.type_bigint() }}) as flags_closed
from periods
