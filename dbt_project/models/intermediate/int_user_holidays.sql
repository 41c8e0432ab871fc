-- The holidays of each measured user (int_holiday_days): one row per user, date, holiday and
-- source. A holiday without a country covers everyone; one with a country, the users whose
-- User.Country is it (case and surrounding spaces aside). A holiday is an absence day of the user
-- (int_absence_spans) and not one of their working days (int_user_days).
with

users as (

    select user_id, country from {{ ref('int_users') }}
    where is_measured

),

holidays as (

    select * from {{ ref('int_holiday_days') }}

)

select distinct users.user_id, holidays.date_day, holidays.holiday_name, holidays.source
from holidays
inner join users
    on holidays.country is null
    or lower(trim(holidays.country)) = lower(trim(users.country))
