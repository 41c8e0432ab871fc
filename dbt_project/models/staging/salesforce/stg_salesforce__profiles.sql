-- Profiles: one row per profile, renamed and cast; whether it is API-only and which licence it
-- carries. Empty when the org does not let Profile be read (then no one is known to be API-only,
-- and licences are unknown).
with

source as (

    select {{ salesforce_columns(source('salesforce', 'profile'), [
        ['Id', 'string'], ['Name', 'string'], ['UserType', 'string'], ['UserLicenseId', 'string'],
        ['PermissionsApiUserOnly', 'boolean'], ['CreatedDate', 'timestamp'], ['SystemModstamp', 'timestamp'],
        ['_flywheel_synced_at', 'timestamp'],
    ]) }}
    from {{ source('salesforce', 'profile') }}

),

renamed as (

    select
        -- ids
        Id as profile_id,
        UserLicenseId as user_license_id,

        -- strings
        Name as profile_name,
        UserType as user_type,

        -- booleans
        coalesce(PermissionsApiUserOnly, false) as is_api_only,

        -- timestamps (UTC)
        CreatedDate as created_at,
        SystemModstamp as system_modstamp,
        _flywheel_synced_at as synced_at

    from source

)

select * from renamed
