"""`flywheel check` helps set who is measured: per profile and role, how many active users log in
but own no lead or opportunity (service agents, analysts, admins … or sellers who let their
pipeline go), and which vars would take them out or keep them in (docs/who-is-measured.md).

Three reads: the active Standard users with their profile, role and last login; the owners of
leads and of opportunities (`GROUP BY OwnerId`, one batch each); the licence of each profile when
the org lets Profile be read. Reads only; a read Salesforce refuses leaves its part unsaid.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from pipelines.extract.rest_reads import Restart, RestRead, Window, read_pages
from pipelines.salesforce.client import SalesforceClient

USERS = "SELECT Id, ProfileId, Profile.Name, UserRole.Name, LastLoginDate FROM User WHERE IsActive = true AND UserType = 'Standard'"
OWNERS = "SELECT OwnerId FROM {object} WHERE IsDeleted = false GROUP BY OwnerId"
PROFILE_LICENSES = "SELECT Id, UserLicense.Name FROM Profile"


@dataclass(frozen=True)
class ScopeGroup:
    """Active users of one profile and role, and those of them who log in but own nothing."""

    profile: str
    role: str
    license: str | None
    active: int
    logging_in_owning_nothing: int
    advice: str


@dataclass
class ScopeReport:
    groups: list[ScopeGroup]
    since: datetime
    unread: list[str]  # the reads Salesforce refused, and why: that part is not said


def like(value: str | None, pattern: str) -> bool:
    """SQL LIKE, as the models match profile and role names: % any text, _ one character, case-sensitive."""
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return value is not None and re.fullmatch(regex, value, re.DOTALL) is not None


def _matches(value: str | None, patterns: Iterable[str]) -> bool:
    return any(like(value, p) for p in patterns or ())


def advice(profile: str, role: str, license: str | None, dbt_vars: Mapping[str, Any]) -> str:
    """Which vars take this profile and role out of the measured population, or keep it in."""
    if license in (dbt_vars.get("non_seller_licenses") or ()):
        return f"already out: their licence {license} is in non_seller_licenses"
    if _matches(profile, dbt_vars.get("non_seller_profiles")) or _matches(role, dbt_vars.get("non_seller_roles")):
        return "already out: non_seller_profiles / non_seller_roles match them"
    if _matches(profile, dbt_vars.get("seller_profiles")) or _matches(role, dbt_vars.get("seller_roles")):
        return "kept in: seller_profiles / seller_roles match them"
    role_part = f' (or non_seller_roles: ["{role}"])' if role != "(no role)" else ""
    keep_part = f' (or seller_roles: ["{role}"])' if role != "(no role)" else ""
    return (f"the data rule leaves out those who also log no sales activity in {dbt_vars.get('sales_scope_days')} days; "
            f'to take them all out set non_seller_profiles: ["{profile}"]{role_part}, to keep them all in '
            f'seller_profiles: ["{profile}"]{keep_part}')


def scope_groups(users: Sequence[Mapping[str, Any]], owners: set[str], licenses: Mapping[str, str],
                 dbt_vars: Mapping[str, Any], since: datetime) -> list[ScopeGroup]:
    """The (profile, role) groups holding someone who logged in since `since` and owns nothing,
    most such people first. `users`: REST records of USERS; `owners`: every lead's and
    opportunity's owner; `licenses`: profile Id → licence name."""
    active: dict[tuple[str, str, str | None], int] = {}
    idle: dict[tuple[str, str, str | None], int] = {}
    for user in users:
        key = ((user.get("Profile") or {}).get("Name") or "(no profile)", (user.get("UserRole") or {}).get("Name") or "(no role)",
               licenses.get(user.get("ProfileId") or ""))
        active[key] = active.get(key, 0) + 1
        last_login = _parse(user.get("LastLoginDate"))
        if last_login is not None and last_login >= since and user["Id"] not in owners:
            idle[key] = idle.get(key, 0) + 1
    return sorted((ScopeGroup(profile, role, license, active[(profile, role, license)], count,
                              advice(profile, role, license, dbt_vars))
                   for (profile, role, license), count in idle.items()),
                  key=lambda g: (-g.logging_in_owning_nothing, g.profile, g.role))


def read_scope(client: SalesforceClient, dbt_vars: Mapping[str, Any], *, read_profiles: bool = True,
               now: datetime | None = None) -> ScopeReport:
    """Read what `scope_groups` needs from the org (`read_profiles`: whether Profile is readable)."""
    now = now or datetime.now(timezone.utc).replace(tzinfo=None)
    since = now - timedelta(days=int(dbt_vars.get("sales_scope_days") or 180))
    soql = {"User": USERS, "Lead": OWNERS.format(object="Lead"), "Opportunity": OWNERS.format(object="Opportunity")}
    if read_profiles:
        soql["Profile"] = PROFILE_LICENSES
    reads = {name: RestRead(name, lambda _window, q=q: q, [Window(None)]) for name, q in soql.items()}
    records: dict[str, list[dict[str, Any]]] = {name: [] for name in soql}
    for read, page in read_pages(client, list(reads.values())):
        if isinstance(page, Restart):  # its cursor expired: read again from the start
            records[read.object_name] = []
        elif page is not None:
            records[read.object_name].extend(page.records)
    unread = [f"{read.object_name}: {read.error}" for read in reads.values() if read.error is not None]
    failed = {read.object_name for read in reads.values() if read.error is not None}
    if failed & {"User", "Lead", "Opportunity"}:
        return ScopeReport([], since, unread)
    owners = {r["OwnerId"] for name in ("Lead", "Opportunity") for r in records[name] if r.get("OwnerId")}
    licenses = {r["Id"]: (r.get("UserLicense") or {}).get("Name") for r in records.get("Profile", [])
                if (r.get("UserLicense") or {}).get("Name")}
    return ScopeReport(scope_groups(records["User"], owners, licenses, dbt_vars, since), since, unread)


def describe_scope(report: ScopeReport) -> list[str]:
    """The report as a person reads it."""
    lines = [f"Who is measured: active users who logged in since {report.since:%Y-%m-%d} and own no lead or "
             "opportunity, by profile and role (docs/who-is-measured.md):"]
    lines += [f"  {g.profile} / {g.role}{f' [{g.license}]' if g.license else ''}: {g.logging_in_owning_nothing} of "
              f"{g.active} active — {g.advice}." for g in report.groups]
    if not report.groups and not report.unread:
        lines.append("  none: everyone who logs in owns a lead or an opportunity.")
    lines += [f"  not read ({reason}): that part is not said." for reason in report.unread]
    return lines


def _parse(value: str | None) -> datetime | None:
    """A REST datetime (`2026-11-15T09:00:00.000+0000`) as naive UTC."""
    if not value:
        return None
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z").astimezone(timezone.utc).replace(tzinfo=None)
