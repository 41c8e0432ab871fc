"""The adoption report after a real run (sample org, dbt, gates, publish), read in headless Chromium.

A module fixture takes the shared good run of the small org (it publishes and writes the report)
and, on a copy of it, a run that a gate stops. Every test reads what those two runs left.
"""

import html
import os
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from conftest import named_outside, reports_of, run_pipeline, small_org_records

from pipelines.publish.publication import DATABASE_NAME
from pipelines.report.render import sentence
from pipelines.sample_org.org import SampleOrg

pytestmark = pytest.mark.slow  # runs the whole job (or dbt build): not in the fast tier

REPORT = dg.AssetKey(["publish", "adoption_report"])
CHARTS = ["weekly-active-users", "tier-shares", "lead-trail-share", "tier-distribution", "team-scores",
          "casei-pillars", "wins-by-team", "flags-by-team", "logins-by-day", "logins-by-app"]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def materialization(result: dg.ExecuteInProcessResult, key: dg.AssetKey):
    return next((e.materialization for e in result.get_asset_materialization_events() if e.asset_key == key), None)


@pytest.fixture(scope="module")
def runs(good_run, tmp_path_factory):
    """(good run, (report bytes, team pages' bytes) after it, run stopped by a gate, report path,
    published DuckDB):
    the shared good run, then, on a copy of it, a run that a gate stops."""
    database, exports = good_run.copy_to(tmp_path_factory.mktemp("report"))
    good = good_run.result
    path = exports / Path(materialization(good, REPORT).metadata["path"].value).relative_to(good_run.exports)
    good_bytes = path.read_bytes()
    pages = {p.name: p.read_bytes() for p in (path.parent / "teams").iterdir()}
    with SampleOrg.from_generated(small_org_records()) as org, pytest.MonkeyPatch.context() as env:
        env.setenv("REQUESTS_CA_BUNDLE", str(org.ca_file))
        org.store.upsert("Lead", [{"Id": "00Q-not-an-id", "LastName": "X", "Company": "Y",
                                   "Status": "Open - Not Contacted"}])
        stopped = run_pipeline(org, database, exports)
    return good, (good_bytes, pages), stopped, path, exports / "current" / DATABASE_NAME


@pytest.fixture(scope="module")
def published(runs):
    """Team names and evidence sentences as published, to look for in the report."""
    *_, database = runs
    with duckdb.connect(str(database), read_only=True) as con:
        teams = [n for (n,) in con.execute(
            "SELECT DISTINCT manager_name FROM marts.team_adoption "
            "WHERE week_ending_on = (SELECT max(as_of_date) FROM marts.silent_non_use)").fetchall()]
        evidence = [e for (e,) in con.execute("SELECT evidence FROM marts.silent_non_use ORDER BY user_id, flag").fetchall()]
    assert teams and evidence, "the small org should have teams and flags to show"
    return teams, evidence


def test_the_report_is_written_after_publishing_with_its_metadata(runs):
    good, (good_bytes, pages), _, path, _ = runs  # good_run fails its fixture unless the run succeeded
    metadata = {k: v.value for k, v in materialization(good, REPORT).metadata.items()}
    assert path == path.parents[1] / "report" / "adoption_report.html" and path.parents[1].name == "exports"
    assert metadata["as_of_date"] == "2026-11-15"
    assert metadata["charts"] == len(CHARTS)
    assert metadata["bytes"] == len(good_bytes) > 1_000_000  # plotly.js is inside
    assert metadata["team_pages"] == len(pages) > 10
    # no temporary file left: the report, the team pages and the plotly.js they share
    assert sorted(p.name for p in path.parent.iterdir()) == ["adoption_report.html", "plotly.min.js", "teams"]
    assert all(not name.startswith(".") for name in pages)


def test_a_run_stopped_by_a_gate_leaves_the_last_good_report_untouched(runs):
    _, (good_bytes, pages), stopped, path, _ = runs
    assert not stopped.success
    assert materialization(stopped, REPORT) is None
    assert path.read_bytes() == good_bytes
    assert {p.name: p.read_bytes() for p in (path.parent / "teams").iterdir()} == pages


def team_pages(database) -> dict[str | None, str]:
    """Each team's page name by its manager, from the publication."""
    with duckdb.connect(str(database), read_only=True) as con:
        return {manager: team.replace(" ", "-") + ".html" for manager, team in con.execute(
            "SELECT manager_id, team_id FROM marts.team_adoption "
            "WHERE week_ending_on = (SELECT max(as_of_date) FROM marts.silent_non_use)").fetchall()}


