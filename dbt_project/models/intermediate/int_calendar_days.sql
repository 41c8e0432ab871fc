-- The calendar: one row per date from the calendar start to the as-of date. Every person's days
-- are these dates on their own calendar (int_user_time_zones); is_working_weekday says the date
-- is one of the `working_weekdays` (holidays are each person's: int_user_days).
with

reporting_dates as (

    select * from {{ ref('int_reporting_dates') }}

),

days as (

    {{ flywheel.day_series(
        '(select calendar_start_date from ' ~ ref('int_reporting_dates') ~ ')',
        '(select as_of_date from ' ~ ref('int_reporting_dates') ~ ')') }}

)

select
    days.date_day,
    {{ flywheel.is_working_weekday('days.date_day') }} as is_working_weekday,
    -- weeks end on the as-of date's weekday, so the last week is exactly the 7 days up to as-of
    {{ flywheel.add_days('reporting_dates.as_of_date',
        '-7 * cast(floor(' ~ flywheel.days_between('days.date_day', 'reporting_dates.as_of_date') ~ ' / 7.0) as ' ~ dbt.type_int() ~ ')') }} as week_ending_on
from days
cross join reporting_dates
