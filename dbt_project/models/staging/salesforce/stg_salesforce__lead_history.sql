-- Lead field history: one row per tracked change, soft-deleted ones removed, renamed and cast.
-- An org that does not track Lead history has an empty raw table (said in the extraction's metadata).
with

source as (

    select {{ salesforce_columns(source('salesforce', 'lead_history'), [
        ['Id', 'string'], ['LeadId', 'string'], ['Field', 'string'], ['OldValue', 'string'],
        ['NewValue', 'string'], ['DataType', 'string'], ['CreatedById', 'string'],
        ['CreatedDate', 'timestamp'], ['IsDeleted', 'boolean'], ['_flywheel_synced_at', 'timestamp'],
    ]) }}
    from {{ source('salesforce', 'lead_history') }}

),

renamed as (

    select
        -- ids
        Id as lead_history_id,
        LeadId as lead_id,
        CreatedById as created_by_id,

        -- strings
        Field as field_name,
        OldValue as old_value,
        NewValue as new_value,
        DataType as data_type,

        -- timestamps (UTC)
        CreatedDate as created_at,
        _flywheel_synced_at as synced_at

    from source
    where not coalesce(IsDeleted, false)

)

select * from renamed
