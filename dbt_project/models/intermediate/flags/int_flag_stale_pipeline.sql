-- Flag `stale_pipeline` (info): at least `stale_pipeline_min` (3) open opportunities owned whose
-- close date has passed or that were not modified for `stale_days` (30), making up at least
-- `stale_pipeline_share` (50%) of the user's open opportunities.
-- metric_value = the number of stale open opportunities.
with

user_dates as (

    select * from {{ ref('int_user_evaluation_dates') }}

),

opportunities as (

    select * from {{ ref('int_opportunity_trail') }}

),

open_pipeline as (

    select
        user_dates.user_id,
        user_dates.evaluated_on,
        user_dates.is_flaggable,
        count(opportunities.opportunity_id) as open_opportunities,
        coalesce(sum(case when {{ flywheel.opportunity_is_stale_on('opportunities', 'user_dates.evaluated_on') }}
                          then 1 else 0 end), 0) as stale_opportunities
    from user_dates
    left join opportunities
        on opportunities.owner_id = user_dates.user_id
        and {{ flywheel.opportunity_is_open_on('opportunities', 'user_dates.evaluated_on') }}
    group by user_dates.user_id, user_dates.evaluated_on, user_dates.is_flaggable

)

select
    user_id,
    evaluated_on,
    'stale_pipeline' as flag,
    {{ flywheel.flag_severity('stale_pipeline') }} as severity,
    is_flaggable,
    is_flaggable
        and stale_opportunities >= {{ var('stale_pipeline_min') }}
        and stale_opportunities >= {{ var('stale_pipeline_share') }} * open_opportunities as is_flagged,
    cast(stale_opportunities as {{ flywheel.type_double() }}) as metric_value,
    cast({{ var('stale_pipeline_min') }} as {{ flywheel.type_double() }}) as threshold,
    {{ dbt.concat([
        flywheel.as_text('stale_opportunities'), "' of '", flywheel.as_text('open_opportunities'),
        "' open opportunities ('",
        "coalesce(" ~ flywheel.as_percent_text(flywheel.safe_divide('stale_opportunities', 'open_opportunities')) ~ ", '0%')",
        "') are past their close date or were not modified for " ~ var('stale_days') ~ " days'"]) }} as evidence
from open_pipeline
