-- The login settings of each user (UserLogin): frozen or not, renamed and cast. An org (or an
-- integration user without "Manage Users") that does not list UserLogin has an empty raw table:
-- nobody is then known to be frozen.
with

source as (

    select {{ salesforce_columns(source('salesforce', 'user_login'), [
        ['Id', 'string'], ['UserId', 'string'], ['IsFrozen', 'boolean'], ['IsPasswordLocked', 'boolean'],
        ['LastModifiedDate', 'timestamp'], ['_flywheel_synced_at', 'timestamp'],
    ]) }}
    from {{ source('salesforce', 'user_login') }}

),

renamed as (

    select
        -- ids
        Id as user_login_id,
        UserId as user_id,

        -- booleans
        coalesce(IsFrozen, false) as is_frozen,
        coalesce(IsPasswordLocked, false) as is_password_locked,

        -- timestamps (UTC)
        LastModifiedDate as last_modified_at,
        _flywheel_synced_at as synced_at

    from source

)

select * from renamed
