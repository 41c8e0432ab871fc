-- Users not measured, listed separately with the reason and its evidence (int_user_scope):
-- inactive and non-Standard users, integration accounts, frozen leavers, and people outside sales
-- (service agents, analysts, admins, Platform licences). Their logins still count in
-- login_activity_daily; nothing else about them is judged.
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
    exclusion_detail,
    logins,
    cast(interactive_logins as {{ dbt.type_bigint() }}) as interactive_logins
from users
where not is_measured
