-- Opportunities: the current version of each deal, soft-deleted ones removed, renamed and cast.
with

source as (

    select {{ salesforce_columns(source('salesforce', 'opportunity'), [
        ['Id', 'string'], ['Name', 'string'], ['AccountId', 'string'], ['StageName', 'string'],
        ['IsClosed', 'boolean'], ['IsWon', 'boolean'], ['Amount', 'float'], ['CloseDate', 'date'],
        ['Type', 'string'], ['LeadSource', 'string'], ['ForecastCategory', 'string'],
        ['Probability', 'float'], ['OwnerId', 'string'], ['LastActivityDate', 'date'],
        ['LastStageChangeDate', 'timestamp'], ['CreatedById', 'string'], ['CreatedDate', 'timestamp'],
        ['LastModifiedDate', 'timestamp'], ['SystemModstamp', 'timestamp'], ['IsDeleted', 'boolean'],
        ['_flywheel_synced_at', 'timestamp'],
    ]) }}
    from {{ source('salesforce', 'opportunity') }}

),

renamed as (

    select
        -- ids
        Id as opportunity_id,
        AccountId as account_id,
        OwnerId as owner_id,
        CreatedById as created_by_id,

        -- strings
        Name as opportunity_name,
        StageName as stage_name,
        Type as opportunity_type,
        LeadSource as lead_source,
        ForecastCategory as forecast_category,

        -- numbers
        Amount as amount,
        Probability as probability,

        -- booleans
        IsClosed as is_closed,
        IsWon as is_won,

        -- dates
        CloseDate as close_date,
        LastActivityDate as last_activity_date,

        -- timestamps (UTC)
        LastStageChangeDate as last_stage_change_at,
        CreatedDate as created_at,
        LastModifiedDate as last_modified_at,
        SystemModstamp as system_modstamp,
        _flywheel_synced_at as synced_at

    from source
    where not coalesce(IsDeleted, false)

)

select * from renamed
