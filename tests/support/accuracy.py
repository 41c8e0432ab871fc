"""How well the rules find what the sample org planted: precision and recall per flag, per badge
and per exclusion reason (who is not measured, and why), and each planted team's weakest CASEI
pillar against its truth.

Reads the marts and the ground truth file the org wrote (never served by the API). Also counts
the people the contract says must never be flagged (excluded users, new hires) who were, and the
people who must never hold a badge (excluded users, new hires, anyone planted with a critical
flag) who do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import orjson

from pipelines.dbt.vocabulary import badges, exclusion_reasons, flag_severities, flags, pillars


@dataclass(frozen=True)
class Score:
    name: str  # the flag or badge
    expected: int
    found: int
    true_positives: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.expected if self.expected else 1.0


@dataclass(frozen=True)
class PillarResult:
    manager_id: str
    manager_persona: str
    expected_pillar: str
    weakest_pillar: str | None
    expected_value: float
    tolerance: float
    value: float | None  # the team's score on the expected pillar

    @property
    def holds(self) -> bool:
        return (self.weakest_pillar == self.expected_pillar and self.value is not None
                and abs(self.value - self.expected_value) <= self.tolerance)


def read_ground_truth(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def _scores(names: tuple[str, ...], expected: set[tuple[str, str]], found: set[tuple[str, str]]) -> list[Score]:
    return [Score(name, expected=sum(1 for _, n in expected if n == name), found=sum(1 for _, n in found if n == name),
                  true_positives=len({x for x in found & expected if x[1] == name}))
            for name in names]


def _never_judged(t: dict) -> bool:
    """A person the rules must leave alone: excluded from the measured population, or new."""
    return bool(t.get("expected_exclusion")) or t["is_new"]


def flag_scores(con: duckdb.DuckDBPyConnection, truth: list[dict]) -> tuple[list[Score], list[str]]:
    """Scores per flag, and the wrongly flagged people who must never be flagged."""
    flagged = set(con.execute("SELECT user_id, flag FROM marts.silent_non_use").fetchall())
    expected = {(t["user_id"], f) for t in truth for f in t["expected_flags"]}
    protected = {t["user_id"]: t["persona"] for t in truth if _never_judged(t)}
    wrongly = sorted(f"{protected[u]} {u}: {f}" for u, f in flagged if u in protected)
    return _scores(flags(), expected, flagged), wrongly


def badge_scores(con: duckdb.DuckDBPyConnection, truth: list[dict]) -> tuple[list[Score], list[str]]:
    """Scores per badge over the (user, badge) pairs the truth decides (a badge planted to be held
    or planted not to be: healthy people earn badges the truth does not decide), and the people
    who must never hold a badge but do."""
    held = set(con.execute("SELECT user_id, badge FROM marts.user_recognition").fetchall())
    expected = {(t["user_id"], b) for t in truth for b in t.get("expected_badges") or []}
    decided = expected | {(t["user_id"], b) for t in truth for b in t.get("unexpected_badges") or []}
    critical = {flag for flag, severity in flag_severities().items() if severity == "critical"}
    protected = {t["user_id"]: t["persona"] for t in truth if _never_judged(t) or critical & set(t["expected_flags"])}
    wrongly = sorted(f"{protected[u]} {u}: {b}" for u, b in held if u in protected)
    return _scores(badges(), expected, held & decided), wrongly


def exclusion_scores(con: duckdb.DuckDBPyConnection, truth: list[dict]) -> list[Score]:
    """Scores per exclusion reason of excluded_users against the planted ones."""
    found = set(con.execute("SELECT user_id, exclusion_reason FROM marts.excluded_users").fetchall())
    expected = {(t["user_id"], t["expected_exclusion"]) for t in truth if t.get("expected_exclusion")}
    return _scores(exclusion_reasons(), expected, found)


def pillar_results(con: duckdb.DuckDBPyConnection, truth: list[dict]) -> list[PillarResult]:
    """Each planted team's weakest pillar and value this week against its truth."""
    scores = ", ".join(f"{pillar}_score" for pillar in pillars())
    rows = {r[0]: r[1:] for r in con.execute(
        f"SELECT manager_id, weakest_pillar, {scores} FROM marts.team_casei WHERE is_current_week").fetchall()}
    results = []
    for t in truth:
        if not t.get("team_weakest_pillar"):
            continue
        weakest, *values = rows.get(t["user_id"], (None,) * (1 + len(pillars())))
        results.append(PillarResult(t["user_id"], t["persona"], t["team_weakest_pillar"], weakest,
                                    t["team_pillar_value"], t["team_pillar_tolerance"],
                                    dict(zip(pillars(), values))[t["team_weakest_pillar"]]))
    return results


def table(scores: list[Score], what: str = "flag") -> str:
    lines = [f"{what:<22} {'expected':>8} {'found':>8} {'precision':>9} {'recall':>7}"]
    lines += [f"{s.name:<22} {s.expected:>8} {s.found:>8} {s.precision:>9.2f} {s.recall:>7.2f}" for s in scores]
    return "\n".join(lines)


