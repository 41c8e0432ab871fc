"""The `flywheel` command: demo, check, run, ui, digest. A bare call prints help; nothing starts unasked.

Only click, the settings and the list of objects are imported at start: `flywheel --help` answers
at once, and each subcommand imports what it needs (Dagster, dbt, DuckDB) when it runs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import click

from pipelines.settings import (
    ABSENCES_FILE_VAR, HOLIDAYS_FILE_VAR, SALESFORCE_VARS, InvalidSetting, Settings, read_environment,
)
from pipelines.salesforce.objects import OBJECTS_BY_NAME

# The repository root: where pyproject.toml's `[tool.dg]` makes this a `dg` project.
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def http_session() -> Any:
    """The requests session the check logs in with; None: simple-salesforce's own. (Tests route
    `*.salesforce.com` to the sample org here, as those hosts cannot be reached from them.)"""
    return None


def _run_env(settings: Settings, home: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The run's environment: the same settings (`.env` included, paths absolute) as this process."""
    return {**settings.process_environment(), "DAGSTER_HOME": str(home), **(extra or {})}


def launch_command(full_refresh: bool = False, objects: tuple[str, ...] = ()) -> list[str]:
    """The `dg launch` that runs adoption_refresh; with `objects`, every asset but the other
    objects' extracts (the absences file, the models, gates and exports run as usual)."""
    from pipelines.assets.extract import EXTRACT_STEP
    from pipelines.salesforce.objects import OBJECTS

    command = ["dg", "launch"]
    if objects:
        others = [f'key:"raw_salesforce/{spec.table}"' for spec in OBJECTS if spec.name not in objects]
        command += ["--assets", f"not ({' or '.join(others)})" if others else "*"]
    else:
        command += ["--job", "adoption_refresh"]
    if full_refresh:
        command += ["--config-json", json.dumps({"ops": {EXTRACT_STEP: {"config": {"full_refresh": True}}}})]
    return command


def _launch(command: list[str], name: str, extra_env: dict[str, str] | None = None) -> int:
    """Run `command`, its whole log in a file and its progress on the terminal; then say where the
    outputs are, or send the failed run's one alert if the run did not send it itself."""
    configured = Settings.from_env()  # a setting the environment got wrong stops here, before anything is made
    from pipelines.cli.launch import launch, log_path
    from pipelines.cli.summary import dagster_home, summary
    from pipelines.dbt.project import ensure_manifest

    home = dagster_home(Path.cwd())
    env = _run_env(configured, home, extra_env)
    settings = Settings.from_env(env, dotenv=None)
    click.echo("Preparing the dbt manifest …")
    ensure_manifest()
    click.echo("$ " + " ".join(command))
    log = log_path(settings.log_dir, name)
    launched = launch(command, env, PROJECT_ROOT, home, log, click.echo)
    if launched.returncode != 0:
        if launched.run_id:
            _alert_failed_run(settings, home, launched.run_id)
        else:  # it failed before any run began (the code location would not load): its last words
            click.echo("\n".join(log.read_text(errors="replace").splitlines()[-20:]), err=True)
        click.echo(f"\nadoption_refresh failed (exit {launched.returncode}): the lines above say which step and why; "
                   f"the whole log is in {log}.", err=True)
        return launched.returncode
    click.echo(summary(settings, home))
    return 0


def _alert_failed_run(settings: Settings, home: Path, run_id: str) -> None:
    """The failed run's alert, when no one sent it (a run of an asset selection has no hook)."""
    import logging

    import dagster as dg

    from pipelines.alerts.run_failures import alert_failed_run

    with dg.DagsterInstance.from_config(str(home)) as instance:
        reached = alert_failed_run(instance, run_id, settings.alerts, settings.alert_ledger, logging.getLogger(__name__))
    if reached:
        click.echo(f"The failure alert was sent by {', '.join(reached)}.")


def _objects(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    names = tuple(n.strip() for n in value.split(",") if n.strip())
    unknown = [n for n in names if n not in OBJECTS_BY_NAME]
    if unknown:
        raise click.BadParameter(f"unknown object {', '.join(unknown)}; known: {', '.join(OBJECTS_BY_NAME)}")
    return names


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="flywheel", prog_name="flywheel", message="%(prog)s %(version)s")
def cli() -> None:
    """Flywheel: adoption analytics for Salesforce.

    Start with `flywheel demo` (the built-in sample org), then `flywheel check` against your org.
    """


