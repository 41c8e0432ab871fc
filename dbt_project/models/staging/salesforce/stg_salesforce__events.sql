-- Calendar events people log: the current version of each, soft-deleted ones removed, renamed and cast.
with

source as (

    select {{ salesforce_columns(source('salesforce', 'event'), [
        ['Id', 'string'], ['Subject', 'string'], ['StartDateTime', 'timestamp'],
        ['EndDateTime', 'timestamp'], ['ActivityDateTime', 'timestamp'], ['ActivityDate', 'date'],
        ['DurationInMinutes', 'integer'], ['WhoId', 'string'], ['WhatId', 'string'],
        ['AccountId', 'string'], ['OwnerId', 'string'], ['IsArchived', 'boolean'], ['ShowAs', 'string'],
        ['CreatedById', 'string'], ['CreatedDate', 'timestamp'], ['LastModifiedDate', 'timestamp'],
        ['SystemModstamp', 'timestamp'], ['IsDeleted', 'boolean'], ['_flywheel_synced_at', 'timestamp'],
    ]) }}
    from {{ source('salesforce', 'event') }}

),

renamed as (

    select
        -- ids
        Id as event_id,
        WhoId as who_id,
        WhatId as what_id,
        AccountId as account_id,
        OwnerId as owner_id,
        CreatedById as created_by_id,

        -- strings
        Subject as subject,
        ShowAs as show_as,

        -- numbers
        DurationInMinutes as duration_minutes,

        -- booleans
        IsArchived as is_archived,

        -- dates
        ActivityDate as activity_date,

        -- timestamps (UTC)
        StartDateTime as start_at,
        EndDateTime as end_at,
        ActivityDateTime as activity_at,
        CreatedDate as created_at,
        LastModifiedDate as last_modified_at,
        SystemModstamp as system_modstamp,
        _flywheel_synced_at as synced_at

    from source
    where not coalesce(IsDeleted, false)

)

select * from renamed
