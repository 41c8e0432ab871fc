-- Out of Office entries: the current version of each, soft-deleted ones removed, renamed and cast.
-- An org without the object has an empty raw table (the extraction says so in its metadata).
with

source as (

    select {{ salesforce_columns(source('salesforce', 'out_of_office'), [
        ['Id', 'string'], ['UserId', 'string'], ['StartDate', 'timestamp'], ['EndDate', 'timestamp'],
        ['IsEnabled', 'boolean'], ['CreatedById', 'string'], ['CreatedDate', 'timestamp'],
        ['SystemModstamp', 'timestamp'], ['IsDeleted', 'boolean'], ['_flywheel_synced_at', 'timestamp'],
    ]) }}
    from {{ source('salesforce', 'out_of_office') }}

),

renamed as (

    select
        -- ids
        Id as out_of_office_id,
        UserId as user_id,
        CreatedById as created_by_id,

        -- booleans
        coalesce(IsEnabled, false) as is_enabled,

        -- timestamps (UTC)
        StartDate as start_at,
        EndDate as end_at,
        CreatedDate as created_at,
        SystemModstamp as system_modstamp,
        _flywheel_synced_at as synced_at

    from source
    where not coalesce(IsDeleted, false)

)

select * from renamed
