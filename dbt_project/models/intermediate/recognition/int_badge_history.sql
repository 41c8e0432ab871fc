-- Every badge (the var flywheel_badges) evaluated for every measured user on every evaluation date:
-- one row per user x date x badge, held or not, with the number behind it, its threshold and an
-- evidence sentence (user_recognition adds when the current holding began). Only users past
-- onboarding can hold a badge, none before LoginHistory's horizon (int_evaluation_dates), and a
-- user holding a critical flag holds none that week
-- (integration and excluded users are not measured at all).
--   steady_hand      current_streak_weeks >= streak_badge_weeks (4)
--   iron_streak      current_streak_days >= streak_badge_days (20)
--   clean_trail      >= clean_trail_min_opportunities (3) new-business opportunities created in the
--                    deal window, every one with a lead trail
--   pipeline_keeper  >= pipeline_keeper_min_open (3) open opportunities, none stale
--   comeback         held a flag comeback_days (28) before, holds none now, tier not silent
--   most_improved    the team member (ties: all) with the largest score gain over the last
--                    most_improved_weeks (4) weekly scores, if >= most_improved_min_gain (15)
with

user_dates as (

    select * from {{ ref('int_user_evaluation_dates') }}

),

scores as (

    select * from {{ ref('int_user_weekly_scores') }}

),

streaks as (

    select * from {{ ref('int_user_streaks') }}

),

new_business as (

    select * from {{ ref('int_flag_unlogged_leads') }}

),

flags as (

    select * from {{ ref('int_flag_history') }}

),

flags_held as (

    select user_id, evaluated_on, sum(case when is_flagged then 1 else 0 end) as flags_held
    from flags
    group by user_id, evaluated_on

),

score_gains as (

    select
        user_id,
        team_id,
        evaluated_on,
        adoption_score,
        lag(adoption_score, {{ var('most_improved_weeks') - 1 }}) over (
            partition by user_id order by evaluated_on) as score_weeks_before,
        lag(evaluated_on, {{ var('most_improved_weeks') - 1 }}) over (
            partition by user_id order by evaluated_on) as scored_weeks_before_on
    from scores

),

facts as (

    select
        user_dates.user_id,
        user_dates.team_id,
        user_dates.evaluated_on,
        not user_dates.is_new and scores.critical_flags = 0 and user_dates.is_login_judged as can_earn,
        scores.adoption_score,
        scores.tier,
        scores.open_opportunities,
        scores.fresh_open_opportunities,
        coalesce(streaks.current_streak_days, 0) as current_streak_days,
        streaks.current_streak_started_on,
        coalesce(streaks.current_streak_weeks, 0) as current_streak_weeks,
        coalesce(new_business.new_business_opportunities, 0) as new_business_opportunities,
        coalesce(new_business.without_lead_trail, 0) as without_lead_trail,
        coalesce(flags_held.flags_held, 0) as flags_held,
        earlier_flags.flags_held as flags_held_before,
        -- a gain only over a full run of weekly scores exactly that many weeks long
        case when score_gains.scored_weeks_before_on
                  = {{ flywheel.add_days('user_dates.evaluated_on', -7 * (var('most_improved_weeks') - 1)) }}
             then score_gains.adoption_score - score_gains.score_weeks_before end as score_gain,
        score_gains.score_weeks_before
    from user_dates
    inner join scores
        on user_dates.user_id = scores.user_id and user_dates.evaluated_on = scores.evaluated_on
    inner join score_gains
        on user_dates.user_id = score_gains.user_id and user_dates.evaluated_on = score_gains.evaluated_on
    left join streaks
        on user_dates.user_id = streaks.user_id and user_dates.evaluated_on = streaks.evaluated_on
    left join new_business
        on user_dates.user_id = new_business.user_id and user_dates.evaluated_on = new_business.evaluated_on
    left join flags_held
        on user_dates.user_id = flags_held.user_id and user_dates.evaluated_on = flags_held.evaluated_on
    left join flags_held as earlier_flags
        on user_dates.user_id = earlier_flags.user_id
        and earlier_flags.evaluated_on = {{ flywheel.add_days('user_dates.evaluated_on', -var('comeback_days')) }}

),

team_best_gains as (

    -- the largest gain in each team among the members who can earn a badge that week
    select team_id, evaluated_on, max(score_gain) as best_gain
    from facts
    where can_earn
    group by team_id, evaluated_on

),

