-- Where each team's weekly digest goes: one row per manager of at least one measured user, with
-- the manager's User.Email. The one model that carries an email address past staging, and only
-- the managers': it stays in the working database (intermediate models are not published), and
-- the digest reads it at send time (pipelines/digest/destinations.py).
with

users as (

    select * from {{ ref('int_users') }}

),

staged_users as (

    select user_id, email from {{ ref('stg_salesforce__users') }}

),

team_managers as (

    select distinct manager_id
    from users
    where is_measured and manager_id is not null

)

select
    team_managers.manager_id,
    managers.user_name as manager_name,
    managers.username,
    staged_users.email,
    coalesce(managers.is_active, false) as is_active
from team_managers
inner join users as managers on team_managers.manager_id = managers.user_id
left join staged_users on team_managers.manager_id = staged_users.user_id
