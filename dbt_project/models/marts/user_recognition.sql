-- What to celebrate: one row per (user, badge) held as of the as-of date, with the number behind
-- it, its threshold, the evidence and earned_on, the first weekly check of the current unbroken
-- holding: the first check it was held after the last one it was not (int_badge_history holds the
-- rules; an aggregate, not a window over the whole history, keeps the run cheap).
with

badges as (

    select * from {{ ref('int_badge_history') }}

),

users as (

    select * from {{ ref('int_users') }}

),

reporting_dates as (

    select * from {{ ref('int_reporting_dates') }}

),

last_not_held as (

    select user_id, badge, max(case when not is_held then evaluated_on end) as last_not_held_on
    from badges
    group by user_id, badge

),

holdings as (

    select badges.user_id, badges.badge, min(badges.evaluated_on) as earned_on
    from badges
    inner join last_not_held
        on badges.user_id = last_not_held.user_id and badges.badge = last_not_held.badge
    where badges.is_held and badges.evaluated_on > coalesce(last_not_held.last_not_held_on, cast('1900-01-01' as date))
    group by badges.user_id, badges.badge

)

select
    badges.user_id,
    users.user_name,
    users.manager_id,
    users.team_id,
    users.manager_name,
    badges.badge,
    holdings.earned_on,
    badges.metric_value,
    badges.threshold,
    badges.evidence,
    badges.evaluated_on as as_of_date
from badges
inner join reporting_dates on badges.evaluated_on = reporting_dates.as_of_date
inner join users on badges.user_id = users.user_id
inner join holdings on badges.user_id = holdings.user_id and badges.badge = holdings.badge
where badges.is_held
