-- Leads: the current version of each lead, soft-deleted ones removed, renamed and cast.
with

source as (

    select {{ salesforce_columns(source('salesforce', 'lead'), [
        ['Id', 'string'], ['FirstName', 'string'], ['LastName', 'string'], ['Company', 'string'],
        ['Email', 'string'], ['Phone', 'string'], ['Status', 'string'], ['LeadSource', 'string'],
        ['IsConverted', 'boolean'], ['ConvertedDate', 'date'], ['ConvertedOpportunityId', 'string'],
        ['ConvertedAccountId', 'string'], ['ConvertedContactId', 'string'], ['OwnerId', 'string'],
        ['LastActivityDate', 'date'], ['CreatedById', 'string'], ['CreatedDate', 'timestamp'],
        ['LastModifiedDate', 'timestamp'], ['SystemModstamp', 'timestamp'], ['IsDeleted', 'boolean'],
        ['_flywheel_synced_at', 'timestamp'],
    ]) }}
    from {{ source('salesforce', 'lead') }}

),

renamed as (

    select
        -- ids
        Id as lead_id,
        OwnerId as owner_id,
        CreatedById as created_by_id,
        ConvertedOpportunityId as converted_opportunity_id,
        ConvertedAccountId as converted_account_id,
        ConvertedContactId as converted_contact_id,

        -- strings
        FirstName as first_name,
        LastName as last_name,
        Company as company,
        Email as email,
        Phone as phone,
        Status as lead_status,
        LeadSource as lead_source,

        -- booleans
        coalesce(IsConverted, ConvertedDate is not null) as is_converted,

        -- dates
        ConvertedDate as converted_date,
        LastActivityDate as last_activity_date,

        -- timestamps (UTC)
        CreatedDate as created_at,
        LastModifiedDate as last_modified_at,
        SystemModstamp as system_modstamp,
        _flywheel_synced_at as synced_at

    from source
    where not coalesce(IsDeleted, false)

)

select * from renamed
