"""Flywheel's settings, resolved once from the environment (and `.env`) into one object.

Every entry point builds one `Settings` (`Settings.from_env()`) and hands it on: the Dagster
code location (`pipelines/definitions.py`), the `flywheel` command and the tests. Nothing reads
`os.environ` deeper down, and nothing here writes it.

dbt runs inside `dbt_project/`, so a relative path would name another file there than here:
every path is made absolute here, before it is handed to anyone.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dotenv import dotenv_values

from pipelines.alerts.config import AlertSettings

DUCKDB_PATH_VAR = "FLYWHEEL_DUCKDB_PATH"
EXPORT_DIR_VAR = "FLYWHEEL_EXPORT_DIR"
PERSONAL_DATA_VAR = "FLYWHEEL_EXPORT_PERSONAL_DATA"
ABSENCES_FILE_VAR = "FLYWHEEL_ABSENCES_FILE"
HOLIDAYS_FILE_VAR = "FLYWHEEL_HOLIDAYS_FILE"
WAREHOUSE_VAR = "FLYWHEEL_WAREHOUSE"
LAKE_DIR_VAR = "FLYWHEEL_LAKE_DIR"
DEFAULT_DUCKDB_PATH = "data/flywheel.duckdb"
DEFAULT_EXPORT_DIR = "data/exports"
STALE_AFTER_VAR = "FLYWHEEL_STALE_AFTER_HOURS"
LOCK_WAIT_VAR = "FLYWHEEL_LOCK_WAIT_SECONDS"
DEFAULT_STALE_AFTER_HOURS = 36.0
DEFAULT_LOCK_WAIT_SECONDS = 300.0
# Where the raw rows land and which engine builds the models (docs/spark.md).
WAREHOUSES = ("duckdb", "spark")
GROUND_TRUTH_FILE = "sample_org_ground_truth.jsonl"
# The weekly manager digest (docs/digest.md).
DIGEST_VAR = "FLYWHEEL_DIGEST"
DIGEST_SCOPE_VAR = "FLYWHEEL_DIGEST_SCOPE"
DIGEST_OVERRIDES_VAR = "FLYWHEEL_DIGEST_OVERRIDES"
DIGEST_EMAIL_FROM_VAR = "FLYWHEEL_DIGEST_EMAIL_FROM"
DIGEST_SCHEDULE_VAR = "FLYWHEEL_DIGEST_SCHEDULE"
REPORT_URL_VAR = "FLYWHEEL_REPORT_URL"
DIGEST_MODES = ("off", "on", "preview")
DIGEST_SCOPES = ("team", "subtree")
DEFAULT_DIGEST_SCHEDULE = "0 7 * * 1"  # Mondays 07:00 UTC
DIGEST_LEDGER_FILE = "flywheel_digest_ledger.duckdb"
SAMPLE_ABSENCES_FILE = "sample_org_absences.csv"
SAMPLE_HOLIDAYS_FILE = "sample_org_holidays.csv"
# The built-in sample org's size (`flywheel demo --seed/--users/--days`).
SAMPLE_VARS: dict[str, str] = {"seed": "FLYWHEEL_SAMPLE_SEED", "users": "FLYWHEEL_SAMPLE_USERS",
                               "days": "FLYWHEEL_SAMPLE_DAYS"}

# Resource field → environment variable, for a real org (README, "Connect your org"; every setting: docs/operations.md).
SALESFORCE_VARS: dict[str, str] = {
    "username": "SALESFORCE_USERNAME",
    "password": "SALESFORCE_PASSWORD",
    "security_token": "SALESFORCE_SECURITY_TOKEN",
    "domain": "SALESFORCE_DOMAIN",
    "consumer_key": "SALESFORCE_CONSUMER_KEY",
    "consumer_secret": "SALESFORCE_CONSUMER_SECRET",
    "private_key_file": "SALESFORCE_PRIVATE_KEY_FILE",
    "instance_url": "SALESFORCE_INSTANCE_URL",
    "access_token": "SALESFORCE_ACCESS_TOKEN",
    "api_version": "SALESFORCE_API_VERSION",
}


# Where alerts go (docs/operations.md, "Alerts"): AlertSettings field → environment variable.
ALERT_VARS: dict[str, str] = {
    "webhook_url": "FLYWHEEL_ALERT_WEBHOOK_URL",
    "email_to": "FLYWHEEL_ALERT_EMAIL_TO",
    "email_from": "FLYWHEEL_ALERT_EMAIL_FROM",
    "smtp_host": "FLYWHEEL_SMTP_HOST",
    "smtp_port": "FLYWHEEL_SMTP_PORT",
    "smtp_username": "FLYWHEEL_SMTP_USERNAME",
    "smtp_password": "FLYWHEEL_SMTP_PASSWORD",
    "ui_url": "FLYWHEEL_UI_URL",
    "on_success": "FLYWHEEL_ALERT_ON_SUCCESS",
}


def _absolute(value: str, base: Path) -> Path:
    path = Path(value).expanduser()
    return (path if path.is_absolute() else base / path).resolve()


def _optional_path(values: Mapping[str, str], var: str, base: Path) -> Path | None:
    """The file a variable names, absolute; None when it is unset or blank."""
    value = values.get(var, "").strip()
    return _absolute(value, base) if value else None


def _true(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes"}


class InvalidSetting(ValueError):
    """A setting the environment gives a value Flywheel does not know."""


def _warehouse(value: str | None) -> str:
    warehouse = (value or WAREHOUSES[0]).strip().lower()
    if warehouse not in WAREHOUSES:
        raise InvalidSetting(f"{WAREHOUSE_VAR}={value!r} is not a warehouse Flywheel knows: set it to "
                             f"{' or '.join(WAREHOUSES)} (or leave it unset for {WAREHOUSES[0]}).")
    return warehouse


def _positive(values: Mapping[str, str], var: str, default: float) -> float:
    raw = (values.get(var) or "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        value = -1.0
    if value <= 0:
        raise InvalidSetting(f"{var}={raw!r} is not a positive number: set it to one (or leave it unset for {default:g}).")
    return value


def alert_settings(values: Mapping[str, str]) -> AlertSettings:
    """`FLYWHEEL_ALERT_*`, `FLYWHEEL_SMTP_*` and `FLYWHEEL_UI_URL` from `values`."""
    get = {field: (values.get(var) or "").strip() for field, var in ALERT_VARS.items()}
    to = tuple(a.strip() for a in get["email_to"].split(",") if a.strip())
    return AlertSettings(
        webhook_url=get["webhook_url"] or None,
        email_to=to,
        email_from=get["email_from"] or (to[0] if to else None),
        smtp_host=get["smtp_host"] or None,
        smtp_port=int(get["smtp_port"] or 587),
        smtp_username=get["smtp_username"] or None,
        smtp_password=values.get(ALERT_VARS["smtp_password"]) or None,
        ui_url=get["ui_url"].rstrip("/") or None,
        on_success=_true(get["on_success"]),
    )


def _choice(var: str, value: str | None, choices: tuple[str, ...]) -> str:
    chosen = (value or choices[0]).strip().lower()
    if chosen not in choices:
        raise InvalidSetting(f"{var}={value!r} is not a value Flywheel knows: set it to "
                             f"{' or '.join(choices)} (or leave it unset for {choices[0]}).")
    return chosen


def _cron(value: str | None) -> str:
    cron = (value or DEFAULT_DIGEST_SCHEDULE).strip()
    if len(cron.split()) != 5:
        raise InvalidSetting(f"{DIGEST_SCHEDULE_VAR}={value!r} is not a cron schedule: five fields, e.g. "
                             f"{DEFAULT_DIGEST_SCHEDULE!r} (Mondays at 07:00 UTC, the default).")
    return cron


@dataclass(frozen=True)
class DigestSettings:
    """The weekly manager digest (docs/digest.md): whether it is sent, to whom, and through which
    SMTP server (the alerts' own, `FLYWHEEL_SMTP_*`)."""

    mode: str = DIGEST_MODES[0]
    """`off` (the default), `on` (sent), `preview` (written under the export folder): `FLYWHEEL_DIGEST`."""
    scope: str = DIGEST_SCOPES[0]
    """`team` (a manager's direct reports) or `subtree` (everyone under them): `FLYWHEEL_DIGEST_SCOPE`."""
    overrides_file: Path | None = None
    """Managers (or `no manager`) to addresses or webhooks, replacing User.Email: `FLYWHEEL_DIGEST_OVERRIDES`."""
    email_from: str | None = None
    """The sender: `FLYWHEEL_DIGEST_EMAIL_FROM`, else the alerts' `FLYWHEEL_ALERT_EMAIL_FROM`."""
    report_url: str | None = None
    """Where `report/` is served (`FLYWHEEL_REPORT_URL`): the digest links each team's page there."""
    schedule: str = DEFAULT_DIGEST_SCHEDULE
    """The cron of the schedule `weekly_manager_digest`, in UTC: `FLYWHEEL_DIGEST_SCHEDULE`."""
    smtp: AlertSettings = AlertSettings()
    """The SMTP server of the alerts (its repr shows no secret)."""

    @classmethod
    def from_values(cls, values: Mapping[str, str], base: Path) -> DigestSettings:
        overrides = (values.get(DIGEST_OVERRIDES_VAR) or "").strip()
        smtp = alert_settings(values)
        return cls(
            mode=_choice(DIGEST_VAR, values.get(DIGEST_VAR), DIGEST_MODES),
            scope=_choice(DIGEST_SCOPE_VAR, values.get(DIGEST_SCOPE_VAR), DIGEST_SCOPES),
            overrides_file=_absolute(overrides, base) if overrides else None,
            email_from=(values.get(DIGEST_EMAIL_FROM_VAR) or "").strip() or smtp.email_from,
            report_url=(values.get(REPORT_URL_VAR) or "").strip().rstrip("/") or None,
            schedule=_cron(values.get(DIGEST_SCHEDULE_VAR)),
            smtp=smtp,
        )


def read_environment(env: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")) -> dict[str, str]:
    """The process environment over `.env` (the process wins, as Dagster's own loader does):
    the one mapping every setting is read from."""
    merged = {k: v for k, v in (dotenv_values(dotenv) if dotenv and dotenv.is_file() else {}).items() if v is not None}
    merged.update(os.environ if env is None else env)
    return merged


@dataclass(frozen=True)
class Settings:
    """Where Flywheel keeps its data and which org it reads."""

    duckdb_path: Path
    export_dir: Path
    export_personal_data: bool = False
    salesforce_vars: tuple[str, ...] = ()
    """The `SALESFORCE_*` variables that are set (names only, never values); none: the sample org."""
    sample_size: tuple[tuple[str, int], ...] = ()
    """The sample org's seed, users and days where `FLYWHEEL_SAMPLE_*` set them."""
    absences_file: Path | None = None
    """Leave kept outside Salesforce (`FLYWHEEL_ABSENCES_FILE`), or None."""
    holidays_file: Path | None = None
    """Public holidays, for everyone or by country (`FLYWHEEL_HOLIDAYS_FILE`), or None."""
    warehouse: str = WAREHOUSES[0]
    """`duckdb` (the default: everything in `duckdb_path`) or `spark` (raw rows as Parquet under
    `lake_dir`, dbt on Spark): `FLYWHEEL_WAREHOUSE`."""
    lake_dir: Path | None = None
    """Where the raw rows land on Spark (`FLYWHEEL_LAKE_DIR`); None: `lake/` beside the DuckDB file
    (`data/lake` by default)."""
    alerts: AlertSettings = AlertSettings()
    """Where alerts go: a webhook and/or email (`FLYWHEEL_ALERT_*`, `FLYWHEEL_SMTP_*`, `FLYWHEEL_UI_URL`)."""
    stale_after_hours: float = DEFAULT_STALE_AFTER_HOURS
    """With no successful run of adoption_refresh for this long, one alert says so
    (`FLYWHEEL_STALE_AFTER_HOURS`)."""
    lock_wait_seconds: float = DEFAULT_LOCK_WAIT_SECONDS
    """How long a run waits for another process to let go of the working DuckDB file before it
    fails naming it (`FLYWHEEL_LOCK_WAIT_SECONDS`)."""
    digest: DigestSettings = DigestSettings()
    """The weekly manager digest: `FLYWHEEL_DIGEST*`, `FLYWHEEL_REPORT_URL` and the alerts' SMTP server."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, dotenv: Path | None = Path(".env"),
                 base: Path | None = None) -> Settings:
        """Read once: `FLYWHEEL_DUCKDB_PATH` (default `data/flywheel.duckdb`),
        `FLYWHEEL_EXPORT_DIR` (default `data/exports`), `FLYWHEEL_EXPORT_PERSONAL_DATA`,
        `FLYWHEEL_ABSENCES_FILE`, `FLYWHEEL_HOLIDAYS_FILE`, `FLYWHEEL_SAMPLE_*`, `FLYWHEEL_WAREHOUSE` (default
        `duckdb`), `FLYWHEEL_LAKE_DIR` (default `lake/` beside the DuckDB file), the alert channels,
        `FLYWHEEL_STALE_AFTER_HOURS` (36), `FLYWHEEL_LOCK_WAIT_SECONDS` (300), the digest's
        `FLYWHEEL_DIGEST*` and `FLYWHEEL_REPORT_URL` (with the alerts' `FLYWHEEL_SMTP_*`), and which
        `SALESFORCE_*` variables are set. Relative paths are taken from `base` (the working
        directory)."""
        values = read_environment(env, dotenv)
        base = base or Path.cwd()
        return cls(
            duckdb_path=_absolute(values.get(DUCKDB_PATH_VAR) or DEFAULT_DUCKDB_PATH, base),
            export_dir=_absolute(values.get(EXPORT_DIR_VAR) or DEFAULT_EXPORT_DIR, base),
            export_personal_data=_true(values.get(PERSONAL_DATA_VAR)),
            salesforce_vars=tuple(var for var in SALESFORCE_VARS.values() if values.get(var)),
            sample_size=tuple((field, int(values[var])) for field, var in SAMPLE_VARS.items() if values.get(var)),
            absences_file=_optional_path(values, ABSENCES_FILE_VAR, base),
            holidays_file=_optional_path(values, HOLIDAYS_FILE_VAR, base),
            warehouse=_warehouse(values.get(WAREHOUSE_VAR)),
            lake_dir=_absolute(values[LAKE_DIR_VAR], base) if values.get(LAKE_DIR_VAR) else None,
            alerts=alert_settings(values),
            stale_after_hours=_positive(values, STALE_AFTER_VAR, DEFAULT_STALE_AFTER_HOURS),
            lock_wait_seconds=_positive(values, LOCK_WAIT_VAR, DEFAULT_LOCK_WAIT_SECONDS),
            digest=DigestSettings.from_values(values, base),
        )

    @property
    def uses_sample_org(self) -> bool:
        return not self.salesforce_vars

    @property
    def lake(self) -> Path:
        """The lake folder (`pipelines/storage/lake.py`), used when `warehouse` is `spark`."""
        return self.lake_dir or self.duckdb_path.parent / "lake"

    @property
    def alert_ledger(self) -> Path:
        """The runs an alert was sent for, one file each, beside the database
        (`data/flywheel.duckdb` → `data/flywheel.alerts/`): whoever claims a run first sends
        its one alert (pipelines/alerts/ledger.py)."""
        return self.duckdb_path.with_name(f"{self.duckdb_path.stem}.alerts")

    @property
    def log_dir(self) -> Path:
        """Where `flywheel demo` and `flywheel run` write each run's whole log (`data/logs/`)."""
        return self.duckdb_path.parent / "logs"

    @property
    def ground_truth_path(self) -> Path:
        """Where the built-in sample org writes its planted truth (never served by the API)."""
        return self.duckdb_path.parent / GROUND_TRUTH_FILE

    @property
    def digest_ledger_path(self) -> Path:
        """What the digest sent to whom (`pipelines/digest/ledger.py`): a DuckDB file of its own
        beside the working database, which a running pipeline never holds."""
        return self.duckdb_path.parent / DIGEST_LEDGER_FILE

    @property
    def sample_absences_path(self) -> Path:
        """Where `flywheel demo` writes the built-in sample org's absences file."""
        return self.duckdb_path.parent / SAMPLE_ABSENCES_FILE

    @property
    def sample_holidays_path(self) -> Path:
        """Where `flywheel demo` writes the built-in sample org's holidays file."""
        return self.duckdb_path.parent / SAMPLE_HOLIDAYS_FILE

    def process_environment(self, env: Mapping[str, str] | None = None) -> dict[str, str]:
        """The environment for a process Flywheel starts (a Dagster run, dbt by hand): the same
        settings, paths absolute, `.env` included."""
        values = read_environment(env)
        values.update({DUCKDB_PATH_VAR: str(self.duckdb_path), EXPORT_DIR_VAR: str(self.export_dir),
                       WAREHOUSE_VAR: self.warehouse, LAKE_DIR_VAR: str(self.lake)})
        return values
