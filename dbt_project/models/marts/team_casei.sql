-- Each team under the five CASEI pillars (manager x week, weeks ending on the as-of date's weekday).
-- A team is a manager's direct reports who are measured users (team_id as in team_adoption: the
-- users without a manager form the team 'no manager'); window = the usage window (`window_days`).
--   culture      100 x mean over members of active working days / present working days in the window
--   agility      mean of touch speed (100 when the median hours from a lead's creation to its first
--                task or event is <= fast_touch_hours, 0 when >= slow_touch_hours, linear between;
--                leads the members own, created in the window and touched by the date; no such lead:
--                0 if some lead went untouched, else 100) and flag resolution (100 x the share of the
--                members' flags opened in the flag_resolution_period_days ending flag_resolution_days
--                before the date that closed within flag_resolution_days; none: 100)
--   sponsorship  the adoption score of the sponsor, the manager's own manager (the manager at the top)
--   engagement   100 x share of members in tier champion or healthy
--   involvement  the manager's own adoption score
-- weakest_pillar: the lowest score (ties: the order above); the team without a manager has no
-- sponsorship or involvement (null), and its weakest is among the other three.
{%- set pillars = var('flywheel_pillars') %}
with

scores as (

    select * from {{ ref('int_user_weekly_scores') }}

),

users as (

    select * from {{ ref('int_users') }}

),

leads as (

    select * from {{ ref('int_lead_trail') }}

),

flags as (

    select * from {{ ref('int_flag_history') }}

),

badges as (

    select * from {{ ref('int_badge_history') }}

),

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

),

activities as (

    select who_id, what_id, created_by_id, created_at from {{ ref('stg_salesforce__tasks') }}
    union all
    select who_id, what_id, created_by_id, created_at from {{ ref('stg_salesforce__events') }}
    where coalesce(show_as, '') <> 'OutOfOffice'

),

opportunities as (

    select opportunity_id, owner_id from {{ ref('stg_salesforce__opportunities') }}

),

time_zones as (

    select * from {{ ref('int_user_time_zones') }}

),

members as (

    select
        scores.team_id,
        scores.evaluated_on,
        count(*) as team_size,
        -- rounded, so that engines summing in another order agree (0.25 on one, 0.24999999999999997 on another)
        {{ flywheel.round_half_up('avg(' ~ flywheel.safe_divide('least(scores.active_working_days, scores.working_days)', 'scores.working_days') ~ ')', 6) }}
            as routine_days_share,
        {{ flywheel.median('scores.adoption_score') }} as team_median_score,
        sum(case when scores.tier in ('champion', 'healthy') then 1 else 0 end) as engaged_members
    from scores
    group by scores.team_id, scores.evaluated_on

),

member_badges as (

    select users.team_id, badges.evaluated_on, count(*) as badges_held
    from badges
    inner join users on badges.user_id = users.user_id
    where badges.is_held
    group by users.team_id, badges.evaluated_on

),

team_leads as (

    -- the members' leads with the hours to their first task or event
    select
        users.team_id,
        leads.created_on,
        leads.first_activity_on as first_touched_on,
        {{ flywheel.safe_divide(dbt.datediff('leads.created_at', 'leads.first_activity_at', 'second'), 3600) }} as hours_to_first_touch
    from leads
    inner join users on leads.owner_id = users.user_id and users.is_measured

),

touch_speed as (

    select
        team_leads.team_id,
        evaluation_dates.evaluated_on,
        {{ flywheel.median('case when team_leads.first_touched_on <= evaluation_dates.evaluated_on then team_leads.hours_to_first_touch end') }}
            as median_hours_to_first_touch,
        sum(case when team_leads.first_touched_on is null or team_leads.first_touched_on > evaluation_dates.evaluated_on
                 then 1 else 0 end) as leads_untouched
    from team_leads
    inner join evaluation_dates
        on team_leads.created_on between evaluation_dates.window_start_on and evaluation_dates.evaluated_on
    group by team_leads.team_id, evaluation_dates.evaluated_on

),

