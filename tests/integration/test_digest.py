"""The weekly manager digest, end to end: the job `manager_digest` on copies of the shared good run
of the small sample org, sending through a real SMTP server (aiosmtpd) and a real webhook receiver
on 127.0.0.1, each message held against the org's own hierarchy (its User records: who reports to
whom, and each manager's Email).

Nothing is mocked: the publication, the working database, the ledger file, the SMTP conversation,
the webhook POST and the failure alert's sensor are the real ones.
"""

import datetime as dt
import email
import email.policy
from html import escape
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from click.testing import CliRunner
from conftest import named_outside, reports_of, run_pipeline, sense

from pipelines.alerts.config import AlertSettings
from pipelines.alerts.sensors import build_alert_sensors
from pipelines.assets.digest import DIGEST_JOB, DIGEST_KEY, SCHEDULED_AT_TAG
from pipelines.cli.main import cli
from pipelines.definitions import build_defs
from pipelines.publish.publication import DATABASE_NAME
from pipelines.settings import Settings

pytestmark = pytest.mark.slow  # runs on the shared good run of the whole job, and one run a gate stops

MONDAY = dt.datetime(2026, 11, 16, 7, 0, tzinfo=dt.timezone.utc)  # the schedule's tick after the as-of date
TOKEN = "T0ken-Of-The-Teams-Webhook-4242"
REPORT_URL = "https://reports.example.org/flywheel"
SENDER = "flywheel@example.org"


def parts(raw: str) -> tuple[str, str, str, str]:
    """(To, Subject, plain text, HTML) of a mail as the SMTP server received it."""
    mail = email.message_from_string(raw, policy=email.policy.default)
    return (str(mail["To"]).strip(), str(mail["Subject"]).strip(), mail.get_body(("plain",)).get_content(),
            mail.get_body(("html",)).get_content())


def digest_settings(database: Path, exports: Path, alerts: AlertSettings = AlertSettings(), **digest) -> Settings:
    from pipelines.settings import DigestSettings

    return Settings(duckdb_path=database, export_dir=exports, alerts=alerts, digest=DigestSettings(**digest))


def run_digest_job(database: Path, exports: Path, *, at: dt.datetime = MONDAY, instance=None,
                   alerts: AlertSettings = AlertSettings(), **digest) -> dg.ExecuteInProcessResult:
    """The code location's own job `manager_digest`, as the schedule launches it at `at`."""
    settings = digest_settings(database, exports, alerts, **digest)
    job = build_defs(settings).resolve_job_def(DIGEST_JOB)
    return job.execute_in_process(instance=instance or dg.DagsterInstance.ephemeral(), raise_on_error=False,
                                  tags={SCHEDULED_AT_TAG: at.isoformat()})


def outcome(result: dg.ExecuteInProcessResult) -> dict:
    [event] = [e for e in result.get_asset_materialization_events() if e.asset_key == DIGEST_KEY]
    return {k: v.value for k, v in event.materialization.metadata.items()}


def teams_published(exports: Path) -> dict[str | None, str]:
    """team_id by manager_id, of the publication's current week."""
    with duckdb.connect(str(exports / "current" / DATABASE_NAME), read_only=True) as con:
        return dict(con.execute(
            "SELECT manager_id, team_id FROM marts.team_adoption "
            "WHERE week_ending_on = (SELECT max(week_ending_on) FROM marts.team_adoption)").fetchall())


def flagged_names(exports: Path, manager_id: str | None) -> set[str]:
    with duckdb.connect(str(exports / "current" / DATABASE_NAME), read_only=True) as con:
        return {n for (n,) in con.execute(
            "SELECT user_name FROM marts.silent_non_use WHERE manager_id IS NOT DISTINCT FROM ?", [manager_id]).fetchall()}


@pytest.fixture
def copy(good_run, tmp_path):
    return good_run.copy_to(tmp_path)