facts_with_team as (

    select facts.*, team_best_gains.best_gain
    from facts
    left join team_best_gains
        on facts.team_id = team_best_gains.team_id and facts.evaluated_on = team_best_gains.evaluated_on

),

badges as (

    select
        user_id, evaluated_on, 'steady_hand' as badge,
        can_earn and current_streak_weeks >= {{ var('streak_badge_weeks') }} as is_held,
        cast(current_streak_weeks as {{ flywheel.type_double() }}) as metric_value,
        cast({{ var('streak_badge_weeks') }} as {{ flywheel.type_double() }}) as threshold,
        {{ dbt.concat(["'recorded work on at least " ~ var('active_week_min_days') ~ " working days a week for '",
                       flywheel.as_text('current_streak_weeks'), "' weeks in a row'"]) }} as evidence
    from facts_with_team

    union all

    select
        user_id, evaluated_on, 'iron_streak' as badge,
        can_earn and current_streak_days >= {{ var('streak_badge_days') }} as is_held,
        cast(current_streak_days as {{ flywheel.type_double() }}) as metric_value,
        cast({{ var('streak_badge_days') }} as {{ flywheel.type_double() }}) as threshold,
        {{ dbt.concat(["'logged in and recorded work on '", flywheel.as_text('current_streak_days'),
                       "' working days in a row, since '",
                       "coalesce(" ~ flywheel.as_text('current_streak_started_on') ~ ", '-')"]) }} as evidence
    from facts_with_team

    union all

    select
        user_id, evaluated_on, 'clean_trail' as badge,
        can_earn and new_business_opportunities >= {{ var('clean_trail_min_opportunities') }}
            and without_lead_trail = 0 as is_held,
        cast(new_business_opportunities as {{ flywheel.type_double() }}) as metric_value,
        cast({{ var('clean_trail_min_opportunities') }} as {{ flywheel.type_double() }}) as threshold,
        {{ dbt.concat(["'all '", flywheel.as_text('new_business_opportunities'),
                       "' new-business opportunities created in the last " ~ var('deal_window_days')
                       ~ " days have a lead trail (a converted lead or an earlier task or event)'"]) }} as evidence
    from facts_with_team

    union all

    select
        user_id, evaluated_on, 'pipeline_keeper' as badge,
        can_earn and open_opportunities >= {{ var('pipeline_keeper_min_open') }}
            and fresh_open_opportunities = open_opportunities as is_held,
        cast(open_opportunities as {{ flywheel.type_double() }}) as metric_value,
        cast({{ var('pipeline_keeper_min_open') }} as {{ flywheel.type_double() }}) as threshold,
        {{ dbt.concat(["'all '", flywheel.as_text('open_opportunities'),
                       "' open opportunities are current: none past its close date or left unmodified for "
                       ~ var('stale_days') ~ " days'"]) }} as evidence
    from facts_with_team

    union all

    select
        user_id, evaluated_on, 'comeback' as badge,
        can_earn and coalesce(flags_held_before, 0) > 0 and flags_held = 0 and tier <> 'silent' as is_held,
        cast(coalesce(flags_held_before, 0) as {{ flywheel.type_double() }}) as metric_value,
        cast(1 as {{ flywheel.type_double() }}) as threshold,
        {{ dbt.concat(["'held '", flywheel.as_text('coalesce(flags_held_before, 0)'),
                       "' flag(s) " ~ var('comeback_days') ~ " days ago and holds none now (score '",
                       flywheel.as_text('adoption_score'), "', tier '", "tier", "')'"]) }} as evidence
    from facts_with_team

    union all

    select
        user_id, evaluated_on, 'most_improved' as badge,
        can_earn and coalesce(score_gain >= {{ var('most_improved_min_gain') }} and score_gain = best_gain, false) as is_held,
        score_gain as metric_value,
        cast({{ var('most_improved_min_gain') }} as {{ flywheel.type_double() }}) as threshold,
        {{ dbt.concat(["'score rose by '", "coalesce(" ~ flywheel.as_text(flywheel.round_half_up('score_gain', 1)) ~ ", '-')",
                       "' points over the last " ~ var('most_improved_weeks') ~ " weekly scores (from '",
                       "coalesce(" ~ flywheel.as_text('score_weeks_before') ~ ", '-')", "' to '",
                       flywheel.as_text('adoption_score'), "'), the most in the team'"]) }} as evidence
    from facts_with_team

)

select * from badges