def test_each_team_has_a_page_naming_its_own_people_only(runs, org_users):
    *_, path, database = runs
    pages = team_pages(database)
    assert {p.name for p in (path.parent / "teams").iterdir()} == set(pages.values())
    with duckdb.connect(str(database), read_only=True) as con:
        evidence = con.execute("SELECT manager_id, user_name, evidence FROM marts.silent_non_use").fetchall()
    for manager, name in pages.items():
        page = (path.parent / "teams" / name).read_text(encoding="utf-8")
        team = reports_of(manager, org_users) | ({manager} if manager else set())
        assert named_outside(page, team, org_users) == set(), name
        assert len(page) < 300_000 and "../plotly.min.js" in page  # the library is shared, not inside
        for who, words in ((u, e) for m, u, e in evidence if m == manager):  # every flag of the team, and why
            assert html.escape(who) in page and html.escape(sentence(words)) in page
    assert "People without a manager in Salesforce · Salesforce adoption report" in (
        path.parent / "teams" / "no-manager.html").read_text(encoding="utf-8")


def test_the_report_shows_every_team_and_every_evidence_sentence_published(runs, published):
    *_, path, _ = runs
    page = path.read_text(encoding="utf-8")
    teams, evidence = published
    for team in teams:
        assert html.escape(team) in page, team
    for words in evidence:
        assert html.escape(sentence(words)) in page, words


@pytest.fixture(scope="module")
def chromium():
    """Debian's chromium through playwright, or a skip (a failure when CI requires the browser)."""
    required = os.environ.get("FLYWHEEL_REQUIRE_BROWSER") == "1"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason = "playwright is not installed (pip install -e '.[dev]')"
        pytest.fail(reason) if required else pytest.skip(reason)
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)"
        pytest.fail(reason) if required else pytest.skip(reason)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


RENDERED_MARKS = """
divs => divs.map(d => [d.id, [...d.querySelectorAll('svg.main-svg .trace path')]
    .filter(p => { const box = p.getBBox(); return box.width > 0 || box.height > 0; }).length])
"""

OVERFLOWING = """
divs => divs.filter(d => d.querySelector('svg.main-svg').getBoundingClientRect().right
                         > d.closest('.card').getBoundingClientRect().right).map(d => d.id)
"""


def drawn(chromium, path: Path, screenshot: str) -> dict:
    """The page at `path` in headless Chromium, every chart drawn, with no network: its errors, the
    requests that would have left the machine, the marks each chart drew, the charts wider than
    their card (as first drawn) and its text; the whole page saved to test-artifacts/`screenshot`."""
    errors, outside = [], []
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.route("**/*", lambda route: (outside.append(route.request.url), route.abort())
               if not route.request.url.startswith(("file:", "data:", "blob:")) else route.continue_())
    page.goto(path.as_uri())
    page.wait_for_function(
        "[...document.querySelectorAll('.plotly-graph-div')].every(d => d.querySelector('svg.main-svg .trace'))",
        timeout=30_000,
    )
    marks = dict(page.eval_on_selector_all(".plotly-graph-div", RENDERED_MARKS))
    overflowing = page.eval_on_selector_all(".plotly-graph-div", OVERFLOWING)  # as first drawn
    text = page.inner_text("body")
    # the whole page in one viewport and every chart redrawn for it, then the picture
    page.set_viewport_size({"width": 1280, "height": page.evaluate("document.documentElement.scrollHeight")})
    page.evaluate("Promise.all([...document.querySelectorAll('.plotly-graph-div')].map(d => Plotly.Plots.resize(d)))")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / screenshot), full_page=True)
    page.close()
    return {"errors": errors, "outside": outside, "marks": marks, "overflowing": overflowing, "text": text}


def test_the_report_renders_in_headless_chromium_without_errors_or_network(chromium, runs, published):
    *_, path, _ = runs
    teams, evidence = published
    page = drawn(chromium, path, "adoption_report.png")
    marks, text = page["marks"], page["text"]
    assert page["errors"] == [] and page["outside"] == []
    assert page["overflowing"] == []  # every chart fits in its card
    assert list(marks) == CHARTS
    assert all(n > 0 for n in marks.values()), marks  # every chart drew bars, lines or areas
    assert "As of 15 Nov 2026" in text
    assert teams[0] in text and sentence(evidence[0]) in text
    assert "Wins this week" in text and "Each team under the five CASEI pillars" in text
    assert "Weakest: " in text and "Most improved: " in text  # the small org plants both


def test_a_team_page_draws_the_same_charts_for_its_team(chromium, runs):
    *_, path, database = runs
    with duckdb.connect(str(database), read_only=True) as con:  # a team with flags, badges and someone away
        [(manager,)] = con.execute(
            "SELECT manager_id FROM marts.silent_non_use JOIN marts.user_recognition USING (manager_id) "
            "JOIN marts.user_absences USING (manager_id) GROUP BY ALL ORDER BY count(*) DESC LIMIT 1").fetchall()
    page = drawn(chromium, path.parent / "teams" / team_pages(database)[manager], "team_page.png")
    marks = page["marks"]
    assert page["errors"] == [] and page["outside"] == [] and page["overflowing"] == []
    # every chart of the report but the two the marts hold for the whole org only
    assert list(marks) == [c for c in CHARTS if c not in ("lead-trail-share", "logins-by-app")]
    assert all(n > 0 for n in marks.values()), marks  # every chart drew bars, lines or areas
    assert "How the team is doing" in page["text"] and "Deals with a lead trail" not in page["text"]
