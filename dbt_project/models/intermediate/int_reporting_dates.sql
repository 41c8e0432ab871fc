-- The as-of date and the calendar every mart is computed on (one row).
-- as_of_date: the `as_of_date` var, or by default the UTC date of the newest LoginHistory.LoginTime,
-- so a replayed or historical org is judged as of its own last day; with no LoginHistory at all
-- (an empty org), today.
-- The calendar runs from the earliest login or created record to the as-of date, but never more
-- than `history_days` days back.
with

logins as (

    select * from {{ ref('int_logins') }}

),

records as (

    select * from {{ ref('int_records_created') }}

),

newest_login as (

    select
        {% if var('as_of_date') %}
        cast('{{ var("as_of_date") }}' as date) as as_of_date,
        {% else %}
        coalesce(max(login_date), current_date) as as_of_date,
        {% endif %}
        min(login_date) as first_login_date
    from logins

),

first_record as (

    select min(created_on) as first_record_date from records

),

dates as (

    select
        newest_login.as_of_date,
        case
            when {{ flywheel.days_between(
                    "least(coalesce(first_login_date, newest_login.as_of_date), coalesce(first_record_date, newest_login.as_of_date))",
                    'newest_login.as_of_date') }} >= {{ var('history_days') }}
            then {{ flywheel.add_days('newest_login.as_of_date', 1 - var('history_days')) }}
            else least(coalesce(first_login_date, newest_login.as_of_date), coalesce(first_record_date, newest_login.as_of_date))
        end as calendar_start_date
    from newest_login
    cross join first_record

)

select
    as_of_date,
    calendar_start_date,
    -- trailing windows that include the as-of date
    {{ flywheel.add_days('as_of_date', 1 - var('window_days')) }} as window_start_date,
    {{ flywheel.add_days('as_of_date', 1 - var('deal_window_days')) }} as deal_window_start_date
from dates