opened_flags as (

    -- each flag opening (not held the week before: a flag already holding at a user's first check
    -- was not seen opening), and whether it closed within flag_resolution_days (weekly checks after it)
    select
        users.team_id,
        opened.evaluated_on as opened_on,
        max(case when later.is_flagged = false then 1 else 0 end) as is_resolved
    from flags as opened
    inner join users on opened.user_id = users.user_id
    inner join flags as week_before
        on week_before.user_id = opened.user_id
        and week_before.flag = opened.flag
        and week_before.evaluated_on = {{ flywheel.add_days('opened.evaluated_on', -7) }}
        and not week_before.is_flagged
    left join flags as later
        on later.user_id = opened.user_id
        and later.flag = opened.flag
        and later.evaluated_on > opened.evaluated_on
        and later.evaluated_on <= {{ flywheel.add_days('opened.evaluated_on', var('flag_resolution_days')) }}
    where opened.is_opened
    group by users.team_id, opened.user_id, opened.flag, opened.evaluated_on

),

flag_resolution as (

    select
        opened_flags.team_id,
        evaluation_dates.evaluated_on,
        count(*) as flags_opened,
        sum(opened_flags.is_resolved) as flags_resolved
    from opened_flags
    inner join evaluation_dates
        on opened_flags.opened_on > {{ flywheel.add_days('evaluation_dates.evaluated_on',
                                        -(var('flag_resolution_days') + var('flag_resolution_period_days'))) }}
        and opened_flags.opened_on <= {{ flywheel.add_days('evaluation_dates.evaluated_on', -var('flag_resolution_days')) }}
    group by opened_flags.team_id, evaluation_dates.evaluated_on

),

manager_touches as (

    -- tasks and events a manager created on a lead or opportunity one of their reports owns
    select
        owners.manager_id as team_id,
        {{ flywheel.local_date('activities.created_at', 'manager_zones.time_zone') }} as created_on
    from activities
    inner join time_zones as manager_zones on activities.created_by_id = manager_zones.user_id
    left join leads on activities.who_id = leads.lead_id
    left join opportunities on activities.what_id = opportunities.opportunity_id
    inner join users as owners on owners.user_id = coalesce(leads.owner_id, opportunities.owner_id)
    where owners.manager_id = activities.created_by_id and owners.is_measured

),

manager_touch_counts as (

    select manager_touches.team_id, evaluation_dates.evaluated_on, count(*) as manager_touched_team_records
    from manager_touches
    inner join evaluation_dates
        on manager_touches.created_on between evaluation_dates.window_start_on and evaluation_dates.evaluated_on
    group by manager_touches.team_id, evaluation_dates.evaluated_on

),

teams as (

    select
        members.team_id,
        managers.user_id as manager_id,
        members.evaluated_on as week_ending_on,
        evaluation_dates.week_start_on,
        evaluation_dates.is_as_of_date as is_current_week,
        coalesce(managers.user_name, 'no manager in Salesforce') as manager_name,
        members.team_size,
        members.team_median_score,
        -- culture
        members.routine_days_share,
        -- agility
        touch_speed.median_hours_to_first_touch,
        cast(coalesce(touch_speed.leads_untouched, 0) as {{ dbt.type_bigint() }}) as leads_untouched,
        coalesce({{ flywheel.safe_divide('flag_resolution.flags_resolved', 'flag_resolution.flags_opened') }}, 1.0)
            as flags_resolved_share,
        coalesce(flag_resolution.flags_opened, 0) as flags_opened,
        -- sponsorship: the manager's manager, or the manager themselves at the top
        case when managers.user_id is not null then coalesce(managers.manager_id, managers.user_id) end as sponsor_id,
        -- engagement
        cast(members.engaged_members as {{ dbt.type_bigint() }}) as engaged_members,
        coalesce(member_badges.badges_held, 0) as badges_held,
        -- involvement
        manager_scores.adoption_score as manager_score,
        case when managers.user_id is not null then coalesce(manager_touch_counts.manager_touched_team_records, 0) end
            as manager_touched_team_records
    from members
    -- weeks before LoginHistory's horizon have no scores to weigh (int_evaluation_dates)
    inner join evaluation_dates
        on members.evaluated_on = evaluation_dates.evaluated_on and evaluation_dates.is_login_judged
    left join users as managers on members.team_id = managers.user_id
    left join scores as manager_scores
        on members.team_id = manager_scores.user_id and members.evaluated_on = manager_scores.evaluated_on
    left join touch_speed
        on members.team_id = touch_speed.team_id and members.evaluated_on = touch_speed.evaluated_on
    left join flag_resolution
        on members.team_id = flag_resolution.team_id and members.evaluated_on = flag_resolution.evaluated_on
    left join member_badges
        on members.team_id = member_badges.team_id and members.evaluated_on = member_badges.evaluated_on
    left join manager_touch_counts
        on members.team_id = manager_touch_counts.team_id and members.evaluated_on = manager_touch_counts.evaluated_on

),

