"""Measure what a change of the rules does to the sample org: the flags and badges it adds and
removes, per planted persona, against the rules of an earlier commit on the same raw data.

    flywheel demo --seed 7                                    # in a fresh folder: data/
    python benchmarks/rules_change.py --base 91ecd0c --data data

The earlier commit's dbt project (`git archive`) is built on a copy of the demo's database (its
raw tables and absences; nothing else of the demo is touched), and its `silent_non_use` and
`user_recognition` are compared with the demo's. Printed: per persona the (user, flag) and
(user, badge) pairs removed and added, then totals per case of issue 23 (who is measured).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
# The personas of pipelines/sample_org/who_is_measured.py (and the people it makes own their leads),
# grouped by the case of issue 23 they plant; every other persona is "the rest of the org".
CASES = {
    "sso_rep": "SSO, Lightning and Passwordless logins", "sso_login_only": "SSO, Lightning and Passwordless logins",
    "lightning_login": "SSO, Lightning and Passwordless logins", "passwordless": "SSO, Lightning and Passwordless logins",
    "integration_browser": "integration accounts", "integration_licence": "integration accounts",
    "frozen_leaver": "frozen leavers",
    "support_manager": "non-sellers", "support_agent": "non-sellers", "analyst": "non-sellers", "admin": "non-sellers",
    "platform_user": "non-sellers",
    "new_status_neglecter": "the org's picklists", "unlogged_new_customer": "the org's picklists",
    "empty_type_unlogged": "the org's picklists", "empty_type_upsell": "the org's picklists",
    "trail_keeper_new_customer": "the org's picklists",
    "dormant_long": "a long-dormant rep synced by Outlook", "viewing_director": "a director of managers",
    "viewing_manager": "a director of managers",
}


def build_base(base: str, database: Path, work: Path) -> None:
    """`dbt build` (models and data tests, no unit tests) of `base`'s dbt project on `database`."""
    project = work / "base"
    project.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", base, "dbt_project"], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(project)], input=archive.stdout, check=True)
    dbt = [sys.executable, "-c", "import sys; from dbt.cli.main import cli; sys.exit(cli())"]
    subprocess.run([*dbt, "build", "--exclude-resource-type", "unit_test", "--project-dir", str(project / "dbt_project"),
                    "--profiles-dir", str(project / "dbt_project"), "--target-path", str(work / "target"),
                    "--log-path", str(work / "logs")],
                   check=True, capture_output=True, env={**os.environ, "FLYWHEEL_DUCKDB_PATH": str(database)})


def pairs(database: Path) -> set[tuple[str, str]]:
    with duckdb.connect(str(database), read_only=True) as con:
        return set(con.execute("SELECT user_id, flag FROM marts.silent_non_use UNION ALL "
                               "SELECT user_id, 'badge ' || badge FROM marts.user_recognition").fetchall())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the commit whose rules are compared against")
    parser.add_argument("--data", type=Path, default=Path("data"), help="a flywheel demo's data folder")
    args = parser.parse_args()
    truth = {t["user_id"]: t["persona"] for line in (args.data / "sample_org_ground_truth.jsonl").read_text().splitlines()
             if line.strip() for t in [json.loads(line)]}
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        copy = work / "flywheel.duckdb"
        shutil.copy(args.data / "flywheel.duckdb", copy)
        build_base(args.base, copy, work)
        before = pairs(copy)
    after = pairs(args.data / "flywheel.duckdb")
    counts: Counter[tuple[str, str, str]] = Counter()  # (case, flags | badges, removed | added)
    print(f"{'persona':<28} {'removed':<44} added")
    for persona in sorted({truth[u] for u, _ in before ^ after}):
        gone = sorted(f for u, f in before - after if truth[u] == persona)
        new = sorted(f for u, f in after - before if truth[u] == persona)
        print(f"{persona:<28} {', '.join(gone) or '-':<44} {', '.join(new) or '-'}")
        case = CASES.get(persona, "the rest of the org")
        for change, names in (("removed", gone), ("added", new)):
            for name in names:
                counts[(case, "badges" if name.startswith("badge ") else "flags", change)] += 1
    cases = sorted({case for case, _, _ in counts} | {"the rest of the org"})
    print(f"\n{'case':<42} {'flags removed':>13} {'flags added':>11} {'badges removed':>14} {'badges added':>12}")
    for case in [*cases, "total"]:
        def n(kind: str, change: str) -> int:
            return sum(v for (c, k, ch), v in counts.items() if k == kind and ch == change and case in (c, "total"))
        print(f"{case:<42} {n('flags', 'removed'):>13} {n('flags', 'added'):>11} {n('badges', 'removed'):>14} "
              f"{n('badges', 'added'):>12}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
