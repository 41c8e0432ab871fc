"""`flywheel check`: can a run proceed against this org? Reads only; writes nothing.

Logs in with the configured auth mode, describes every object the pipeline reads, counts their
records, and compares what a first load would cost with the org's daily API allowance. It warns
(never blocks) about optional objects the org does not let it read and about rule vars naming a
value the org's picklists lack, and says who logs in but owns no lead or opportunity, per
profile and role, with the vars that would take them out or keep them in (`scope.py`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipelines.cli.scope import ScopeReport, describe_scope, read_scope
from pipelines.dbt.picklists import picklist_warnings, project_vars
from pipelines.extract.columns import picklist_values
from pipelines.dbt.rule_fields import rule_fields
from pipelines.extract.options import DEFAULT_BULK_THRESHOLD
from pipelines.extract.sync import not_in_org
from pipelines.salesforce.client import MAX_QUERY_SUBREQUESTS, SalesforceApiError, SalesforceClient
from pipelines.salesforce.objects import OBJECTS, ObjectSpec

LOGIN_HISTORY_PERMISSION = '"Manage Users" or "Monitor Login History"'
# Bulk API 2.0: create, a few status polls, and one call per results page (up to ~50,000 rows).
BULK_FIXED_CALLS = 4
BULK_PAGE_ROWS = 50_000


@dataclass(frozen=True)
class Finding:
    blocking: bool
    text: str


@dataclass
class Preflight:
    findings: list[Finding] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    first_load_calls: int = 0
    api_usage: tuple[int, int] | None = None
    scope: ScopeReport | None = None  # who logs in but owns nothing (None: User, Lead or Opportunity unreadable)

    @property
    def can_run(self) -> bool:
        return not any(f.blocking for f in self.findings)

    def block(self, text: str) -> None:
        self.findings.append(Finding(True, text))

    def warn(self, text: str) -> None:
        self.findings.append(Finding(False, text))


def first_load_calls(counts: dict[str, int], *, page_size: int = 2000,
                     bulk_threshold: int | None = DEFAULT_BULK_THRESHOLD, objects: int | None = None) -> int:
    """API calls a first load of these record counts costs: one describe call, the COUNT()s five
    to a Composite call, REST pages five to a Composite call, and each Bulk job's calls."""
    objects = len(counts) if objects is None else objects
    rest_pages = bulk = 0
    for rows in counts.values():
        if bulk_threshold and rows >= bulk_threshold:
            bulk += BULK_FIXED_CALLS + math.ceil(rows / BULK_PAGE_ROWS)
        else:
            rest_pages += max(1, math.ceil(rows / page_size))
    return 1 + math.ceil(objects / MAX_QUERY_SUBREQUESTS) + math.ceil(rest_pages / MAX_QUERY_SUBREQUESTS) + bulk


def _refused_text(spec: ObjectSpec, error: SalesforceApiError) -> str:
    if spec.name == "LoginHistory":
        return (f"LoginHistory cannot be read ({error}). Give the integration user the permission "
                f"{LOGIN_HISTORY_PERMISSION} (a permission set is enough): login-based metrics need it.")
    return f"{spec.name} cannot be read ({error}). Give the integration user Read access to {spec.name}."


def _blinded_text(spec: ObjectSpec, field: str, rules: Sequence[str]) -> str:
    named = f"the rule {rules[0]}" if len(rules) == 1 else f"the rules {', '.join(rules)}"
    return (f"{spec.name}.{field} is hidden by field-level security (or absent), and {named} cannot judge "
            "without it: flags would be missed, or raised on the wrong people. "
            f"Grant the integration user Read on {spec.name}.{field} (Setup → Object Manager → {spec.name} → "
            "Fields & Relationships → the field → Set Field-Level Security, or Field Permissions in a "
            "permission set).")