def test_each_manager_gets_their_own_team_once_and_a_gate_stopped_run_sends_nothing(
        copy, org_users, smtp, receiver, tmp_path, org, monkeypatch):
    database, exports = copy
    url, posts = receiver
    teams = teams_published(exports)
    managers = {m for m in teams if m is not None}
    assert len(managers) >= 10 and None in teams  # the small org: managers of managers, and people without one
    # one team goes to its channel's webhook instead of its manager's mail (named by username); the
    # team without a manager goes to another channel, as only the override file can route it
    by_webhook = sorted(managers)[0]
    overrides = tmp_path / "digest_overrides.csv"
    overrides.write_text(f"manager,send_to\n{org_users[by_webhook]['Username']},{url}?token={TOKEN}\n"
                         f"no manager,{url}?channel=unassigned&token={TOKEN}\n")
    # what a run a gate stopped would leave in the working database: never read for a message
    with duckdb.connect(str(database)) as con:
        con.execute("UPDATE marts.silent_non_use SET user_name = 'Poison Pill', evidence = 'poisoned evidence'")
        con.execute("UPDATE marts.team_adoption SET manager_name = 'Poison Pill'")
    settings = dict(mode="on", smtp=AlertSettings(smtp_host="127.0.0.1", smtp_port=smtp.port), email_from=SENDER,
                    overrides_file=overrides, report_url=REPORT_URL)

    first = run_digest_job(database, exports, **settings)
    assert first.success
    emailed = managers - {by_webhook}
    assert len(smtp.mails) == len(emailed) and len(posts) == 2  # one message per team
    seen = set()
    for raw, envelope in zip(smtp.mails, smtp.recipients):
        to, subject, text, html = parts(raw)
        [manager] = [m for m in emailed if org_users[m]["Email"] == to]  # each manager's own User.Email
        assert envelope == [to] and manager not in seen
        seen.add(manager)
        team = reports_of(manager, org_users) | {manager}
        assert named_outside(text, team, org_users) == set() == named_outside(html, team, org_users), to
        assert f"{org_users[manager]['Name']}'s team" in text
        assert all(n in text and escape(n) in html for n in flagged_names(exports, manager))  # who is silent
        assert "Poison Pill" not in raw and "poisoned" not in raw
        assert f"{REPORT_URL}/teams/{teams[manager]}.html" in text and f'href="{REPORT_URL}/teams/{teams[manager]}.html"' in html
        assert (exports / "report" / "teams" / f"{teams[manager]}.html").is_file()  # the page it links to
        assert subject.startswith("Your team: CRM week to 15 Nov 2026, ")
        assert len(raw) < 40_000  # small: no script, no image
    assert seen == emailed
    unassigned = next(p["text"] for p in posts if "People without a manager in Salesforce" in p["text"])
    assert named_outside(unassigned, reports_of(None, org_users), org_users) == set()
    assert flagged_names(exports, None) and all(n in unassigned for n in flagged_names(exports, None))
    webhook_team = next(p["text"] for p in posts if p["text"] != unassigned)
    assert named_outside(webhook_team, reports_of(by_webhook, org_users) | {by_webhook}, org_users) == set()
    metadata = outcome(first)
    assert (metadata["sent"], metadata["failed"], metadata["not_routed"]) == (len(teams), 0, 0)
    # the webhook's token reaches no metadata, no event and no ledger row
    assert TOKEN not in str(metadata) and all(TOKEN not in str(e) for e in first.all_events)
    ledger = database.parent / "flywheel_digest_ledger.duckdb"
    assert TOKEN.encode() not in ledger.read_bytes()
    with duckdb.connect(str(ledger), read_only=True) as con:
        rows = con.execute("SELECT delivery_week, status, count(*) FROM digest_ledger GROUP BY ALL").fetchall()
    assert rows == [("2026-W47", "sent", len(teams))]

    # a second run of the same week (a retry, a second tick) sends nothing again
    again = run_digest_job(database, exports, **settings)
    assert again.success and len(smtp.mails) == len(emailed) and len(posts) == 2
    assert (outcome(again)["sent"], outcome(again)["already_sent"]) == (0, len(teams))

    # a run a gate stops publishes nothing: the next week's digest has nothing new to send
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(org.ca_file))
    org.store.upsert("Lead", [{"Id": "00Q-not-an-id", "LastName": "X", "Company": "Y", "Status": "Open - Not Contacted"}])
    stopped = run_pipeline(org, database, exports)
    assert not stopped.success
    next_week = run_digest_job(database, exports, at=MONDAY + dt.timedelta(days=7), **settings)
    assert next_week.success and len(smtp.mails) == len(emailed) and len(posts) == 2
    assert (outcome(next_week)["delivery_week"], outcome(next_week)["sent"]) == ("2026-W48", 0)


