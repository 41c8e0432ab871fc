-- What changed in the silent list, week by week: one row per (user, flag, week) in which the flag
-- opened (holds now, did not at the check before) or closed (held at the check before, not now).
-- The weekly manager digest reads the current week's ("opened: Ann — dormant; closed: Bo —
-- login_only"); org_adoption_kpis counts the same changes for the whole org.
with

flags as (

    select * from {{ ref('int_flag_history') }}

),

users as (

    select * from {{ ref('int_users') }}

),

evaluation_dates as (

    select * from {{ ref('int_evaluation_dates') }}

),

with_week_before as (

    select
        *,
        lag(evidence) over (partition by user_id, flag order by evaluated_on) as evidence_week_before,
        lag(first_flagged_on) over (partition by user_id, flag order by evaluated_on) as first_flagged_week_before
    from flags

)

select
    with_week_before.user_id,
    users.user_name,
    users.manager_id,
    users.team_id,
    users.manager_name,
    with_week_before.flag,
    with_week_before.severity,
    case when with_week_before.is_opened then 'opened' else 'closed' end as change,
    with_week_before.evaluated_on as week_ending_on,
    evaluation_dates.is_as_of_date as is_current_week,
    -- opened: the flag's evidence now; closed: its evidence at the last check it held
    case when with_week_before.is_opened then with_week_before.evidence else with_week_before.evidence_week_before end
        as evidence,
    -- the first check of the run of checks in which it held (for a closed flag, the run that ended)
    case when with_week_before.is_opened then with_week_before.first_flagged_on else with_week_before.first_flagged_week_before end
        as first_flagged_on
from with_week_before
inner join users on with_week_before.user_id = users.user_id
inner join evaluation_dates on with_week_before.evaluated_on = evaluation_dates.evaluated_on
where with_week_before.is_opened or with_week_before.is_closed
