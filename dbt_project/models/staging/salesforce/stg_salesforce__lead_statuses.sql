-- The org's lead statuses (LeadStatus: the values of Lead.Status), renamed and cast. Empty when
-- the org does not let LeadStatus be read (then the initial statuses are lead_initial_statuses only).
with

source as (

    select {{ salesforce_columns(source('salesforce', 'lead_status'), [
        ['Id', 'string'], ['ApiName', 'string'], ['MasterLabel', 'string'], ['IsDefault', 'boolean'],
        ['IsConverted', 'boolean'], ['SortOrder', 'integer'], ['SystemModstamp', 'timestamp'],
        ['_flywheel_synced_at', 'timestamp'],
    ]) }}
    from {{ source('salesforce', 'lead_status') }}

),

renamed as (

    select
        -- ids
        Id as lead_status_id,

        -- strings: Lead.Status holds the value's API name (API 36+), its label before
        coalesce(ApiName, MasterLabel) as lead_status,
        MasterLabel as label,

        -- booleans
        coalesce(IsDefault, false) as is_default,
        coalesce(IsConverted, false) as is_converted,

        -- numbers
        SortOrder as sort_order,

        -- timestamps (UTC)
        SystemModstamp as system_modstamp,
        _flywheel_synced_at as synced_at

    from source

)

select * from renamed
