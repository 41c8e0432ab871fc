-- Each object's sync state as the extraction keeps it (raw_salesforce._sync_state): its last
-- successful sync, and Salesforce's own clock when it read the object (the `Date` header of the
-- run's first answer), from which int_reporting_dates takes the last complete day.
with

source as (

    select {{ salesforce_columns(source('salesforce', 'sync_state'), [
        ['object_name', 'string'], ['watermark', 'timestamp'], ['last_synced_at', 'timestamp'],
        ['salesforce_clock', 'timestamp'],
    ]) }}
    from {{ source('salesforce', 'sync_state') }}

)

select
    object_name,
    watermark,
    last_synced_at,
    salesforce_clock
from source
