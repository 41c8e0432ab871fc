"""People on leave from each source, and leads handed over from a departed colleague.

Planted by `plant_leave_and_handovers` after everyone else (orgs of 10 reps or more), so the rest
of the org is the same with them as without them. Days are counted back from the last day of the
history (the as-of date), `A` below. The personas and the flags they should raise are in
personas.py; the absences file lines are returned for `write_absences_file`.

| persona | away (source) | what it tests |
| --- | --- | --- |
| leave_out_of_office | A-20 … A+10 (an Out of Office entry) | long leave, ongoing |
| back_out_of_office | A-16 … A-2 (an Out of Office entry) | just back |
| leave_file_long | A-24 … A+4 (the absences file, by email) | long leave, ongoing |
| back_file_short | A-9 … A-3 (the absences file, by username) | short leave, just back |
| leave_overlapping | A-18 … A-8 (an Out of Office event), A-10 … A+2 (an entry), A-5 … A+4 (the file, by Id) | overlapping sources, one span |
| dormant_then_leave | A-5 … A+8 (an entry); no login since A-22; a *disabled* entry A-19 … A-6 | really dormant before the leave: still flagged |
| back_13_present_days | 18 days away (the file) ending A-13, logins every working day before, none since | 13 present days without a login: not dormant (declining_usage holds) |
| back_6_present_days | A-13 … A-6 (an Out of Office event), no login since | 6 present days in the last 14: declining_usage not judged |
| handed_leads_recent | 12–18 old untouched leads of a departed colleague of their team, assigned 2 and 6 days ago | not neglected yet |
| handed_leads_neglected | 16 old leads of the same colleague, assigned 25 days ago, never touched | neglected_leads |

dormant_then_leave and back_13_present_days are planted only in orgs with at least 100 days of
history (`LONG_HISTORY_DAYS`): their expected declining_usage is judged on the 8 weeks before.

Each handed lead gets the two LeadHistory rows Salesforce writes for one owner change: one with
User Ids (`DataType` 'EntityId'), one with names ('Text').
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from pipelines.leave.absences_file import OPTIONAL_COLUMNS, REQUIRED_COLUMNS

# dormant_then_leave and back_13_present_days need this much history: declining_usage judges them
# on the 8 weeks before their last 14 days, and a leave must not eat that baseline
LONG_HISTORY_DAYS = 100


def plant_leave_and_handovers(b: Any) -> list[dict[str, str]]:
    """Plant the personas above in the generator `b` (a `_Builder`); return the absences file's lines."""
    managers = [p for p in b.people if p.role == "manager"]
    if sum(p.role == "rep" for p in b.people) < 10:
        return []
    last = b.d - 1
    absences: list[dict[str, str]] = []
    people: dict[str, Any] = {}

    def rep(persona: str, away: tuple[int, int] | None = None, *, p_login: float | None = None, key: str = "",
            manager: Any = None) -> Any:
        person = b._person("rep", persona, (manager or managers[len(people) % len(managers)]).id)
        person.away = away
        if p_login is not None:
            person.p_login = p_login
        people[key or persona] = person
        return person

    rep("leave_out_of_office", (last - 20, last + 10))
    rep("back_out_of_office", (last - 16, last - 2))
    rep("leave_file_long", (last - 24, last + 4))
    rep("back_file_short", (last - 9, last - 3))
    rep("leave_overlapping", (last - 18, last + 4))
    # these two are judged on the 8 weeks before their last 14 days: only where the history holds them
    long_history = b.d >= LONG_HISTORY_DAYS
    if long_history:
        dormant = rep("dormant_then_leave", (last - 5, last + 8))
        dormant.active_until, dormant.outlook = last - 22, True
        back_13 = rep("back_13_present_days", None, p_login=1.0)
        start = last - 30
        while not back_13.working[start - 1]:  # the present day before the leave is a working day, with a login
            start -= 1
        back_13.away = (start, last - 13)
        back_13.active_until = last - 13
    back_6 = rep("back_6_present_days", (last - 13, last - 6), p_login=1.0)
    back_6.active_until = last - 6
    # the departed colleague's team gets the leads (its manager hands them over): one calendar
    recent = [rep("handed_leads_recent", manager=managers[0]),
              rep("handed_leads_recent", key="handed_leads_recent_2", manager=managers[0])]
    neglecting = rep("handed_leads_neglected", manager=managers[0])

    for person in people.values():
        b._logins(person)
        b._records(person)

    def out_of_office(person: Any, first: int, last_day: int, enabled: bool = True) -> None:
        created = b.ms(first - 5, 10)
        b.cols.add("OutOfOffice", {
            "UserId": person.id, "StartDate": b.ms(first, 0), "EndDate": b.ms(last_day, 17), "IsEnabled": enabled,
            "Message": "Out of the office, back soon", "CreatedById": person.id, "CreatedDate": created,
            "LastModifiedDate": created, "SystemModstamp": created, "IsDeleted": False,
        })

    users = b.cols.columns["User"]

    def file_line(person: Any, key: str, first: int, last_day: int, reason: str) -> None:
        row = users["Id"].index(person.id)
        user = {"id": person.id, "email": users["Email"][row], "username": users["Username"][row]}[key]
        absences.append({"user": user, "start_date": b.date_of(b.ms(first, 0)).isoformat(),
                         "end_date": b.date_of(b.ms(last_day, 0)).isoformat(), "reason": reason})

    out_of_office(people["leave_out_of_office"], *people["leave_out_of_office"].away)
    out_of_office(people["back_out_of_office"], *people["back_out_of_office"].away)
    file_line(people["leave_file_long"], "email", *people["leave_file_long"].away, "parental leave")
    file_line(people["back_file_short"], "username", *people["back_file_short"].away, "holiday")
    overlapping = people["leave_overlapping"]
    overlapping.away = (last - 18, last - 8)
    b._out_of_office(overlapping)  # the Out of Office event
    overlapping.away = (last - 18, last + 4)
    out_of_office(overlapping, last - 10, last + 2)
    file_line(overlapping, "id", last - 5, last + 4, "sick leave")
    if long_history:
        out_of_office(dormant, *dormant.away)
        out_of_office(dormant, last - 19, last - 6, enabled=False)  # switched off: marks no absence
        file_line(back_13, "id", *back_13.away, "holiday")
    b._out_of_office(back_6)

    departed = b._person("inactive", "departed", managers[0].id)
    for person, handed_on, count in ((recent[0], last - 2, 18), (recent[1], last - 6, 12), (neglecting, last - 25, 16)):
        for _ in range(count):
            created = b.ms(int(b.rng.integers(last - 150, last - 40)), b.work_hour())
            lead_id = b._lead(departed, created, touched=False)
            _hand_over(b, lead_id, departed, person, managers[0], b.ms(handed_on, 9.5))
    return absences


def _hand_over(b: Any, lead_id: str, old: Any, new: Any, by: Any, at: int) -> None:
    """Give the lead to `new`: its owner and modstamp change, and two LeadHistory rows say so."""
    leads = b.cols.columns["Lead"]
    row = leads["Id"].index(lead_id)
    leads["OwnerId"][row] = new.id
    leads["LastModifiedDate"][row] = leads["SystemModstamp"][row] = at
    for old_value, new_value, data_type in ((old.id, new.id, "EntityId"), (old.name, new.name, "Text")):
        b.cols.add("LeadHistory", {
            "LeadId": lead_id, "Field": "Owner", "OldValue": old_value, "NewValue": new_value, "DataType": data_type,
            "CreatedById": by.id, "CreatedDate": at, "IsDeleted": False,
        })


def write_absences_file(absences: list[dict[str, str]], path: Path) -> None:
    """The absences file (CSV) as an HR export would give it: `user,start_date,end_date,reason`."""
    with path.open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=REQUIRED_COLUMNS + OPTIONAL_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(absences)
