"""The `flywheel` command through click's runner: help, mistakes, and `flywheel check` against the
real sample org (a hidden field, a refused object, a wrong password)."""

import dagster as dg
import pytest
from click.testing import CliRunner

from pipelines.cli import main as cli
from pipelines.definitions import build_defs
from pipelines.salesforce.objects import OBJECTS
from pipelines.settings import Settings


@pytest.fixture
def runner():
    return CliRunner()


def test_bare_call_prints_help_and_starts_nothing(runner):
    result = runner.invoke(cli.cli, [])
    assert "demo" in result.output and "check" in result.output and "Usage" in result.output
    assert "Preparing" not in result.output


@pytest.mark.parametrize("command", ["demo", "check", "run", "ui", "digest"])
def test_every_subcommand_has_help(runner, command):
    result = runner.invoke(cli.cli, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert f"Usage: cli {command}" in result.output or "Usage:" in result.output
    assert "Preparing" not in result.output


def test_a_mistyped_command_is_refused(runner):
    result = runner.invoke(cli.cli, ["chek"])
    assert result.exit_code != 0
    assert "No such command" in result.output


def test_an_unknown_object_is_refused_before_any_work(runner):
    result = runner.invoke(cli.cli, ["run", "--objects", "Lead,Contact"])
    assert result.exit_code == 2
    assert "unknown object Contact" in result.output and "Opportunity" in result.output
    assert "Preparing" not in result.output


def test_launch_command():
    assert cli.launch_command() == ["dg", "launch", "--job", "adoption_refresh"]
    command = cli.launch_command(True, ("Lead", "Task"))
    defs = build_defs(Settings.from_env({}, dotenv=None))
    graph = defs.resolve_asset_graph()
    selected = dg.AssetSelection.from_string(command[3]).resolve(graph)
    every = graph.get_all_asset_keys()
    left_out = {k.to_user_string() for k in every - selected}
    assert left_out == {f"raw_salesforce/{s.table}" for s in OBJECTS if s.name not in ("Lead", "Task")}
    assert dg.AssetKey(["raw_absences", "absence"]) in selected  # dbt reads it whatever is extracted
    assert '"full_refresh": true' in command[-1]


@pytest.fixture
def org_env(org, monkeypatch):
    """The CLI's environment pointed at the sample org with the password mode (login routed to it)."""
    for var in ("SALESFORCE_INSTANCE_URL", "SALESFORCE_ACCESS_TOKEN", "SALESFORCE_CONSUMER_KEY"):
        monkeypatch.delenv(var, raising=False)
    c = org.credentials
    monkeypatch.setenv("SALESFORCE_USERNAME", c.username)
    monkeypatch.setenv("SALESFORCE_PASSWORD", c.password)
    monkeypatch.setenv("SALESFORCE_SECURITY_TOKEN", c.security_token)
    monkeypatch.setattr(cli, "http_session", org.client_session)
    return org


def test_check_passes_on_a_whole_org_and_writes_nothing(runner, org_env, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = org_env.api_usage
    result = runner.invoke(cli.cli, ["check"])
    assert result.exit_code == 0, result.output
    assert "username + password + security token" in result.output
    assert "A run can proceed." in result.output
    assert "API usage today:" in result.output and "A first load costs about" in result.output
    assert "LoginHistory" in result.output
    assert list(tmp_path.iterdir()) == []
    assert org_env.api_usage - before <= 5  # describe in one call, counts five to a call


def test_check_names_a_field_hidden_by_field_level_security(runner, org_env):
    org_env.faults.hide_field("Lead", "LeadSource")
    result = runner.invoke(cli.cli, ["check"])
    assert result.exit_code == 0, result.output
    assert "warning: Lead: LeadSource hidden by field-level security" in result.output


def test_check_blocks_when_a_required_field_is_hidden(runner, org_env):
    org_env.faults.hide_field("User", "IsActive")
    result = runner.invoke(cli.cli, ["check"])
    assert result.exit_code == 1
    assert "BLOCKING: User lacks IsActive" in result.output


def test_check_names_the_login_history_permission(runner, org_env):
    org_env.faults.refuse_object("LoginHistory")
    result = runner.invoke(cli.cli, ["check"])
    assert result.exit_code == 1
    assert '"Manage Users" or "Monitor Login History"' in result.output
    assert "A run cannot proceed" in result.output


def test_check_with_a_wrong_password_fails_without_echoing_it(runner, org_env, monkeypatch):
    wrong = "Wr0ng-Passw0rd-xyzzy"
    monkeypatch.setenv("SALESFORCE_PASSWORD", wrong)
    result = runner.invoke(cli.cli, ["check"])
    assert result.exit_code == 1
    assert "Salesforce login failed (username + password + security token" in result.output
    assert wrong not in result.output


def test_run_with_objects_on_a_database_missing_the_others_is_refused_before_any_work(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLYWHEEL_DUCKDB_PATH", str(tmp_path / "new.duckdb"))
    result = CliRunner().invoke(cli.cli, ["run", "--objects", "Lead,Task"])
    assert result.exit_code == 2
    assert "User, LoginHistory" in result.output and "without --objects first" in result.output
    assert not (tmp_path / "new.duckdb").exists() and not (tmp_path / "dagster_home").exists()


def test_check_does_not_block_on_an_org_without_out_of_office_or_lead_history(runner, org_env):
    org_env.faults.refuse_object("OutOfOffice")
    org_env.faults.refuse_object("LeadHistory")
    result = runner.invoke(cli.cli, ["check"])
    assert result.exit_code == 0, result.output
    assert "A run can proceed." in result.output
    assert "OutOfOffice is not in this org" in result.output and "LeadHistory is not in this org" in result.output
