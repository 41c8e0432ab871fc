"""The weekly digest's pure parts: where a digest goes (the override file), who is under whom, the
words of a message, what a failure may say, the ledger, and its settings."""

import datetime as dt
import smtplib

import duckdb
import pytest
import requests

from pipelines.assets.digest import SCHEDULED_AT_TAG, when
from pipelines.digest.content import Away, Badge, Digest, Flag, Pillars, Streak, TeamSection, under
from pipelines.digest.delivery import email, failure_reason, webhook_text
from pipelines.digest.destinations import Contact, Destination, OverrideFileError, parse_overrides, route
from pipelines.digest.ledger import SENDING, SENT, Ledger, delivery_week
from pipelines.digest.render import render_digest
from pipelines.report.teams import page_name, page_url
from pipelines.settings import InvalidSetting, Settings

AS_OF = dt.date(2026, 11, 15)
ANN = Contact("005000000000001AAA", "ann@acme.example", "Ann.Lee@Acme.example", True)
BO = Contact("005000000000002AAA", "bo@acme.example", None, True)
CY = Contact("005000000000003AAA", "cy@acme.example", "cy@acme.example", False)
HOOK = "https://hooks.slack.example/services/T000/B000/s3cr3t-t0ken"


def section(manager_id="005000000000001AAA", manager_name="Ann Lee", **parts) -> TeamSection:
    return TeamSection(manager_id or "no manager", manager_id, manager_name, parts.pop("members", ("Dana Diaz",)),
                       1, 70.0, 65.0, "healthy", **parts)


def digest(*sections: TeamSection) -> Digest:
    first = sections[0]
    return Digest(first.team_id, first.manager_id, first.manager_name, AS_OF, sections)


def test_the_override_file_names_managers_as_the_absences_file_names_people():
    text = ("manager,send_to\n"
            "ann@acme.example,team-ann@acme.example\n"  # a username
            "005000000000002,https://hooks.slack.example/services/T000/B000/s3cr3t-t0ken\n"  # a 15-character Id
            "ann.lee@acme.example,ops@acme.example\n"  # an email, in another case: a second destination
            "No Manager,unassigned@acme.example\n"
            "\n"
            "zed@acme.example,zed@acme.example\n")  # no such manager: skipped, by line
    overrides = parse_overrides(text, [ANN, BO, CY])
    assert overrides.by_manager[ANN.manager_id] == (Destination("email", "team-ann@acme.example"),
                                                    Destination("email", "ops@acme.example"))
    assert overrides.by_manager[BO.manager_id] == (Destination("webhook", HOOK),)
    assert overrides.by_manager[None] == (Destination("email", "unassigned@acme.example"),)
    assert overrides.skipped_lines == (7,)


@pytest.mark.parametrize(("text", "says"), [
    ("manager,address\nann@acme.example,x@acme.example\n", "line 1: the header must be manager,send_to"),
    ("manager,send_to\nann@acme.example,\n", "line 2: manager and send_to must both be given"),
    ("manager,send_to\nann@acme.example,a@b.example,extra\n", "line 2: 3 fields where the header has 2"),
    (f"manager,send_to\nann@acme.example,ftp://{HOOK[8:]}\n", "line 2: send_to is neither an email address nor an http(s) URL"),
])
def test_a_malformed_override_file_is_refused_with_its_line_and_never_repeats_a_url(text, says):
    with pytest.raises(OverrideFileError) as refused:
        parse_overrides(text, [ANN])
    assert str(refused.value) == f"digest override file, {says}"
    assert "s3cr3t" not in str(refused.value)


def test_a_digest_goes_to_the_override_file_else_the_managers_email_else_nowhere_with_why():
    overrides = parse_overrides(f"manager,send_to\n{CY.username},{HOOK}\n", [ANN, BO, CY])
    contacts = {c.manager_id: c for c in (ANN, BO, CY)}
    to_ann = route(digest(section()), contacts, overrides)
    assert (to_ann.destinations, to_ann.source) == ((Destination("email", ANN.email),), "User.Email")
    assert "no User.Email" in route(digest(section(BO.manager_id, "Bo")), contacts, overrides).reason
    # a deactivated manager's reports still name them: the team goes where the file says, else nowhere
    assert route(digest(section(CY.manager_id, "Cy")), contacts, overrides).destinations == (Destination("webhook", HOOK),)
    assert "deactivated" in route(digest(section(CY.manager_id, "Cy")), contacts, parse_overrides("manager,send_to\n", [])).reason
    unassigned = route(digest(section(None, "no manager in Salesforce")), contacts, overrides)
    assert unassigned.destinations == () and "name `no manager` in the override file" in unassigned.reason


