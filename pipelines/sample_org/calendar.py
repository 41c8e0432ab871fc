"""The sample org's world: where its teams work, the holidays they keep, and local time.

Teams sit in several time zones (one east of UTC+9, whose working hours straddle UTC midnight,
and ones in the Americas and Europe); a few people have no valid zone of their own and work on
the org's (`ORG_TIME_ZONE`, as Salesforce's `Organization.TimeZoneSidKey` says). The generator
plans every person's day on their own wall clock (`ms` values here are *local* milliseconds:
a day index and an hour, as a calendar reads them) and `to_utc_ms` turns them into the UTC
instants Salesforce stores, daylight saving applied. Durations that a rule measures between two
timestamps (a lead's first touch) are taken in real time (`after`), so they are the same in every
zone.

Holidays: the org's `Holiday` records (company days for everyone: fixed-date and nth-weekday
yearly recurrences, one partial-day holiday that is not a day off, and a company shutdown written
as one all-day record per working day) and the holidays file's rows (public holidays by
`User.Country`). `org_holidays` and `country_holidays` are the dates they cover, which the
generator keeps people away from work on, and the ground truth counts.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

HOUR_MS = 3_600_000  # `created` and other datetimes here are milliseconds since the epoch
_EPOCH = dt.datetime(1970, 1, 1)

ORG_TIME_ZONE = "America/New_York"  # Organization.TimeZoneSidKey: the zone of users without a valid one
# Zones the teams are placed in, in turn (the first manager's team in the first, …), and the
# country each team's people give in User.Country (the holidays file is matched against it).
TEAM_ZONES = ("America/New_York", "Europe/London", "Australia/Sydney", "America/Sao_Paulo", "Asia/Tokyo",
              "Europe/Berlin")
TEAM_COUNTRIES = ("United States", "United Kingdom", "Australia", "Brazil", "Japan", "Germany")
# TimeZoneSidKey values of people without a valid zone of their own: missing, and not an IANA zone.
NO_ZONE, BAD_ZONE = None, "GMT+10 Sydney"
HOLIDAYS_FILE_COLUMNS = ("start_date", "end_date", "country", "name")


# --- local time ---------------------------------------------------------------------------
@cache
def _offset_ms(zone: str, local_hour: int) -> int:
    """The zone's UTC offset at a local hour (hours since the epoch, wall clock), in ms; the
    first of two readings when clocks go back, the one before the gap when they go forward."""
    local = _EPOCH + dt.timedelta(hours=local_hour)
    return int(local.replace(tzinfo=ZoneInfo(zone)).utcoffset() / dt.timedelta(milliseconds=1))


def to_utc_ms(local_ms: np.ndarray, zone: str) -> np.ndarray:
    """Local wall-clock milliseconds in `zone` → UTC milliseconds (zones change offset on the hour)."""
    hours = local_ms // HOUR_MS
    unique, index = np.unique(hours, return_inverse=True)
    offsets = np.array([_offset_ms(zone, int(h)) for h in unique], dtype=np.int64)
    return local_ms - offsets[index]


@cache
def _offset_at_utc_ms(zone: str, utc_hour: int) -> int:
    """The zone's UTC offset during a UTC hour (hours since the epoch), in ms."""
    moment = (_EPOCH + dt.timedelta(hours=utc_hour)).replace(tzinfo=dt.timezone.utc)
    return int(moment.astimezone(ZoneInfo(zone)).utcoffset() / dt.timedelta(milliseconds=1))


