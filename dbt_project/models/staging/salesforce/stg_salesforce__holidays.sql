-- The org's holidays (Setup > Holidays): the current version of each, soft-deleted ones removed,
-- renamed and cast. An org without the object has an empty raw table (said in the extraction's
-- metadata). int_holiday_days turns them into dates.
with

source as (

    select {{ salesforce_columns(source('salesforce', 'holiday'), [
        ['Id', 'string'], ['Name', 'string'], ['IsAllDay', 'boolean'], ['ActivityDate', 'date'],
        ['IsRecurrence', 'boolean'], ['RecurrenceType', 'string'], ['RecurrenceStartDate', 'date'],
        ['RecurrenceEndDateOnly', 'date'], ['RecurrenceDayOfMonth', 'integer'], ['RecurrenceMonthOfYear', 'string'],
        ['RecurrenceInstance', 'string'], ['RecurrenceDayOfWeekMask', 'integer'],
        ['SystemModstamp', 'timestamp'], ['IsDeleted', 'boolean'], ['_flywheel_synced_at', 'timestamp'],
    ]) }}
    from {{ source('salesforce', 'holiday') }}

),

renamed as (

    select
        -- ids
        Id as holiday_id,

        -- strings
        Name as holiday_name,
        RecurrenceType as recurrence_type,
        RecurrenceMonthOfYear as recurrence_month_of_year,
        RecurrenceInstance as recurrence_instance,

        -- numbers
        RecurrenceDayOfMonth as recurrence_day_of_month,
        RecurrenceDayOfWeekMask as recurrence_day_of_week_mask,

        -- booleans
        coalesce(IsAllDay, false) as is_all_day,
        coalesce(IsRecurrence, false) as is_recurrence,

        -- dates
        ActivityDate as activity_date,
        RecurrenceStartDate as recurrence_start_date,
        RecurrenceEndDateOnly as recurrence_end_date,

        -- timestamps (UTC)
        SystemModstamp as system_modstamp,
        _flywheel_synced_at as synced_at

    from source
    where not coalesce(IsDeleted, false)

)

select * from renamed
