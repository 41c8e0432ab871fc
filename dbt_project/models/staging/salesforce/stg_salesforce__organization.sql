-- The org's company information: one row (empty where the integration user may not read it, which
-- is normal), renamed and cast. Its TimeZoneSidKey is the zone of users without a valid one.
with

source as (

    select {{ salesforce_columns(source('salesforce', 'organization'), [
        ['Id', 'string'], ['Name', 'string'], ['Country', 'string'], ['TimeZoneSidKey', 'string'],
        ['SystemModstamp', 'timestamp'], ['_flywheel_synced_at', 'timestamp'],
    ]) }}
    from {{ source('salesforce', 'organization') }}

),

renamed as (

    select
        -- ids
        Id as organization_id,

        -- strings
        Name as organization_name,
        Country as country,
        TimeZoneSidKey as time_zone_sid_key,

        -- timestamps (UTC)
        SystemModstamp as system_modstamp,
        _flywheel_synced_at as synced_at

    from source

)

select * from renamed
