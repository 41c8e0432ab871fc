-- Salesforce users: one row per user, renamed and cast. User has no soft delete.
with

source as (

    select {{ salesforce_columns(source('salesforce', 'user'), [
        ['Id', 'string'], ['Username', 'string'], ['Name', 'string'], ['FirstName', 'string'],
        ['LastName', 'string'], ['Email', 'string'], ['IsActive', 'boolean'], ['UserType', 'string'],
        ['ProfileId', 'string'], ['Profile_Name', 'string'], ['UserRoleId', 'string'],
        ['UserRole_Name', 'string'], ['ManagerId', 'string'], ['Department', 'string'],
        ['Title', 'string'], ['Country', 'string'], ['TimeZoneSidKey', 'string'], ['LastLoginDate', 'timestamp'],
        ['CreatedById', 'string'], ['CreatedDate', 'timestamp'], ['LastModifiedDate', 'timestamp'],
        ['SystemModstamp', 'timestamp'], ['_flywheel_synced_at', 'timestamp'],
    ]) }}
    from {{ source('salesforce', 'user') }}

),

renamed as (

    select
        -- ids
        Id as user_id,
        ProfileId as profile_id,
        UserRoleId as user_role_id,
        ManagerId as manager_id,
        CreatedById as created_by_id,

        -- strings
        Username as username,
        coalesce(Name, trim({{ dbt.concat(["coalesce(FirstName, '')", "' '", "coalesce(LastName, '')"]) }})) as user_name,
        FirstName as first_name,
        LastName as last_name,
        Email as email,
        UserType as user_type,
        Profile_Name as profile_name,
        UserRole_Name as user_role_name,
        Department as department,
        Title as title,
        Country as country,
        TimeZoneSidKey as time_zone_sid_key,

        -- booleans
        IsActive as is_active,

        -- timestamps (UTC)
        LastLoginDate as last_login_at,
        CreatedDate as created_at,
        LastModifiedDate as last_modified_at,
        SystemModstamp as system_modstamp,
        _flywheel_synced_at as synced_at

    from source

)

select * from renamed
