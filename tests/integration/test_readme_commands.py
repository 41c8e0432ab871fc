"""The commands the README tells a user to run: they work, and none prints a supersession warning."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()

COMMANDS = [
    # loads the code location in a new process (about 10 s): not in the fast tier
    pytest.param(["dg", "check", "defs"], marks=pytest.mark.slow),
    [sys.executable, "-m", "pipelines.cli.main", "--help"],  # `flywheel --help`, the same entry point
    [sys.executable, "-m", "pipelines.cli.main", "check", "--help"],
    ["dg", "launch", "--help"],
    ["dg", "dev", "--help"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[-3:]))
def test_readme_command_runs_without_a_supersession_warning(command):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DAGSTER_DISABLE_TELEMETRY": "yes"}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "SupersessionWarning" not in result.stderr and "superseded" not in result.stderr.lower()


def test_readme_shows_only_the_current_cli():
    assert not re.search(r"dagster (dev|job execute)\b", README)
    assert "dg launch --job adoption_refresh" in README and "flywheel check" in README


def test_every_file_the_readme_and_the_docs_link_exists():
    assert re.findall(r"\]\((?!https?://|#)([^)#]+)", README)
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        links = re.findall(r"\]\((?!https?://|#)([^)#]+)", page.read_text())
        missing = [link for link in links if not (page.parent / link).exists()]
        assert missing == [], page


def test_the_readme_is_a_front_door():
    """Short, with the two commands CI runs first, and the sections a newcomer looks for; the
    reference material lives in docs/."""
    assert len(README.splitlines()) <= 300
    quickstart = README.split("## Quickstart", 1)[1]
    first_block = quickstart.split("```", 2)[1]
    assert first_block.splitlines()[1:] == ["pip install -e . && flywheel demo", "pip install -e '.[dev,spark]' && pytest"]
    headings = re.findall(r"^## (.+)$", README, flags=re.M)
    for wanted in ("Quickstart", "Connect your org", "Run in production", "Troubleshooting", "Tests", "Where to read more"):
        assert wanted in headings, wanted
    assert (ROOT / "LICENSE").read_text().lstrip().startswith("Apache License")


def test_the_figures_in_the_docs_are_true_today():
    from pipelines.dbt.project import published_marts
    from pipelines.salesforce.objects import OBJECTS

    words = {n: str(n) for n in range(10, 100)} | {9: "nine"}
    suites = len(list((ROOT / "expectations").glob("*.json")))
    assert suites == len(OBJECTS) + len(published_marts())
    operations = (ROOT / "docs" / "operations.md").read_text()
    assert f"each of the {words[suites]} suites" in operations
    assert f"An incremental run of the {words[len(OBJECTS)]} objects" in operations
    assert f"an asset per object ({words[len(OBJECTS)]})" in operations
    assert f"on each of the {words[len(published_marts())]} marts" in operations
