"""How well the flags find what the sample org planted: precision and recall per flag.

Reads `marts.silent_non_use` and the ground truth file the org wrote (never served by the API).
Also counts the people the contract says must never be flagged (integration users, new hires)
who were.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import orjson

from pipelines.vocabulary import flags



@dataclass(frozen=True)
class FlagScore:
    flag: str
    expected: int
    flagged: int
    true_positives: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.flagged if self.flagged else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.expected if self.expected else 1.0


def read_ground_truth(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def flag_scores(con: duckdb.DuckDBPyConnection, truth: list[dict]) -> tuple[list[FlagScore], list[str]]:
    """Scores per flag, and the wrongly flagged people who must never be flagged."""
    flagged = set(con.execute("SELECT user_id, flag FROM marts.silent_non_use").fetchall())
    expected = {(t["user_id"], f) for t in truth for f in t["expected_flags"]}
    scores = [
        FlagScore(
            flag,
            expected=sum(1 for _, f in expected if f == flag),
            flagged=sum(1 for _, f in flagged if f == flag),
            true_positives=len({x for x in flagged & expected if x[1] == flag}),
        )
        for flag in flags()
    ]
    protected = {t["user_id"]: t["persona"] for t in truth if t["is_integration"] or t["is_new"]}
    wrongly = sorted(f"{protected[u]} {u}: {f}" for u, f in flagged if u in protected)
    return scores, wrongly


def table(scores: list[FlagScore]) -> str:
    lines = [f"{'flag':<22} {'expected':>8} {'flagged':>8} {'precision':>9} {'recall':>7}"]
    lines += [f"{s.flag:<22} {s.expected:>8} {s.flagged:>8} {s.precision:>9.2f} {s.recall:>7.2f}" for s in scores]
    return "\n".join(lines)
