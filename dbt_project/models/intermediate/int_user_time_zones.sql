-- Each user's time zone, the calendar every timestamp of theirs is dated on: their TimeZoneSidKey
-- when it names a zone the engine knows (IANA names, daylight saving applied), else the org's
-- default (Organization.TimeZoneSidKey) when that is one, else UTC. `time_zone_source` says which.
with

users as (

    select user_id, time_zone_sid_key from {{ ref('stg_salesforce__users') }}

),

organization as (

    -- one row, also for an org whose Organization could not be read
    select max(time_zone_sid_key) as time_zone_sid_key from {{ ref('stg_salesforce__organization') }}

),

known_zones as (

    {{ flywheel.time_zone_names() }}

)

select
    users.user_id,
    case
        when own_zone.time_zone is not null then users.time_zone_sid_key
        when org_zone.time_zone is not null then organization.time_zone_sid_key
        else 'UTC'
    end as time_zone,
    case
        when own_zone.time_zone is not null then 'user'
        when org_zone.time_zone is not null then 'organization'
        else 'utc'
    end as time_zone_source
from users
cross join organization
left join known_zones as own_zone on users.time_zone_sid_key = own_zone.time_zone
left join known_zones as org_zone on organization.time_zone_sid_key = org_zone.time_zone