def test_a_webhook_is_known_by_its_fingerprint_never_its_url():
    hook = Destination("webhook", HOOK)
    assert hook.key.startswith("webhook:") and "s3cr3t" not in hook.key + repr(hook)
    assert Destination("email", "Ann.Lee@Acme.example").key == "ann.lee@acme.example"


def test_everyone_under_a_manager_and_a_loop_in_the_hierarchy_ends():
    managers = {"vp": None, "m1": "vp", "m2": "vp", "r1": "m1", "r2": "m1", "r3": "m2", "x": "y", "y": "x"}
    assert under("vp", managers) == {"m1", "m2", "r1", "r2", "r3"}
    assert under("m1", managers) == {"r1", "r2"}
    assert under("x", managers) == {"y"}
    assert under("r3", managers) == set()


def test_a_failure_says_the_channel_and_the_error_never_the_address_or_the_url():
    refused = smtplib.SMTPRecipientsRefused({"ann.lee@acme.example": (550, b"5.1.1 <ann.lee@acme.example>: no such user")})
    assert failure_reason(refused) == "SMTPRecipientsRefused 550"
    response = requests.Response()
    response.status_code, response.url = 404, HOOK
    http = requests.HTTPError(f"404 Client Error: Not Found for url: {HOOK}", response=response)
    assert failure_reason(http) == "HTTPError HTTP 404"
    assert failure_reason(ConnectionRefusedError(111, "Connection refused")) == "ConnectionRefusedError"


def test_a_message_holds_the_week_and_escapes_what_salesforce_sends():
    team = section(
        members=("Dana <script>alert(1)</script> Diaz", "Eve Ito"),
        new_badges=(Badge("u1", "Eve Ito", "iron_streak", AS_OF, "logged in and recorded work on 23 working days in a row"),),
        streaks=(Streak("u1", "Eve Ito", 23, 5, 30),),
        flags=(Flag("u2", "Dana <script>alert(1)</script> Diaz", "login_only", "critical",
                    "logged in on 19 of the last 28 days and recorded nothing", AS_OF, dt.date(2026, 11, 20)),),
        opened=(Flag("u2", "Dana <script>alert(1)</script> Diaz", "login_only", "critical", "logged in on 19 …"),),
        closed=(Flag("u3", "Eve Ito", "batch_entry", "info", "created 10 records, 9 of them in bursts"),),
        away=(Away("u2", "Dana <script>alert(1)</script> Diaz", dt.date(2026, 11, 10), dt.date(2026, 11, 20)),),
        pillars=Pillars({"culture": 80.0, "agility": 40.0, "sponsorship": 90.0, "engagement": 70.0, "involvement": 65.0},
                        "agility", "weakest: agility — a median of 40 hours from a new lead to its first task or event"),
    )
    message = render_digest(digest(team), "https://reports.example.org/flywheel/")
    assert message.subject == "Your team: CRM week to 15 Nov 2026, 1 new badge, 1 person flagged, 1 away, 1 flag closed"
    assert "<script>" not in message.html and "Dana &lt;script&gt;alert(1)&lt;/script&gt; Diaz" in message.html
    assert "Dana <script>alert(1)</script> Diaz: Logs in, records nothing (critical). Logged in on 19" in message.text
    assert "On leave, back 20 Nov 2026." in message.text and "- closed: Eve Ito, Typed in after the fact" in message.text
    assert "Weakest: agility — a median of 40 hours" in message.text
    assert "https://reports.example.org/flywheel/teams/005000000000001AAA.html" in message.text
    assert "your own score 65 (healthy)" in message.text


def test_a_quiet_team_gets_a_short_all_quiet_note_and_a_subtree_names_each_team():
    quiet = render_digest(digest(section()))
    assert quiet.subject == "Your team: CRM week to 15 Nov 2026, all quiet"
    assert "All quiet: no one flagged, no flag opened or closed, no one away, no new badge." in quiet.text
    assert "Who is silent" not in quiet.text and "The team's page" not in quiet.text  # no FLYWHEEL_REPORT_URL
    below = section("005000000000009AAA", "Kim Park", members=("Lou Ma",),
                    flags=(Flag("u9", "Lou Ma", "dormant", "critical", "no interactive login in the last 16 days"),))
    both = render_digest(digest(section(), below))
    assert both.subject.startswith("Your teams: ") and "1 person flagged" in both.subject
    assert "== Ann Lee's team (1 person) ==" in both.text and "== Kim Park's team (1 person) ==" in both.text
    assert "Kim Park's own score 65" in both.text and "your own score 65" in both.text
    unassigned = render_digest(digest(section(None, "no manager in Salesforce")))
    assert unassigned.subject.startswith("People without a manager in Salesforce: ")


def test_a_mail_carries_the_text_and_the_html_as_its_alternative():
    mail = email(render_digest(digest(section())), "flywheel@acme.example", "ann.lee@acme.example")
    assert mail.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in mail.iter_parts()] == ["text/plain", "text/html"]
    assert mail["Message-ID"].endswith("@acme.example>")