@cli.command()
@click.option("--users", type=click.IntRange(min=1), default=120, show_default=True, help="Users in the sample org.")
@click.option("--days", type=click.IntRange(min=1), default=180, show_default=True, help="Days of history.")
@click.option("--seed", type=int, default=7, show_default=True, help="The sample org's random seed.")
def demo(users: int, days: int, seed: int) -> None:
    """Run the whole pipeline on the built-in sample org and say where the outputs are."""
    settings = Settings.from_env()
    if not settings.uses_sample_org:
        raise click.UsageError("SALESFORCE_* credentials are set: the demo runs on the sample org only. "
                               "Unset them, or use `flywheel run` for your org.")
    extra = {"FLYWHEEL_SAMPLE_USERS": str(users), "FLYWHEEL_SAMPLE_DAYS": str(days), "FLYWHEEL_SAMPLE_SEED": str(seed)}
    extra |= {var: str(path) for var, path in write_sample_files(settings, seed=seed, users=users, days=days).items()}
    sys.exit(_launch(launch_command(), "demo", extra))


def write_sample_files(settings: Settings, **size: int) -> dict[str, Path]:
    """The files the sample org keeps outside Salesforce, as a real org would: its HR export of
    leave (the absences file) and its public holidays by country (the holidays file), beside the
    database; by the variable each is for. A file the environment names already is left alone."""
    from pipelines.sample_org.calendar import write_holidays_file
    from pipelines.sample_org.generator import GeneratorConfig, generate_org
    from pipelines.sample_org.leave_and_handovers import write_absences_file

    org = generate_org(GeneratorConfig(**size))
    written: dict[str, Path] = {}
    if settings.absences_file is None:
        settings.sample_absences_path.parent.mkdir(parents=True, exist_ok=True)
        write_absences_file(org.absences, settings.sample_absences_path)
        written[ABSENCES_FILE_VAR] = settings.sample_absences_path
    if settings.holidays_file is None:
        settings.sample_holidays_path.parent.mkdir(parents=True, exist_ok=True)
        write_holidays_file(org.holidays, settings.sample_holidays_path)
        written[HOLIDAYS_FILE_VAR] = settings.sample_holidays_path
    for var, path in written.items():
        kind = "absences" if var == ABSENCES_FILE_VAR else "holidays"
        click.echo(f"The sample org's {kind} file ({var}): {path}")
    return written


@cli.command()
@click.option("--full-refresh", is_flag=True, help="Read every record again instead of from the watermarks.")
@click.option("--objects", callback=_objects, metavar="Lead,Task",
              help="Extract only these objects (the models, gates and exports run as usual).")
def run(full_refresh: bool, objects: tuple[str, ...]) -> None:
    """Run adoption_refresh once against the configured org (the sample org if none)."""
    settings = Settings.from_env()  # a setting the environment got wrong is refused before Dagster is imported
    if objects:
        never = never_synced(settings.duckdb_path, objects)
        if never:
            raise click.UsageError(
                f"--objects extracts only {', '.join(objects)}, but {', '.join(never)} were never synced into "
                "this database, so the models could not be built: run `flywheel run` once without --objects first."
            )
    sys.exit(_launch(launch_command(full_refresh, objects), "run"))


def never_synced(database: Path, objects: tuple[str, ...]) -> list[str]:
    """The objects left out of `objects` that the database holds no sync of (read-only look)."""
    import duckdb

    from pipelines.extract import raw_store
    from pipelines.salesforce.objects import OBJECTS

    others = [spec.name for spec in OBJECTS if spec.name not in objects]
    if not database.exists():
        return others
    with duckdb.connect(str(database), read_only=True) as con:
        return [name for name in others if raw_store.read_state(con, name) is None]