def to_local_ms(utc_ms: int, zone: str) -> int:
    """A UTC instant (ms) as wall-clock milliseconds in `zone`."""
    return utc_ms + _offset_at_utc_ms(zone, utc_ms // HOUR_MS)


def after(local_ms: int, zone: str, hours: float) -> int:
    """The wall-clock moment `hours` of real time after `local_ms` in `zone`: a duration does not
    move with daylight saving, a time of day does."""
    utc = local_ms - _offset_ms(zone, local_ms // HOUR_MS) + int(hours * HOUR_MS)
    return to_local_ms(utc, zone)


def east_of_utc9(zone: str, on: dt.date) -> bool:
    """Whether `zone` is at least nine hours ahead of UTC on a date: its working day starts on the
    UTC calendar's day before."""
    return ZoneInfo(zone).utcoffset(dt.datetime.combine(on, dt.time(12))) >= dt.timedelta(hours=9)


# --- holidays -----------------------------------------------------------------------------
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_INSTANCES = {1: "First", 2: "Second", 3: "Third", 4: "Fourth", -1: "Last"}
# RecurrenceDayOfWeekMask: Sunday 1, Monday 2, Tuesday 4, … Saturday 64 (Python: Monday 0 … Sunday 6)
_DAY_MASK = {weekday: 2 ** ((weekday + 1) % 7) for weekday in range(7)}


@dataclass(frozen=True)
class Yearly:
    """A holiday every year: on `day` of `month`, or on the `nth` `weekday` of it (-1: the last)."""

    name: str
    month: int
    day: int | None = None
    nth: int | None = None
    weekday: int | None = None  # Monday 0 … Sunday 6

    def on(self, year: int) -> dt.date:
        if self.day is not None:
            return dt.date(year, self.month, self.day)
        if self.nth == -1:
            last = dt.date(year + self.month // 12, self.month % 12 + 1, 1) - dt.timedelta(days=1)
            return last - dt.timedelta(days=(last.weekday() - self.weekday) % 7)
        first = dt.date(year, self.month, 1)
        return first + dt.timedelta(days=(self.weekday - first.weekday()) % 7 + 7 * (self.nth - 1))

    def record(self, created: int) -> dict:
        """The `Holiday` record of this yearly recurrence."""
        by_day = self.day is not None
        return {
            "Name": self.name, "IsAllDay": True, "IsRecurrence": True, "RecurrenceInterval": 1,
            "RecurrenceType": "RecursYearly" if by_day else "RecursYearlyNth",
            "RecurrenceStartDate": dt.date(2015, 1, 1), "RecurrenceMonthOfYear": _MONTHS[self.month - 1],
            "RecurrenceDayOfMonth": self.day, "RecurrenceInstance": None if by_day else _INSTANCES[self.nth],
            "RecurrenceDayOfWeekMask": None if by_day else _DAY_MASK[self.weekday],
            **_audit(created),
        }


# Company days off for everyone (the org's Holiday records).
ORG_YEARLY = (
    Yearly("New Year's Day", 1, day=1),
    Yearly("Founders' Day", 6, nth=2, weekday=4),  # the second Friday of June
    Yearly("Christmas Day", 12, day=25),
)
# Christmas Eve afternoon: a Holiday record that is not all day, so not a day off.
PARTIAL_DAY = {"Name": "Christmas Eve afternoon", "IsAllDay": False, "StartTimeInMinutes": 780, "EndTimeInMinutes": 1440,
               "IsRecurrence": True, "RecurrenceType": "RecursYearly", "RecurrenceInterval": 1,
               "RecurrenceStartDate": dt.date(2015, 1, 1), "RecurrenceMonthOfYear": "December", "RecurrenceDayOfMonth": 24}
SHUTDOWN_NAME = "Company shutdown"
# Public holidays by country (the holidays file).
COUNTRY_YEARLY: dict[str, tuple[Yearly, ...]] = {
    "United States": (Yearly("Labor Day", 9, nth=1, weekday=0), Yearly("Thanksgiving", 11, nth=4, weekday=3)),
    "United Kingdom": (Yearly("Summer bank holiday", 8, nth=-1, weekday=0),),
    "Australia": (Yearly("King's Birthday", 6, nth=2, weekday=0), Yearly("Labour Day", 10, nth=1, weekday=0)),
    "Brazil": (Yearly("Finados", 11, day=2),),
    "Japan": (Yearly("Sports Day", 10, nth=2, weekday=0), Yearly("Culture Day", 11, day=3)),
    "Germany": (Yearly("Day of German Unity", 10, day=3),),
}


def _audit(created: int) -> dict:
    return {"CreatedDate": created, "LastModifiedDate": created, "SystemModstamp": created, "IsDeleted": False}


def _years(start: dt.date, end: dt.date) -> range:
    return range(start.year, end.year + 1)


def shutdown_days(end_date: dt.date, days_before_end: int, weeks: int) -> list[dt.date]:
    """The working days (Monday to Friday) of a company shutdown: `weeks` weeks from the Monday on
    or before `end_date - days_before_end`."""
    monday = end_date - dt.timedelta(days=days_before_end)
    monday -= dt.timedelta(days=monday.weekday())
    return [monday + dt.timedelta(days=i) for i in range(7 * weeks) if i % 7 < 5]


def org_holidays(start: dt.date, end: dt.date, shutdown: Iterable[dt.date]) -> dict[dt.date, str]:
    """Every company day off from `start` to `end`, with its name."""
    days = {h.on(year): h.name for h in ORG_YEARLY for year in _years(start, end)}
    days.update({day: SHUTDOWN_NAME for day in shutdown})
    return {day: name for day, name in days.items() if start <= day <= end}


def country_holidays(country: str, start: dt.date, end: dt.date) -> dict[dt.date, str]:
    """The public holidays of `country` (the holidays file's) from `start` to `end`."""
    days = {h.on(year): h.name for h in COUNTRY_YEARLY.get(country, ()) for year in _years(start, end)}
    return {day: name for day, name in days.items() if start <= day <= end}


def holiday_records(shutdown: Iterable[dt.date], created: int) -> list[dict]:
    """The org's `Holiday` records: the yearly company days, the partial day, and one all-day
    record per working day of the shutdown."""
    records = [h.record(created) for h in ORG_YEARLY] + [{**PARTIAL_DAY, **_audit(created)}]
    records += [{"Name": SHUTDOWN_NAME, "IsAllDay": True, "IsRecurrence": False, "ActivityDate": day, **_audit(created)}
                for day in shutdown]
    return records


def holidays_file_lines(countries: Iterable[str], start: dt.date, end: dt.date) -> list[dict[str, str]]:
    """The holidays file's rows: each country's public holidays in the history, a day each."""
    return [{"start_date": day.isoformat(), "end_date": day.isoformat(), "country": country, "name": name}
            for country in sorted(set(countries))
            for day, name in sorted(country_holidays(country, start, end).items())]


def write_holidays_file(lines: list[dict[str, str]], path: Path) -> None:
    """The holidays file (CSV) as RevOps would keep it: `start_date,end_date,country,name`."""
    with path.open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=HOLIDAYS_FILE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(lines)
