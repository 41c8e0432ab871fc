-- Tasks people log: the current version of each, soft-deleted ones removed, renamed and cast.
with

source as (

    select {{ salesforce_columns(source('salesforce', 'task'), [
        ['Id', 'string'], ['Subject', 'string'], ['Status', 'string'], ['Priority', 'string'],
        ['ActivityDate', 'date'], ['WhoId', 'string'], ['WhatId', 'string'], ['AccountId', 'string'],
        ['OwnerId', 'string'], ['IsClosed', 'boolean'], ['TaskSubtype', 'string'],
        ['CompletedDateTime', 'timestamp'], ['IsArchived', 'boolean'], ['CreatedById', 'string'],
        ['CreatedDate', 'timestamp'], ['LastModifiedDate', 'timestamp'], ['SystemModstamp', 'timestamp'],
        ['IsDeleted', 'boolean'], ['_flywheel_synced_at', 'timestamp'],
    ]) }}
    from {{ source('salesforce', 'task') }}

),

renamed as (

    select
        -- ids
        Id as task_id,
        WhoId as who_id,
        WhatId as what_id,
        AccountId as account_id,
        OwnerId as owner_id,
        CreatedById as created_by_id,

        -- strings
        Subject as subject,
        Status as task_status,
        Priority as priority,
        TaskSubtype as task_subtype,

        -- booleans
        IsClosed as is_closed,
        IsArchived as is_archived,

        -- dates
        ActivityDate as activity_date,

        -- timestamps (UTC)
        CompletedDateTime as completed_at,
        CreatedDate as created_at,
        LastModifiedDate as last_modified_at,
        SystemModstamp as system_modstamp,
        _flywheel_synced_at as synced_at

    from source
    where not coalesce(IsDeleted, false)

)

select * from renamed
