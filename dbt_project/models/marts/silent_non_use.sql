-- The list to act on: one row per (user, flag) that holds as of the as-of date, with the numbers
-- behind it and the first date of the unbroken run of weekly checks in which it held.
with

flags as (

    select * from {{ ref('int_flag_history') }}

),

users as (

    select * from {{ ref('int_users') }}

),

reporting_dates as (

    select * from {{ ref('int_reporting_dates') }}

)

select
    flags.user_id,
    users.user_name,
    users.manager_id,
    flags.flag,
    flags.severity,
    flags.metric_value,
    flags.threshold,
    flags.evidence,
    flags.first_flagged_on,
    flags.evaluated_on as as_of_date
from flags
inner join reporting_dates on flags.evaluated_on = reporting_dates.as_of_date
inner join users on flags.user_id = users.user_id
where flags.is_flagged