def test_a_chat_webhook_gets_names_that_cannot_mention_or_link():
    assert webhook_text("Dana <!channel> & <https://evil.example|Bo>") == (
        "Dana &lt;!channel&gt; &amp; &lt;https://evil.example|Bo&gt;")


def test_team_pages_are_named_by_team_id():
    assert page_name("0055g000000001aAAA") == "0055g000000001aAAA.html"
    assert page_name("no manager") == "no-manager.html"
    assert page_url(None, "no manager") is None
    assert page_url("https://r.example/flywheel/", "no manager") == "https://r.example/flywheel/teams/no-manager.html"


def test_the_week_is_the_iso_week_of_the_schedule_tick_else_of_now():
    assert delivery_week(dt.datetime(2026, 11, 16, 7, tzinfo=dt.timezone.utc)) == "2026-W47"
    assert delivery_week(dt.datetime(2026, 11, 22, 23, 59, tzinfo=dt.timezone.utc)) == "2026-W47"  # Sunday
    assert delivery_week(dt.datetime(2027, 1, 1, 7, tzinfo=dt.timezone.utc)) == "2026-W53"
    assert when({SCHEDULED_AT_TAG: "2026-11-16T07:00:00+00:00"}) == dt.datetime(2026, 11, 16, 7, tzinfo=dt.timezone.utc)
    assert when({}).tzinfo is not None


def test_the_ledger_claims_before_sending_and_forgets_a_failed_send(tmp_path):
    with duckdb.connect(str(tmp_path / "ledger.duckdb")) as con:
        ledger = Ledger(con)
        ledger.claim("2026-W47", "t1", "a@x.example", "email", AS_OF, "run-1", "digest-1")
        assert ledger.status("2026-W47", "t1", "a@x.example") == SENDING
        ledger.mark_sent("2026-W47", "t1", "a@x.example")
        assert ledger.status("2026-W47", "t1", "a@x.example") == SENT
        assert ledger.sent_as_of("t1", AS_OF, "a@x.example") and not ledger.sent_as_of("t1", AS_OF, "b@x.example")
        ledger.claim("2026-W47", "t2", "b@x.example", "email", AS_OF, "run-1", "digest-1")
        ledger.release("2026-W47", "t2", "b@x.example")
        assert ledger.status("2026-W47", "t2", "b@x.example") is None
        with pytest.raises(duckdb.ConstraintException):  # never two rows for one team, week and destination
            ledger.claim("2026-W47", "t1", "a@x.example", "email", AS_OF, "run-2", "digest-2")
    with duckdb.connect(str(tmp_path / "ledger.duckdb")) as con:  # it lasts: a later run reads it
        Ledger(con)  # opening it again keeps what it holds
        assert con.execute("SELECT team_id, status FROM digest_ledger").fetchall() == [("t1", SENT)]


def test_digest_settings_are_read_once_with_the_alerts_smtp_server(tmp_path):
    settings = Settings.from_env({}, dotenv=None, base=tmp_path)
    assert (settings.digest.mode, settings.digest.scope, settings.digest.schedule) == ("off", "team", "0 7 * * 1")
    assert settings.digest_ledger_path == tmp_path / "data" / "flywheel_digest_ledger.duckdb"
    settings = Settings.from_env({
        "FLYWHEEL_DIGEST": "Preview", "FLYWHEEL_DIGEST_SCOPE": "subtree", "FLYWHEEL_DIGEST_OVERRIDES": "routes.csv",
        "FLYWHEEL_REPORT_URL": "https://r.example/flywheel/", "FLYWHEEL_SMTP_HOST": "smtp.example",
        "FLYWHEEL_SMTP_PASSWORD": "s3cret!", "FLYWHEEL_ALERT_EMAIL_FROM": "ops@example.org",
        "FLYWHEEL_DIGEST_SCHEDULE": "30 6 * * 1",
    }, dotenv=None, base=tmp_path)
    digest_settings = settings.digest
    assert (digest_settings.mode, digest_settings.scope) == ("preview", "subtree")
    assert digest_settings.overrides_file == tmp_path / "routes.csv"
    assert digest_settings.report_url == "https://r.example/flywheel" and digest_settings.email_from == "ops@example.org"
    assert digest_settings.smtp.smtp_host == "smtp.example" and digest_settings.schedule == "30 6 * * 1"
    assert "s3cret!" not in repr(settings)
    for variable, value in (("FLYWHEEL_DIGEST", "yes"), ("FLYWHEEL_DIGEST_SCOPE", "org"),
                            ("FLYWHEEL_DIGEST_SCHEDULE", "every monday")):
        with pytest.raises(InvalidSetting, match=variable):
            Settings.from_env({variable: value}, dotenv=None, base=tmp_path)
