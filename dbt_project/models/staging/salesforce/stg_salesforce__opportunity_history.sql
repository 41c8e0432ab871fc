-- Opportunity history: one row per change of stage, amount, probability or close date (and the
-- row written when the deal is created); soft-deleted ones removed, renamed and cast.
with

source as (

    select {{ salesforce_columns(source('salesforce', 'opportunity_history'), [
        ['Id', 'string'], ['OpportunityId', 'string'], ['StageName', 'string'], ['Amount', 'float'],
        ['ExpectedRevenue', 'float'], ['CloseDate', 'date'], ['Probability', 'float'],
        ['ForecastCategory', 'string'], ['CreatedById', 'string'], ['CreatedDate', 'timestamp'],
        ['SystemModstamp', 'timestamp'], ['IsDeleted', 'boolean'], ['_flywheel_synced_at', 'timestamp'],
    ]) }}
    from {{ source('salesforce', 'opportunity_history') }}

),

renamed as (

    select
        -- ids
        Id as opportunity_history_id,
        OpportunityId as opportunity_id,
        CreatedById as created_by_id,

        -- strings
        StageName as stage_name,
        ForecastCategory as forecast_category,

        -- numbers
        Amount as amount,
        ExpectedRevenue as expected_revenue,
        Probability as probability,

        -- dates
        CloseDate as close_date,

        -- timestamps (UTC)
        CreatedDate as created_at,
        SystemModstamp as system_modstamp,
        _flywheel_synced_at as synced_at

    from source
    where not coalesce(IsDeleted, false)

)

select * from renamed