def test_a_team_that_cannot_be_reached_raises_one_alert_and_a_retry_sends_only_it(copy, org_users, smtp, receiver,
                                                                                     monkeypatch):
    database, exports = copy
    url, alerts = receiver
    managers = sorted(m for m in teams_published(exports) if m is not None)
    refused = managers[1]
    smtp.refuse.add(org_users[refused]["Email"])
    settings = dict(mode="on", smtp=AlertSettings(smtp_host="127.0.0.1", smtp_port=smtp.port), email_from=SENDER)
    with dg.instance_for_test() as instance:
        failed = run_digest_job(database, exports, instance=instance, alerts=AlertSettings(webhook_url=url), **settings)
        assert not failed.success
        assert len(smtp.mails) == len(managers) - 1  # every other team got theirs
        assert len(alerts) == 1  # the run sent it itself (the job's failure hook), with no daemon
        sensors = build_alert_sensors(digest_settings(database, exports, AlertSettings(webhook_url=url), **settings),
                                      "adoption_refresh")
        sense(next(s for s in sensors if s.name == "flywheel_failure_alert"), instance, failed)
    [alert] = alerts  # one alert, for every team that was not reached; the daemon's sensor sent no second
    text = alert["text"]
    assert f"{refused} (email): SMTPRecipientsRefused 550" in text and "1 of " in text
    assert org_users[refused]["Email"] not in text and org_users[refused]["Name"] not in text
    assert "not delivered" in text or "could not be delivered" in text

    smtp.refuse.clear()
    retry = run_digest_job(database, exports, **settings)  # the same week: only the team that missed it
    assert retry.success and len(smtp.mails) == len(managers)
    assert parts(smtp.mails[-1])[0] == org_users[refused]["Email"]
    assert (outcome(retry)["sent"], outcome(retry)["already_sent"]) == (1, len(managers) - 1)


def test_no_digest_before_a_good_publication(org, smtp, tmp_path, monkeypatch):
    """The first run of a new install is stopped by a gate: nothing is published, and the digest,
    however often it runs, sends nothing and says why."""
    database, exports = tmp_path / "flywheel.duckdb", tmp_path / "exports"
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(org.ca_file))
    org.store.upsert("Lead", [{"Id": "00Q-not-an-id", "LastName": "X", "Company": "Y", "Status": "Open - Not Contacted"}])
    assert not run_pipeline(org, database, exports).success
    result = run_digest_job(database, exports, mode="on",
                            smtp=AlertSettings(smtp_host="127.0.0.1", smtp_port=smtp.port), email_from=SENDER)
    assert result.success and smtp.mails == []
    assert "no good publication yet" in outcome(result)["details"]["nothing_to_send"]
    assert not (tmp_path / "flywheel_digest_ledger.duckdb").exists()


def test_preview_writes_every_message_and_sends_nothing(copy, org_users, smtp, monkeypatch):
    database, exports = copy
    result = run_digest_job(database, exports, mode="preview",
                            smtp=AlertSettings(smtp_host="127.0.0.1", smtp_port=smtp.port), email_from=SENDER)
    assert result.success and smtp.mails == []
    folder = exports / "digest" / "preview"
    teams = teams_published(exports)
    assert {p.name for p in folder.glob("*.html")} == {f"{t.replace(' ', '-')}.html" for t in teams.values()}
    index = (folder / "index.txt").read_text()
    assert "no-manager: not sent: no manager in Salesforce" in index
    assert all(u["Email"] not in index for u in org_users.values())  # FLYWHEEL_EXPORT_PERSONAL_DATA is off
    assert not (database.parent / "flywheel_digest_ledger.duckdb").exists()

    # the command line writes the same files for the current publication
    for path in folder.iterdir():
        path.unlink()
    monkeypatch.setenv("FLYWHEEL_DUCKDB_PATH", str(database))
    monkeypatch.setenv("FLYWHEEL_EXPORT_DIR", str(exports))
    done = CliRunner().invoke(cli, ["digest", "--preview"])
    assert done.exit_code == 0, done.output
    assert {p.name for p in folder.glob("*.html")} == {f"{t.replace(' ', '-')}.html" for t in teams.values()}
    manager = next(m for m in teams if m is not None)
    text = (folder / f"{teams[manager]}.txt").read_text()
    assert named_outside(text, reports_of(manager, org_users) | {manager}, org_users) == set()


def test_a_manager_of_managers_reads_their_direct_reports_unless_the_scope_is_the_subtree(copy, org_users, smtp):
    database, exports = copy
    teams = teams_published(exports)
    managers = {m for m in teams if m is not None}
    top = next(m for m in managers if org_users[m]["ManagerId"] is None)  # the VP: managers report to them
    below = {u for m in reports_of(top, org_users) if m in managers for u in reports_of(m, org_users)}
    assert below - reports_of(top, org_users)
    for scope, named in (("team", reports_of(top, org_users)), ("subtree", reports_of(top, org_users) | below)):
        assert run_digest_job(database, exports, mode="preview", scope=scope).success
        text = (exports / "digest" / "preview" / f"{teams[top]}.txt").read_text()
        assert named_outside(text, named | {top}, org_users) == set(), scope
        if scope == "subtree":  # the teams under them, each under its manager's name, with who is silent there
            for manager in reports_of(top, org_users) & managers:
                assert f"{org_users[manager]['Name']}'s team" in text
                assert all(n in text for n in flagged_names(exports, manager))
