"""Each shared vocabulary has one home, and every copy that cannot derive from it is held to it:
the flags, tiers, badges, CASEI pillars and exclusion reasons (the `flywheel_flags` /
`flywheel_tiers` / `flywheel_badges` / `flywheel_pillars` / `flywheel_exclusion_reasons` vars of
dbt_project.yml), the marts
(the models in `models/marts/`, read from the manifest) and the objects (`OBJECTS`)."""

import json
from pathlib import Path

import pytest

from pipelines.dbt.project import DBT_PROJECT_DIR, dbt_project, mart_keys, published_marts
from pipelines.quality.gx_gate import EXPECTATIONS_DIR
from pipelines.report.figures import BADGE_COLORS, BADGE_LABELS, PILLAR_COLORS, PILLAR_LABELS, TIER_COLORS, TIER_LABELS
from pipelines.report.render import FLAG_LABELS
from pipelines.salesforce.objects import OBJECTS
from pipelines.sample_org.personas import EXPECTED_FLAGS
from pipelines.dbt.vocabulary import badges, exclusion_reasons, flag_severities, flags, pillars, tiers

SEVERITIES = {"info", "warn", "critical"}


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads(Path(dbt_project.manifest_path).read_text())


def suites() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in EXPECTATIONS_DIR.glob("*.json")}


def in_set(column: str) -> list[tuple[str, set]]:
    return [(name, set(e["kwargs"]["value_set"])) for name, suite in suites().items() for e in suite["expectations"]
            if e["type"] == "expect_column_values_to_be_in_set" and e["kwargs"]["column"] == column]


def accepted_values(manifest: dict, column: str) -> list[tuple[str, set]]:
    """dbt's accepted_values on `column`, but for each flag's own rule model (which accepts its flag)."""
    return [(node["name"], set(node["test_metadata"]["kwargs"]["values"])) for node in manifest["nodes"].values()
            if node["resource_type"] == "test" and node.get("column_name") == column
            and node.get("test_metadata", {}).get("name") == "accepted_values"
            and not (column == "flag" and node["attached_node"].split(".")[-1] in RULES)]


RULES = {f"int_flag_{flag}" for flag in flags()}


def test_the_contract_vocabulary():
    assert flags() == ("dormant", "login_only", "unlogged_leads", "deal_logged_at_close", "neglected_leads",
                       "stale_pipeline", "declining_usage", "batch_entry")
    assert set(flag_severities().values()) <= SEVERITIES
    assert tiers() == ("champion", "healthy", "at_risk", "silent")
    assert badges() == ("steady_hand", "iron_streak", "clean_trail", "pipeline_keeper", "comeback", "most_improved")
    assert pillars() == ("culture", "agility", "sponsorship", "engagement", "involvement")
    assert exclusion_reasons() == ("inactive", "not_standard_user", "integration_user", "frozen", "not_in_sales_scope")


@pytest.mark.parametrize(("column", "vocabulary"), [("flag", set(flags())), ("tier", set(tiers())),
                                                    ("severity", SEVERITIES), ("badge", set(badges())),
                                                    ("weakest_pillar", set(pillars())),
                                                    ("exclusion_reason", set(exclusion_reasons()))])
def test_suites_and_dbt_tests_accept_exactly_the_vocabulary(manifest, column, vocabulary):
    found = in_set(column) + accepted_values(manifest, column)
    assert found, column
    for where, values in found:
        assert values == vocabulary, where


def test_every_flag_has_its_rule_model_and_a_label_and_the_report_knows_every_tier():
    rules = {p.stem for p in (DBT_PROJECT_DIR / "models" / "intermediate" / "flags").glob("int_flag_*.sql")}
    assert rules - {"int_flag_history"} == {f"int_flag_{flag}" for flag in flags()}
    assert set(FLAG_LABELS) == set(flags())
    assert set(TIER_LABELS) == set(TIER_COLORS) == set(tiers())
    assert set(BADGE_LABELS) == set(BADGE_COLORS) == set(badges())
    assert set(PILLAR_LABELS) == set(PILLAR_COLORS) == set(pillars())
    assert {flag for planted in EXPECTED_FLAGS.values() for flag in planted} <= set(flags())


def test_every_mart_and_every_object_has_its_suite_and_no_suite_is_orphaned():
    names = set(suites())
    assert names == {f"marts.{m}" for m in published_marts()} | {f"raw_salesforce.{s.table}" for s in OBJECTS}


def test_the_exports_exposure_names_every_published_mart(manifest):
    exposure = next(e for e in manifest["exposures"].values() if e["name"] == "mart_exports")
    assert {node.split(".")[-1] for node in exposure["depends_on"]["nodes"]} == set(published_marts())


def test_every_published_mart_has_an_enforced_contract(manifest):
    """A renamed or retyped column fails the dbt build, not a BI dashboard."""
    marts = set(published_marts())
    for node in manifest["nodes"].values():
        if node["resource_type"] == "model" and node["name"] in marts:
            assert node["config"]["contract"]["enforced"], node["name"]
            assert node["columns"] and all(c.get("data_type") for c in node["columns"].values()), node["name"]


def test_every_mart_declares_its_key_which_the_gates_name_rows_by():
    """The gates read each mart's key from its contract (no list of marts to keep by hand)."""
    keys = mart_keys()
    assert tuple(keys) == published_marts() and all(keys.values()), keys
    assert keys["silent_non_use"] == ("user_id", "flag") and keys["login_activity_daily"][0] == "login_date"
