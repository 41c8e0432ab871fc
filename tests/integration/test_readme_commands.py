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
    ["dg", "check", "defs"],
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


def test_every_file_the_readme_links_exists():
    links = re.findall(r"\]\((?!https?://|#)([^)#]+)", README)
    assert links
    missing = [link for link in links if not (ROOT / link).exists()]
    assert missing == []