@cli.command()
@click.option("--port", type=int, default=3000, show_default=True)
def ui(port: int) -> None:
    """Open the Dagster UI on 127.0.0.1, with runs kept in ./dagster_home (or $DAGSTER_HOME)."""
    from pipelines.cli.summary import dagster_home

    home = dagster_home(Path.cwd())
    command = ["dg", "dev", "--host", "127.0.0.1", "--port", str(port)]
    click.echo(f"DAGSTER_HOME={home} $ " + " ".join(command))
    sys.exit(subprocess.run(command, env=_run_env(Settings.from_env(), home), cwd=PROJECT_ROOT).returncode)


@cli.command()
@click.option("--preview", is_flag=True, help="Write every manager's digest to files under the export folder; send nothing.")
def digest(preview: bool) -> None:
    """Each manager's weekly digest of their own team, from the current publication.

    `--preview` writes every message (HTML and plain text, and where it would go) under
    FLYWHEEL_EXPORT_DIR/digest/preview. Sending is the job manager_digest's, run by the schedule
    weekly_manager_digest (or `dg launch --job manager_digest`) with FLYWHEEL_DIGEST=on.
    """
    if not preview:
        raise click.UsageError("flywheel digest only previews (--preview); the schedule weekly_manager_digest sends, "
                               "or `dg launch --job manager_digest` with FLYWHEEL_DIGEST=on (docs/digest.md).")
    import datetime as dt

    import duckdb

    from pipelines.definitions import warehouse
    from pipelines.digest.destinations import OverrideFileError, read_contacts
    from pipelines.digest.ledger import delivery_week
    from pipelines.digest.run import current_publication, run_digest

    settings = Settings.from_env()
    if current_publication(settings.export_dir) is None:
        raise click.ClickException(f"No publication under {settings.export_dir} yet: a run whose gates all pass "
                                   "publishes one (flywheel run, or flywheel demo).")
    def contacts() -> dict:
        with warehouse(settings).get_connection() as con:
            return read_contacts(con)

    try:
        outcome = run_digest(settings.digest, export_dir=settings.export_dir, contacts=contacts,
                             ledger_path=settings.digest_ledger_path, week=delivery_week(dt.datetime.now(dt.timezone.utc)),
                             personal_data=settings.export_personal_data, preview=True, log=click.echo)
    except duckdb.IOException:
        raise click.ClickException(f"{settings.duckdb_path} is held by a running pipeline (DuckDB takes one process): "
                                   "preview again once the run is over.") from None
    except (OverrideFileError, RuntimeError) as error:
        raise click.ClickException(str(error)) from None
    if outcome.nothing_to_send:
        raise click.ClickException(f"No digest: {outcome.nothing_to_send}")
    for line in outcome.not_routed:
        click.echo(f"Would not be sent, team {line}")


@cli.command()
def check() -> None:
    """Log in, describe every object Flywheel reads, and say whether a run can proceed.

    Writes nothing. Exits 0 when a run can proceed, 1 otherwise (with what to fix).
    """
    from pipelines.cli.check import describe, preflight
    from pipelines.salesforce.auth import AuthMode, Credentials, SalesforceLoginError, connect
    from pipelines.salesforce.client import SalesforceApiError, SalesforceClient
    values = read_environment()
    creds = Credentials(**{name: values.get(var) or None for name, var in SALESFORCE_VARS.items()})
    if creds.mode is AuthMode.NONE:
        click.echo("No SALESFORCE_* credentials are set: runs use the built-in sample org, which needs no check. "
                   "Set the variables of one auth mode (README, Connect your org) to check your org.")
        return
    click.echo(f"Logging in with {creds.mode.value} (domain {creds.domain or 'login'}, API v{creds.version}) …")
    try:
        sf = connect(creds, session=http_session())
    except SalesforceLoginError as error:
        click.echo(f"BLOCKING: {error}", err=True)
        sys.exit(1)
    client = SalesforceClient(sf, mode=creds.mode, secrets=creds.secrets(), quota_share=None)
    click.echo(f"Logged in ({creds.mode.value}).")
    try:
        report = preflight(client)
    except SalesforceApiError as error:
        click.echo(f"BLOCKING: {error}", err=True)
        sys.exit(1)
    click.echo(describe(report))
    sys.exit(0 if report.can_run else 1)


def main() -> None:
    try:
        cli()
    except InvalidSetting as error:  # a setting the environment got wrong: what to set, no traceback
        sys.exit(f"flywheel: {error}")


if __name__ == "__main__":
    main()
