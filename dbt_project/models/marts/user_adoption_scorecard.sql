-- Weekly status per measured user (user x week, weeks ending on the as-of date's weekday):
-- the 0-100 adoption score, its tier, the five parts and the change since last week, and
-- whether the user is away (on leave, or on a holiday) on the week's last day. Weeks before
-- LoginHistory's horizon have no score and no tier, and say why (not_scored_because).
with

scores as (

    select * from {{ ref('int_user_weekly_scores') }}

),

users as (

    select * from {{ ref('int_users') }}

),

absence_days as (

    select * from {{ ref('int_user_absence_days') }}

),

streaks as (

    select * from {{ ref('int_user_streaks') }}

),

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

)

select
    scores.user_id,
    scores.week_start_on,
    scores.evaluated_on as week_ending_on,
    users.user_name,
    users.manager_id,
    users.team_id,
    users.manager_name,
    users.user_role_name,
    scores.is_new,
    scores.adoption_score,
    scores.tier,
    -- why a week has no score or tier (before LoginHistory's horizon); null when it has
    evaluation_dates.not_judged_because as not_scored_because,
    scores.score_change,
    lag(scores.tier) over (partition by scores.user_id order by scores.evaluated_on) as previous_tier,
    scores.critical_flags,
    -- the five parts (0..1, relative to the team median)
    scores.login_consistency_part,
    scores.capture_part,
    scores.activity_logging_part,
    scores.pipeline_hygiene_part,
    scores.timeliness_part,
    -- the numbers behind them
    cast(scores.login_days as {{ dbt.type_bigint() }}) as login_days,
    cast(scores.working_days as {{ dbt.type_bigint() }}) as working_days,
    cast(scores.records_created as {{ dbt.type_bigint() }}) as records_created,
    cast(scores.activities_logged as {{ dbt.type_bigint() }}) as activities_logged,
    scores.open_opportunities,
    cast(scores.fresh_open_opportunities as {{ dbt.type_bigint() }}) as fresh_open_opportunities,
    scores.deals,
    cast(scores.timely_deals as {{ dbt.type_bigint() }}) as timely_deals,
    scores.is_weekly_active,
    scores.is_as_of_date as is_current_week,
    -- away on the week's last day (the as-of date, for the current week)
    absence_days.date_day is not null as is_on_leave,
    -- streaks of active working days (an interactive login and a record) and active weeks
    cast(coalesce(streaks.current_streak_days, 0) as {{ dbt.type_bigint() }}) as current_streak_days,
    cast(coalesce(streaks.longest_streak_days, 0) as {{ dbt.type_bigint() }}) as longest_streak_days,
    cast(coalesce(streaks.current_streak_weeks, 0) as {{ dbt.type_bigint() }}) as current_streak_weeks
from scores
inner join users on scores.user_id = users.user_id
inner join evaluation_dates on scores.evaluated_on = evaluation_dates.evaluated_on
left join absence_days
    on scores.user_id = absence_days.user_id and scores.evaluated_on = absence_days.date_day
left join streaks
    on scores.user_id = streaks.user_id and scores.evaluated_on = streaks.evaluated_on
