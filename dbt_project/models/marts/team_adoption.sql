-- Team rollups (manager x week): the team's scores and tiers, with the manager's own score beside
-- them (leaders who do not use the CRM themselves are the first cause of teams that don't).
-- Users without a manager in Salesforce (ManagerId empty, and the top of every hierarchy) form one
-- team of their own: manager_id null, named 'no manager in Salesforce', so every flag has a team.
with

scorecard as (

    select * from {{ ref('user_adoption_scorecard') }}

),

users as (

    select * from {{ ref('int_users') }}

),

flags as (

    select * from {{ ref('int_flag_history') }}

),

open_flags as (

    select user_id, evaluated_on, count(*) as open_flags
    from flags
    where is_flagged
    group by user_id, evaluated_on

),

team_weeks as (

    select
        users.team_id,
        scorecard.manager_id,
        scorecard.week_ending_on,
        min(scorecard.week_start_on) as week_start_on,
        count(*) as team_members,
        avg(scorecard.adoption_score) as team_average_score,
        {{ flywheel.median('scorecard.adoption_score') }} as team_median_score,
        sum(case when scorecard.tier = 'champion' then 1 else 0 end) as champions,
        sum(case when scorecard.tier = 'healthy' then 1 else 0 end) as healthy_members,
        sum(case when scorecard.tier = 'at_risk' then 1 else 0 end) as at_risk_members,
        sum(case when scorecard.tier = 'silent' then 1 else 0 end) as silent_members,
        sum(case when scorecard.is_weekly_active then 1 else 0 end) as weekly_active_members,
        coalesce(sum(open_flags.open_flags), 0) as open_flags
    from scorecard
    left join open_flags
        on scorecard.user_id = open_flags.user_id and scorecard.week_ending_on = open_flags.evaluated_on
    inner join users on scorecard.user_id = users.user_id
    group by users.team_id, scorecard.manager_id, scorecard.week_ending_on

)

select
    team_weeks.team_id,
    team_weeks.manager_id,
    team_weeks.week_ending_on,
    team_weeks.week_start_on,
    case
        when team_weeks.manager_id is null then 'no manager in Salesforce'
        else managers.user_name
    end as manager_name,
    managers.user_role_name as manager_role_name,
    team_weeks.team_members,
    {{ flywheel.round_half_up('team_weeks.team_average_score', 1) }} as team_average_score,
    {{ flywheel.round_half_up('team_weeks.team_median_score', 1) }} as team_median_score,
    cast(team_weeks.champions as {{ dbt.type_bigint() }}) as champions,
    cast(team_weeks.healthy_members as {{ dbt.type_bigint() }}) as healthy_members,
    cast(team_weeks.at_risk_members as {{ dbt.type_bigint() }}) as at_risk_members,
    cast(team_weeks.silent_members as {{ dbt.type_bigint() }}) as silent_members,
    {{ flywheel.safe_divide('team_weeks.silent_members', 'team_weeks.team_members') }} as silent_share,
    cast(team_weeks.weekly_active_members as {{ dbt.type_bigint() }}) as weekly_active_members,
    cast(team_weeks.open_flags as {{ dbt.type_bigint() }}) as open_flags,
    -- the manager's own use of the CRM (null when the manager is not measured)
    manager_scores.adoption_score as manager_score,
    manager_scores.tier as manager_tier,
    manager_scores.adoption_score - team_weeks.team_median_score as manager_score_minus_team_median
from team_weeks
left join users as managers on team_weeks.manager_id = managers.user_id
left join scorecard as manager_scores
    on team_weeks.manager_id = manager_scores.user_id
    and team_weeks.week_ending_on = manager_scores.week_ending_on