pillar_scores as (

    select
        teams.*,
        sponsor_scores.adoption_score as sponsor_score,
        {{ flywheel.round_half_up('100.0 * coalesce(teams.routine_days_share, 0)', 1) }} as culture_score,
        {%- set agility -%}
        (
            case
                when teams.median_hours_to_first_touch is null
                    then case when teams.leads_untouched > 0 then 0.0 else 100.0 end
                else greatest(0.0, least(100.0, 100.0 * ({{ var('slow_touch_hours') }} - teams.median_hours_to_first_touch)
                                                   / ({{ var('slow_touch_hours') }} - {{ var('fast_touch_hours') }})))
            end
            + 100.0 * teams.flags_resolved_share
        ) / 2
        {%- endset %}
        {{ flywheel.round_half_up(agility, 1) }} as agility_score,
        {{ flywheel.round_half_up('sponsor_scores.adoption_score', 1) }} as sponsorship_score,
        {{ flywheel.round_half_up(flywheel.safe_divide('100.0 * teams.engaged_members', 'teams.team_size'), 1) }} as engagement_score,
        {{ flywheel.round_half_up('teams.manager_score', 1) }} as involvement_score
    from teams
    left join scores as sponsor_scores
        on teams.sponsor_id = sponsor_scores.user_id and teams.week_ending_on = sponsor_scores.evaluated_on

),

weakest as (

    select
        *,
        case
            {%- for pillar in pillars %}
            when {{ pillar }}_score is not null and {{ pillar }}_score = least(
                {%- for other in pillars %}coalesce({{ other }}_score, 1000){{ ', ' if not loop.last }}{% endfor -%}
            ) then '{{ pillar }}'
            {%- endfor %}
        end as weakest_pillar
    from pillar_scores

)

select
    team_id,
    manager_id,
    week_ending_on,
    week_start_on,
    is_current_week,
    manager_name,
    team_size,
    {%- for pillar in pillars %}
    {{ pillar }}_score,
    {%- endfor %}
    weakest_pillar,
    case weakest_pillar
        when 'culture' then coalesce({{ dbt.concat([
            "'weakest: culture — members logged in and recorded work on '",
            flywheel.as_percent_text('routine_days_share'),
            "' of their working days in the last " ~ var('window_days') ~ " days'"]) }},
            'weakest: culture — the last {{ var("window_days") }} days hold no working day of the history yet, so no routine shows')
        when 'agility' then {{ dbt.concat([
            "'weakest: agility — '",
            "coalesce(" ~ dbt.concat(["'a median of '", flywheel.as_text(flywheel.round_half_up('median_hours_to_first_touch', 1)),
                                      "' hours from a new lead to its first task or event, '"]) ~ ", 'no new lead touched, ')",
            flywheel.as_text('leads_untouched'), "' new leads untouched, '",
            flywheel.as_percent_text('flags_resolved_share'), "' of '", flywheel.as_text('flags_opened'),
            "' flags closed within " ~ var('flag_resolution_days') ~ " days'"]) }}
        when 'sponsorship' then {{ dbt.concat([
            flywheel.text_literal("weakest: sponsorship — the sponsor's own score is "), flywheel.as_text('sponsorship_score'),
            flywheel.text_literal(" while the team's median is "), flywheel.as_text(flywheel.round_half_up('team_median_score', 1))]) }}
        when 'engagement' then {{ dbt.concat([
            "'weakest: engagement — '", flywheel.as_text('engaged_members'), "' of '", flywheel.as_text('team_size'),
            "' members are champion or healthy'"]) }}
        when 'involvement' then {{ dbt.concat([
            flywheel.text_literal("weakest: involvement — the manager's own score is "), flywheel.as_text('involvement_score'),
            flywheel.text_literal(" while the team's median is "), flywheel.as_text(flywheel.round_half_up('team_median_score', 1)),
            "', with '", flywheel.as_text('manager_touched_team_records'),
            flywheel.text_literal(" tasks or events on the team's leads and deals in the last " ~ var('window_days') ~ " days")]) }}
    end as evidence,
    -- the inputs behind each pillar
    routine_days_share,
    median_hours_to_first_touch,
    leads_untouched,
    flags_resolved_share,
    flags_opened,
    sponsor_id,
    sponsor_score,
    engaged_members,
    badges_held,
    manager_score,
    manager_touched_team_records,
    {{ flywheel.round_half_up('team_median_score', 1) }} as team_median_score
from weakest
