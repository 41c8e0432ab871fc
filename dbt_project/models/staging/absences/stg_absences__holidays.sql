-- Public holidays from the holidays file (FLYWHEEL_HOLIDAYS_FILE), one row per file line: days off
-- for every user (no country) or for the users whose User.Country is the line's country.
select
    start_date,
    end_date,
    country,
    holiday_name,
    source_line,
    'holidays_file' as source
from {{ source('absences', 'holiday') }}
