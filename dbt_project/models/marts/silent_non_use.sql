-- The list to act on: one row per (user, flag) that holds as of the as-of date, with the numbers
-- behind it and the first date of the unbroken run of weekly checks in which it held. A flag of
-- someone away now or within the usage window (`window_days`) says so in its evidence (dormant
-- already counts only present days, and says how many days away it skipped).
with

flags as (

    select * from {{ ref('int_flag_history') }}

),

users as (

    select * from {{ ref('int_users') }}

),

reporting_dates as (

    select * from {{ ref('int_reporting_dates') }}

),

recent_absences as (

    -- each user's latest time away that is current or ended inside the usage window
    select user_id, start_on, end_on, is_current, holidays
    from (
        select
            absences.*,
            row_number() over (partition by absences.user_id order by absences.start_on desc) as newest_first
        from {{ ref('user_absences') }} as absences
        cross join reporting_dates
        where absences.start_on <= reporting_dates.as_of_date
            and absences.end_on > {{ flywheel.add_days('reporting_dates.as_of_date', -var('window_days')) }}
    ) as ranked
    where newest_first = 1

)

select
    flags.user_id,
    users.user_name,
    users.manager_id,
    users.team_id,
    users.manager_name,
    flags.flag,
    flags.severity,
    flags.metric_value,
    flags.threshold,
    case
        when recent_absences.user_id is not null and flags.flag <> 'dormant' then {{ dbt.concat([
            "flags.evidence", "' — '",
            "case when recent_absences.is_current then 'away since ' else 'was away ' end",
            "case when recent_absences.is_current then " ~ flywheel.as_text('recent_absences.start_on')
                ~ " else " ~ dbt.concat([flywheel.as_text('recent_absences.start_on'), "' to '", flywheel.as_text('recent_absences.end_on')]) ~ " end",
            "case when recent_absences.is_current then " ~ dbt.concat(["', back '", flywheel.as_text(flywheel.add_days('recent_absences.end_on', 1))]) ~ " else '' end",
            "coalesce(" ~ dbt.concat(["' ('", "recent_absences.holidays", "')'"]) ~ ", '')"]) }}
        else flags.evidence
    end as evidence,
    flags.first_flagged_on,
    flags.evaluated_on as as_of_date
from flags
inner join reporting_dates on flags.evaluated_on = reporting_dates.as_of_date
inner join users on flags.user_id = users.user_id
left join recent_absences on flags.user_id = recent_absences.user_id
where flags.is_flagged
