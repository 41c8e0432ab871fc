-- Leave from the absences file (an HR export), one row per file line naming a known user.
select
    user_id,
    start_date,
    end_date,
    reason,
    source_line,
    'absences_file' as source
from {{ source('absences', 'absence') }}