def pillar_table(results: list[PillarResult]) -> str:
    lines = [f"{'planted team (manager)':<24} {'truth':<12} {'found':<12} {'value':>6} {'truth':>6} {'±':>4}"]
    lines += [f"{r.manager_id:<24} {r.expected_pillar:<12} {r.weakest_pillar or '-':<12} "
              f"{'-' if r.value is None else f'{r.value:.1f}':>6} {r.expected_value:>6.1f} {r.tolerance:>4.0f}"
              for r in results]
    return "\n".join(lines)


def streak_mismatches(con: duckdb.DuckDBPyConnection, truth: list[dict]) -> list[str]:
    """Planted day streaks (a known break, a full history) that the scorecard counts otherwise."""
    found = dict(con.execute("SELECT user_id, current_streak_days FROM marts.user_adoption_scorecard "
                             "WHERE is_current_week").fetchall())
    return [f"{t['persona']} {t['user_id']}: current_streak_days {found.get(t['user_id'])}, planted {t['current_streak_days']}"
            for t in truth if t.get("current_streak_days") is not None and found.get(t["user_id"]) != t["current_streak_days"]]


def recognition_failures(con: duckdb.DuckDBPyConnection, truth: list[dict]) -> list[str]:
    """Everything recognition and CASEI get wrong against the truth: a planted badge missed or one
    held against it, a badge held by someone who must never hold one, a day streak counted
    otherwise, a planted team whose weakest pillar or its value is not the truth's."""
    scores, wrongly = badge_scores(con, truth)
    failures = [f"{s.name}: precision {s.precision:.2f}, recall {s.recall:.2f} ({s.found} found, {s.expected} expected)"
                for s in scores if s.expected == 0 or s.precision < 1 or s.recall < 1]
    failures += [f"never to hold a badge: {w}" for w in wrongly]
    failures += streak_mismatches(con, truth)
    failures += [f"team of {r.manager_persona} {r.manager_id}: weakest {r.weakest_pillar} at {r.value}, planted "
                 f"{r.expected_pillar} at {r.expected_value} ± {r.tolerance}" for r in pillar_results(con, truth) if not r.holds]
    return failures


# The marts' per-user results, by the key that says whose and when (a team's, for team_casei).
PER_USER_RESULTS = {
    "user_adoption_daily": ("user_id", "activity_date"),
    "user_adoption_scorecard": ("user_id", "week_ending_on"),
    "silent_non_use": ("user_id", "flag"),
    "user_recognition": ("user_id", "badge"),
    "team_casei": ("team_id", "week_ending_on"),
}


def per_user_differences(con: duckdb.DuckDBPyConnection, left: str, right: str) -> dict[str, dict[str, int]]:
    """The per-user results that differ between two builds of the marts, attached to `con` as
    `left` and `right`: for each mart, by column, the rows whose value differs, and under `(row)`
    the rows one build has and the other lacks (a flag or a badge held in one only)."""
    differences: dict[str, dict[str, int]] = {}
    for mart, key in PER_USER_RESULTS.items():
        columns = [c for (c, *_) in con.execute(f"DESCRIBE {left}.marts.{mart}").fetchall() if c not in key]
        on = " AND ".join(f"a.{k} IS NOT DISTINCT FROM b.{k}" for k in key)
        both = f"a.{key[0]} IS NOT NULL AND b.{key[0]} IS NOT NULL"
        changed = ", ".join(f"count(*) FILTER (WHERE {both} AND a.{c} IS DISTINCT FROM b.{c})" for c in columns)
        counts = con.execute(
            f"SELECT count(*) FILTER (WHERE a.{key[0]} IS NULL OR b.{key[0]} IS NULL), {changed} "
            f"FROM {left}.marts.{mart} a FULL JOIN {right}.marts.{mart} b ON {on}").fetchone()
        by_column = {"(row)": counts[0]} | {c: n for c, n in zip(columns, counts[1:])}
        differences[mart] = {c: n for c, n in by_column.items() if n}
    return differences
def main(argv: list[str] | None = None) -> int:
    """`python -m tests.support.accuracy [data folder]`: the tables of a `flywheel demo` run
    (its database and the ground truth the sample org wrote beside it; default `data`)."""
    import sys

    folder = Path((argv if argv is not None else sys.argv[1:] or ["data"])[0])
    truth = read_ground_truth(folder / "sample_org_ground_truth.jsonl")
    with duckdb.connect(str(folder / "flywheel.duckdb"), read_only=True) as con:
        flag_table, wrongly_flagged = flag_scores(con, truth)
        badge_table, wrongly_badged = badge_scores(con, truth)
        print(table(flag_table), table(badge_table, "badge"), table(exclusion_scores(con, truth), "exclusion_reason"),
              pillar_table(pillar_results(con, truth)), sep="\n\n")
        wrong = [f"never to be flagged: {w}" for w in wrongly_flagged] + [f"never to hold a badge: {w}" for w in wrongly_badged]
    print("\n".join(wrong) or "\nNo excluded or new person holds a flag or a badge.")
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
