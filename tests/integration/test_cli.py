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


def test_version():
    from importlib.metadata import version

    result = CliRunner().invoke(cli.cli, ["--version"])
    assert result.exit_code == 0 and result.output == f"flywheel {version('flywheel')}\n"


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
    assert org_env.api_usage - before <= 5  # describe in one call, counts five to a call, who logs in in one


def test_check_warns_of_a_hidden_field_no_rule_needs(runner, org_env):
    org_env.shape.hide_field("Lead", "LeadSource")
    result = runner.invoke(cli.cli, ["check"])
    assert result.exit_code == 0, result.output
    assert "warning: Lead: LeadSource hidden by field-level security (or absent); no rule needs them" in result.output
    assert "A run can proceed." in result.output


@pytest.mark.parametrize(("obj", "field", "rules"), [
    ("Lead", "OwnerId", "the rule neglected_leads"),
    ("Opportunity", "StageName", "the rule deal_logged_at_close"),
    ("LoginHistory", "LoginType", "the rules dormant, login_only, declining_usage"),
])
def test_check_fails_naming_a_hidden_field_a_rule_needs_and_the_rules_it_blinds(runner, org_env, obj, field, rules):
    org_env.shape.hide_field(obj, field)
    org_env.shape.hide_field("Lead", "LeadSource")  # beside it, a field no rule needs: still a warning
    result = runner.invoke(cli.cli, ["check"])
    assert result.exit_code == 1, result.output
    [blocking] = [line for line in result.output.splitlines() if line.startswith("BLOCKING")]
    assert f"{obj}.{field} is hidden by field-level security (or absent)" in blocking
    assert f"and {rules} cannot judge without it" in blocking
    assert f"Grant the integration user Read on {obj}.{field}" in blocking and "Set Field-Level Security" in blocking
    assert "warning: Lead: LeadSource hidden" in result.output
    assert "A run cannot proceed" in result.output


def test_check_blocks_when_a_required_field_is_hidden(runner, org_env):
    org_env.shape.hide_field("User", "IsActive")
    result = runner.invoke(cli.cli, ["check"])
    assert result.exit_code == 1
    assert "BLOCKING: User lacks IsActive" in result.output


def test_check_names_the_login_history_permission(runner, org_env):
    org_env.shape.refuse_object("LoginHistory")
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
    org_env.shape.refuse_object("OutOfOffice")
    org_env.shape.refuse_object("LeadHistory")
    result = runner.invoke(cli.cli, ["check"])
    assert result.exit_code == 0, result.output
    assert "A run can proceed." in result.output
    assert "OutOfOffice is not in this org" in result.output and "LeadHistory is not in this org" in result.output


def test_check_says_who_logs_in_and_owns_nothing_and_which_vars_take_them_out(runner, org_env):
    """The sample org's support team, analyst, admin and Platform users log in and own no lead or
    opportunity: each profile and role is named with the vars that decide them."""
    result = runner.invoke(cli.cli, ["check"])
    assert result.exit_code == 0, result.output
    assert "Who is measured: active users who logged in since" in result.output
    assert ("  Custom: Support Profile / Support Agent [Salesforce]: 3 of 3 active — the data rule leaves out those who "
            'also log no sales activity in 180 days; to take them all out set non_seller_profiles: ["Custom: Support '
            'Profile"] (or non_seller_roles: ["Support Agent"]), to keep them all in seller_profiles: ["Custom: Support '
            'Profile"] (or seller_roles: ["Support Agent"]).') in result.output
    assert ("Standard Platform User / Operations [Salesforce Platform]: 2 of 2 active — already out: their licence "
            "Salesforce Platform is in non_seller_licenses.") in result.output
    assert "Custom: Support Profile / Support Manager [Salesforce]: 1 of 1 active" in result.output


def test_check_warns_of_a_var_the_org_picklist_lacks(runner, org_env, monkeypatch):
    from pipelines.cli import check

    vars_ = {**check.project_vars(), "lead_initial_statuses": ["Open - Not Contacted", "MQL"]}
    monkeypatch.setattr(check, "project_vars", lambda: vars_)
    result = runner.invoke(cli.cli, ["check"])
    assert result.exit_code == 0, result.output  # a warning, never a block
    assert "warning: Lead: lead_initial_statuses names 'MQL', which the org's Lead.Status picklist does not hold" in result.output
    assert "new_business_types" not in result.output  # 'New Customer' and 'New Business' are both in the org's Type picklist


def test_check_does_not_block_on_an_org_without_user_login(runner, org_env):
    """An integration user without "Manage Users" cannot read UserLogin: the frozen rule does without."""
    org_env.shape.refuse_object("UserLogin")
    result = runner.invoke(cli.cli, ["check"])
    assert result.exit_code == 0, result.output
    assert ('warning: UserLogin is not in this org, or not readable by this user (reading UserLogin needs "Manage '
            'Users"; without it no one is known to be frozen): normal') in result.output


def test_a_setting_out_of_range_is_refused_with_what_to_set(tmp_path, monkeypatch):
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "FLYWHEEL_STALE_AFTER_HOURS": "a day"}
    done = subprocess.run([sys.executable, "-m", "pipelines.cli.main", "run"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "FLYWHEEL_STALE_AFTER_HOURS='a day' is not a positive number" in done.stderr
    assert list(tmp_path.iterdir()) == []  # nothing started, nothing written
