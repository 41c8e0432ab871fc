-- What to celebrate: one row per (user, badge) held as of the as-of date, with the number behind
-- it, its threshold, the evidence and earned_on, the first weekly check of the current unbroken
-- holding (int_badge_history holds the rules).
with

badges as (

    select * from {{ ref('int_badge_history') }}

),

users as (

    select * from {{ ref('int_users') }}

),

reporting_dates as (

    select * from {{ ref('int_reporting_dates') }}

)

select
    badges.user_id,
    users.user_name,
    users.manager_id,
    badges.badge,
    badges.earned_on,
    badges.metric_value,
    badges.threshold,
    badges.evidence,
    badges.evaluated_on as as_of_date
from badges
inner join reporting_dates on badges.evaluated_on = reporting_dates.as_of_date
inner join users on badges.user_id = users.user_id
where badges.is_held
