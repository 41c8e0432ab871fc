-- Every holiday date from the calendar's start to a year past the as-of date (so a holiday that is
-- on now shows where it ends): the org's Holiday records and the holidays file's rows, one row per
-- date, holiday and source. `country` is null for a holiday of everyone, else the User.Country it
-- covers (the file's rows; Holiday records are company-wide).
--   Holiday records: all-day ones only (a holiday of some hours is no day off); a date
--   (ActivityDate), or a yearly recurrence between RecurrenceStartDate and RecurrenceEndDateOnly:
--   RecursYearly on RecurrenceDayOfMonth of RecurrenceMonthOfYear, RecursYearlyNth on the
--   RecurrenceInstance (First … Fourth, Last) weekday of RecurrenceDayOfWeekMask in that month.
--   Other recurrences (daily, weekly, monthly) are not holidays and mark no date.
{%- set months = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september',
                  'october', 'november', 'december'] %}
{%- set instances = {'first': 1, 'second': 2, 'third': 3, 'fourth': 4} %}
with

days as (

    {{ flywheel.day_series(
        '(select calendar_start_date from ' ~ ref('int_reporting_dates') ~ ')',
        flywheel.add_days('(select as_of_date from ' ~ ref('int_reporting_dates') ~ ')', 365)) }}

),

calendar as (

    select
        date_day,
        extract(month from date_day) as month_number,
        extract(day from date_day) as day_of_month,
        -- RecurrenceDayOfWeekMask's bit for the weekday: Sunday 1, Monday 2, … Saturday 64
        case {{ flywheel.iso_weekday('date_day') }} when 7 then 1
            {%- for day in range(1, 7) %} when {{ day }} then {{ 2 ** day }}{% endfor %} end as weekday_bit,
        -- the weekday's instance in its month: 1 for days 1-7, 2 for 8-14, …; and whether it is the last
        cast(floor((extract(day from date_day) - 1) / 7) as {{ dbt.type_int() }}) + 1 as weekday_instance,
        extract(month from {{ flywheel.add_days('date_day', 7) }}) <> extract(month from date_day) as is_last_instance
    from days

),

holidays as (

    select
        *,
        case lower(recurrence_month_of_year)
            {%- for month in months %} when '{{ month }}' then {{ loop.index }}{% endfor %}
        end as recurrence_month_number,
        case lower(recurrence_instance)
            {%- for name, number in instances.items() %} when '{{ name }}' then {{ number }}{% endfor %}
        end as recurrence_instance_number
    from {{ ref('stg_salesforce__holidays') }}
    where is_all_day

),

salesforce_holidays as (

    select calendar.date_day, holidays.holiday_name, cast(null as {{ dbt.type_string() }}) as country, 'holiday' as source
    from holidays
    inner join calendar
        on (not holidays.is_recurrence and calendar.date_day = holidays.activity_date)
        or (
            holidays.is_recurrence
            and calendar.month_number = holidays.recurrence_month_number
            and calendar.date_day >= coalesce(holidays.recurrence_start_date, calendar.date_day)
            and calendar.date_day <= coalesce(holidays.recurrence_end_date, calendar.date_day)
            and (
                (holidays.recurrence_type = 'RecursYearly'
                    and calendar.day_of_month = holidays.recurrence_day_of_month)
                or (holidays.recurrence_type = 'RecursYearlyNth'
                    and (holidays.recurrence_day_of_week_mask & calendar.weekday_bit) > 0
                    and (calendar.weekday_instance = holidays.recurrence_instance_number
                         or (lower(holidays.recurrence_instance) = 'last' and calendar.is_last_instance)))
            )
        )

),

file_holidays as (

    select calendar.date_day, file_rows.holiday_name, file_rows.country, file_rows.source
    from {{ ref('stg_absences__holidays') }} as file_rows
    inner join calendar on calendar.date_day between file_rows.start_date and file_rows.end_date

),

all_holidays as (

    select * from salesforce_holidays
    union all
    select * from file_holidays

)

select distinct date_day, coalesce(holiday_name, 'a holiday') as holiday_name, country, source
from all_holidays
