-- The as-of date and the calendar every mart is computed on (one row).
-- as_of_date: the `as_of_date` var, or by default the last complete day: the day before the UTC date
-- of Salesforce's own clock when the run read LoginHistory (stg_salesforce__sync_state, the `Date`
-- header of its answers), or the UTC date of the newest LoginHistory.LoginTime when that is earlier
-- (a historical or replayed org is judged as of its own last day). Without a clock reading, the
-- newest login's date; with no LoginHistory at all (an empty org), the day before today.
-- Each person is judged on their own dates up to and including it; what they did on later dates of
-- theirs waits for the next run.
-- The calendar runs from the earliest login or created record (on their people's calendars) to the
-- as-of date, but never more than `history_days` days back.
-- LoginHistory's horizon: Salesforce keeps about six months of it. Login-based judgements are made
-- only for dates at least `dormant_days` after the earliest stored LoginTime, on its user's calendar
-- (`logins_judged_from`).
with

logins as (

    select * from {{ ref('int_logins') }}

),

records as (

    select * from {{ ref('int_records_created') }}

),

clock as (

    select max(salesforce_clock) as salesforce_clock
    from {{ ref('stg_salesforce__sync_state') }}
    where object_name = 'LoginHistory'

),

login_range as (

    select
        max({{ flywheel.utc_date('login_at') }}) as newest_login_utc_date,
        min(login_date) as first_login_date
    from logins

),

as_of as (

    select
        {% if var('as_of_date') %}
        cast('{{ var("as_of_date") }}' as date) as as_of_date,
        'the as_of_date var' as as_of_date_source,
        {% else %}
        coalesce(
            least({{ flywheel.add_days(flywheel.utc_date('clock.salesforce_clock'), -1) }}, login_range.newest_login_utc_date),
            login_range.newest_login_utc_date,
            {{ flywheel.add_days('current_date', -1) }}
        ) as as_of_date,
        case
            when clock.salesforce_clock is not null
                and coalesce({{ flywheel.add_days(flywheel.utc_date('clock.salesforce_clock'), -1) }}
                             <= login_range.newest_login_utc_date, true)
                then 'the last complete day by the Salesforce clock'
            when login_range.newest_login_utc_date is not null then 'the date of the newest login'
            else 'the day before today (no LoginHistory)'
        end as as_of_date_source,
        {% endif %}
        clock.salesforce_clock,
        login_range.first_login_date
    from login_range
    cross join clock

),

first_record as (

    select min(created_on) as first_record_date from records

),

dates as (

    select
        as_of.*,
        case
            when {{ flywheel.days_between(
                    "least(coalesce(first_login_date, as_of.as_of_date), coalesce(first_record_date, as_of.as_of_date))",
                    'as_of.as_of_date') }} >= {{ var('history_days') }}
            then {{ flywheel.add_days('as_of.as_of_date', 1 - var('history_days')) }}
            else least(coalesce(first_login_date, as_of.as_of_date), coalesce(first_record_date, as_of.as_of_date))
        end as calendar_start_date
    from as_of
    cross join first_record

)

select
    as_of_date,
    as_of_date_source,
    salesforce_clock,
    calendar_start_date,
    -- trailing windows that include the as-of date
    {{ flywheel.add_days('as_of_date', 1 - var('window_days')) }} as window_start_date,
    {{ flywheel.add_days('as_of_date', 1 - var('deal_window_days')) }} as deal_window_start_date,
    -- LoginHistory's horizon: login-based judgements from this date on (none without LoginHistory);
    -- the first date the stored logins cover on anyone's calendar
    first_login_date as login_history_starts_on,
    {{ flywheel.add_days('first_login_date', var('dormant_days')) }} as logins_judged_from
from dates
