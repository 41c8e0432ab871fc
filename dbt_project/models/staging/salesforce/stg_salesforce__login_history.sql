-- Login attempts: one row per LoginHistory record, renamed and cast (no soft delete on it).
with

source as (

    select {{ salesforce_columns(source('salesforce', 'login_history'), [
        ['Id', 'string'], ['UserId', 'string'], ['LoginTime', 'timestamp'], ['LoginType', 'string'],
        ['LoginSubType', 'string'], ['Status', 'string'], ['Application', 'string'],
        ['Browser', 'string'], ['Platform', 'string'], ['SourceIp', 'string'], ['LoginUrl', 'string'],
        ['ClientVersion', 'string'], ['ApiType', 'string'], ['ApiVersion', 'string'],
        ['CountryIso', 'string'], ['AuthMethodReference', 'string'], ['LoginGeoId', 'string'],
        ['TlsProtocol', 'string'], ['CipherSuite', 'string'], ['_flywheel_synced_at', 'timestamp'],
    ]) }}
    from {{ source('salesforce', 'login_history') }}

),

renamed as (

    select
        -- ids
        Id as login_id,
        UserId as user_id,
        LoginGeoId as login_geo_id,

        -- strings
        LoginType as login_type,
        LoginSubType as login_sub_type,
        Status as login_status,
        Application as application,
        Browser as browser,
        Platform as platform,
        SourceIp as source_ip,
        LoginUrl as login_url,
        ClientVersion as client_version,
        ApiType as api_type,
        ApiVersion as api_version,
        CountryIso as country_iso,
        AuthMethodReference as auth_method_reference,
        TlsProtocol as tls_protocol,
        CipherSuite as cipher_suite,

        -- timestamps (UTC)
        LoginTime as login_at,
        _flywheel_synced_at as synced_at

    from source

)

select * from renamed
