-- The raw numbers behind the five parts of the adoption score, per measured user per evaluation
-- date (each week, ending on the as-of date's weekday), over the trailing windows ending on it.
with

user_dates as (

    select * from {{ ref('int_user_evaluation_dates') }}

),

daily as (

    select * from {{ ref('int_user_daily_activity') }}

),

absence_days as (

    select * from {{ ref('int_user_absence_days') }}

),

opportunities as (

    select * from {{ ref('int_opportunity_trail') }}

),

usage_window as (

    select
        user_dates.user_id,
        user_dates.evaluated_on,
        coalesce(sum(daily.login_days), 0) as login_days,
        -- present working days: a working day away (int_user_absence_days) is not expected to hold a login
        coalesce(sum(case when daily.is_working_day and absence_days.date_day is null then 1 else 0 end), 0) as working_days,
        coalesce(sum(daily.records_created), 0) as records_created,
        -- active working days (an interactive login and a record created): the team's routine (team_casei)
        coalesce(sum(case when daily.is_working_day and daily.login_days > 0 and daily.records_created > 0
                          then 1 else 0 end), 0) as active_working_days,
        coalesce(sum(daily.tasks_logged + daily.events_logged), 0) as activities_logged,
        -- weekly active: an interactive login in the 7 days ending on the date
        coalesce(sum(case when daily.date_day >= user_dates.week_start_on then daily.login_days end), 0) as login_days_this_week
    from user_dates
    left join daily
        on daily.user_id = user_dates.user_id
        and daily.date_day between user_dates.window_start_on and user_dates.evaluated_on
    left join absence_days
        on absence_days.user_id = daily.user_id and absence_days.date_day = daily.date_day
    group by user_dates.user_id, user_dates.evaluated_on

),

pipeline as (

    select
        user_dates.user_id,
        user_dates.evaluated_on,
        count(opportunities.opportunity_id) as open_opportunities,
        coalesce(sum(case when not {{ flywheel.opportunity_is_stale_on('opportunities', 'user_dates.evaluated_on') }}
                          then 1 else 0 end), 0) as fresh_open_opportunities
    from user_dates
    left join opportunities
        on opportunities.owner_id = user_dates.user_id
        and {{ flywheel.opportunity_is_open_on('opportunities', 'user_dates.evaluated_on') }}
    group by user_dates.user_id, user_dates.evaluated_on

),

deals as (

    -- deals owned and created in the deal window; timely = with a lead trail (new business) and
    -- not logged at close
    select
        user_dates.user_id,
        user_dates.evaluated_on,
        count(opportunities.opportunity_id) as deals,
        coalesce(sum(case when (not opportunities.is_new_business or opportunities.has_lead_trail)
                               and not (opportunities.is_logged_at_close
                                        and coalesce(opportunities.closed_on <= user_dates.evaluated_on, false))
                          then 1 else 0 end), 0) as timely_deals
    from user_dates
    left join opportunities
        on opportunities.owner_id = user_dates.user_id
        and opportunities.created_on between user_dates.deal_window_start_on and user_dates.evaluated_on
    group by user_dates.user_id, user_dates.evaluated_on

)

select
    user_dates.user_id,
    user_dates.team_id,
    user_dates.evaluated_on,
    user_dates.week_start_on,
    user_dates.is_as_of_date,
    user_dates.is_new,
    user_dates.is_login_judged,
    usage_window.login_days,
    usage_window.working_days,
    usage_window.records_created,
    usage_window.active_working_days,
    usage_window.activities_logged,
    usage_window.login_days_this_week > 0 as is_weekly_active,
    pipeline.open_opportunities,
    pipeline.fresh_open_opportunities,
    deals.deals,
    deals.timely_deals,
    -- the five metrics, before comparison with the team
    least(1.0, coalesce({{ flywheel.safe_divide('usage_window.login_days', 'usage_window.working_days') }}, 0)) as login_consistency_metric,
    coalesce({{ flywheel.safe_divide('usage_window.records_created', 'usage_window.login_days') }}, 0) as capture_metric,
    cast(usage_window.activities_logged as {{ flywheel.type_double() }}) as activity_logging_metric,
    {{ flywheel.safe_divide('pipeline.fresh_open_opportunities', 'pipeline.open_opportunities') }} as pipeline_hygiene_metric,
    {{ flywheel.safe_divide('deals.timely_deals', 'deals.deals') }} as timeliness_metric
from user_dates
inner join usage_window
    on user_dates.user_id = usage_window.user_id and user_dates.evaluated_on = usage_window.evaluated_on
inner join pipeline
    on user_dates.user_id = pipeline.user_id and user_dates.evaluated_on = pipeline.evaluated_on
inner join deals
    on user_dates.user_id = deals.user_id and user_dates.evaluated_on = deals.evaluated_on
