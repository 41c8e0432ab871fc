-- User licences: one row per licence of the org, renamed and cast. Empty when the org does not
-- let UserLicense be read (then licences are unknown, and no one is taken out by licence).
with

source as (

    select {{ salesforce_columns(source('salesforce', 'user_license'), [
        ['Id', 'string'], ['Name', 'string'], ['MasterLabel', 'string'], ['LicenseDefinitionKey', 'string'],
        ['Status', 'string'], ['TotalLicenses', 'integer'], ['UsedLicenses', 'integer'],
        ['SystemModstamp', 'timestamp'], ['_flywheel_synced_at', 'timestamp'],
    ]) }}
    from {{ source('salesforce', 'user_license') }}

),

renamed as (

    select
        -- ids
        Id as user_license_id,

        -- strings
        Name as license_name,
        MasterLabel as license_label,
        LicenseDefinitionKey as license_definition_key,
        Status as license_status,

        -- numbers
        TotalLicenses as total_licenses,
        UsedLicenses as used_licenses,

        -- timestamps (UTC)
        SystemModstamp as system_modstamp,
        _flywheel_synced_at as synced_at

    from source

)

select * from renamed