def preflight(client: SalesforceClient, objects: Sequence[ObjectSpec] = OBJECTS, *, page_size: int = 2000,
              bulk_threshold: int | None = DEFAULT_BULK_THRESHOLD, quota_share: float = 0.8,
              needed_by: dict[str, tuple[str, ...]] | None = None) -> Preflight:
    """What stands between this org and a run: pure reads through `client`. A hidden field that
    a rule needs (`needed_by`: field → rules, from the rules' YAML) blocks; any other is a warning."""
    needed_by = rule_fields() if needed_by is None else needed_by
    report = Preflight()
    readable: list[ObjectSpec] = []
    dbt_vars = project_vars()
    describes = client.describe_many([s.name for s in objects])
    for spec in objects:
        answer = describes[spec.name]
        if isinstance(answer, SalesforceApiError) and not_in_org(spec, answer):
            report.warn(f"{spec.name} is not in this org, or not readable by this user ({spec.optional}): normal; "
                        "the rules do without it.")
            continue
        if isinstance(answer, SalesforceApiError):
            report.block(_refused_text(spec, answer))
            continue
        visible = {f["name"].lower() for f in answer["fields"]}
        missing = [f for f in spec.fields if "." not in f and f.lower() not in visible]
        required = [f for f in missing if f in spec.required]
        if required:
            report.block(f"{spec.name} lacks {', '.join(required)}, without which its rows mean nothing: "
                         "field-level security hides them from the integration user; grant Read on them.")
            continue
        for field in missing:
            if f"{spec.name}.{field}" in needed_by:
                report.block(_blinded_text(spec, field, needed_by[f"{spec.name}.{field}"]))
        optional = [f for f in missing if f"{spec.name}.{f}" not in needed_by]
        if optional:
            report.warn(f"{spec.name}: {', '.join(optional)} hidden by field-level security (or absent); no rule "
                        "needs them: they are skipped and their columns stay empty. Grant Read on them to fill them.")
        for warning in picklist_warnings(spec.name, picklist_values(answer), dbt_vars):
            report.warn(f"{spec.name}: {warning}")
        readable.append(spec)
    counted = client.count_many({s.name: f"SELECT COUNT() FROM {s.name}" for s in readable})
    for spec in readable:
        answer = counted[spec.name]
        if isinstance(answer, SalesforceApiError):
            report.block(_refused_text(spec, answer))
        else:
            report.counts[spec.name] = answer
    names = {spec.name for spec in readable}
    if {"User", "Lead", "Opportunity"} <= names:
        report.scope = read_scope(client, dbt_vars, read_profiles="Profile" in names)
    report.first_load_calls = first_load_calls(
        report.counts, page_size=page_size, bulk_threshold=bulk_threshold, objects=len(objects)
    )
    report.api_usage = client.api_usage
    if report.api_usage and report.api_usage[1]:
        used, limit = report.api_usage
        allowed = int(quota_share * limit) - used
        if allowed < report.first_load_calls:
            report.block(
                f"A first load needs about {report.first_load_calls:,} API calls, and only {max(allowed, 0):,} "
                f"remain today under Flywheel's {quota_share:.0%} share of the org's {limit:,}: "
                "run after the daily limit resets (a rolling 24 hours), or raise api_quota_share."
            )
    return report


def describe(report: Preflight) -> str:
    """The report as a person reads it."""
    lines = [f"  {name:<20} {rows:>12,} records" for name, rows in report.counts.items()]
    if report.api_usage:
        used, limit = report.api_usage
        lines.append(f"API usage today: {used:,} of {limit:,} daily requests.")
    lines.append(f"A first load costs about {report.first_load_calls:,} API calls.")
    if report.scope is not None:
        lines += describe_scope(report.scope)
    lines += [("BLOCKING: " if f.blocking else "warning: ") + f.text for f in report.findings]
    lines.append("A run can proceed." if report.can_run else "A run cannot proceed: fix the BLOCKING items above.")
    return "\n".join(lines)
