-- Users not measured, listed separately with the reason: integration users (logins, none of
-- them interactive, over the whole history), inactive users, and users who are not Standard.
with

users as (

    select * from {{ ref('int_users') }}

)

select
    user_id,
    user_name,
    username,
    manager_id,
    team_id,
    manager_name,
    profile_name,
    user_role_name,
    user_type,
    is_active,
    exclusion_reason,
    logins,
    cast(interactive_logins as {{ dbt.type_bigint() }}) as interactive_logins
from users
where not is_measured
