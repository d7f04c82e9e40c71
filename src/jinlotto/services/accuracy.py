"""The accuracy record: how live recommendations did, per strategy and model version, beside
what chance predicts (0.8 matched numbers per game and the odds of each rank).

Counts are kept per draw in ``accuracy_draws`` and survive the deletion of old recommendations.
The 95 % interval of mean matches treats draws as the independent unit, since every game played
at a draw is scored against the same six numbers (``backtest.metrics.clustered_ratio_mean``).
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from jinlotto.backtest.metrics import CHANCE_MEAN, MeanInterval, clustered_ratio_mean
from jinlotto.db.models import AccuracyRecord
from jinlotto.db.repositories import accuracy as accuracy_repo
from jinlotto.db.repositories import recommendations as recommendation_repo
from jinlotto.domain.prizes import tier_probabilities

RANKS = (1, 2, 3, 4, 5)
NOTE = (
    "Live recommendations graded after each draw. Every combination has the same chance: "
    "0.8 matched numbers per game is what chance gives, and a strategy whose interval holds "
    "0.8 does no better or worse than random numbers."
)


@dataclass
class _Tally:
    games: int = 0
    matches: int = 0
    ranks: list[int] = field(default_factory=lambda: [0] * 6)


def refresh_draw(session: Session, draw_no: int, *, now: datetime) -> None:
    """Recount the graded recommendations of ``draw_no`` into its accuracy rows (flushed)."""
    tallies: dict[tuple[str, str], _Tally] = {}
    for strategy, model_version, results in recommendation_repo.graded_for_draw(session, draw_no):
        tally = tallies.setdefault((strategy, model_version or ""), _Tally())
        for result in results:
            tally.games += 1
            tally.matches += result["matched"]
            tally.ranks[result["rank"]] += 1
    rows = [
        {
            "strategy": strategy,
            "model_version": model_version,
            "games": tally.games,
            "matches": tally.matches,
            **{f"rank{rank}": tally.ranks[rank] for rank in RANKS},
            "graded_at": now,
        }
        for (strategy, model_version), tally in tallies.items()
    ]
    accuracy_repo.replace_draw(session, draw_no, rows)


def report(session: Session) -> dict[str, Any]:
    """Every strategy and model version's record: overall, per draw and cumulative."""
    rows = accuracy_repo.all_rows(session)
    groups = [
        _group(strategy, model_version, list(items))
        for (strategy, model_version), items in groupby(
            rows, key=lambda row: (row.strategy, row.model_version)
        )
    ]
    return {"expected_mean_matches": CHANCE_MEAN, "groups": groups, "note": NOTE}


def _ranks(row: AccuracyRecord) -> list[int]:
    return [getattr(row, f"rank{rank}") for rank in RANKS]


def _interval(interval: MeanInterval) -> dict[str, float | None]:
    def finite(value: float) -> float | None:
        return round(value, 4) if np.isfinite(value) else None

    return {
        "mean_matches": finite(interval.mean),
        "low": finite(interval.low),
        "high": finite(interval.high),
    }


def _group(strategy: str, model_version: str, rows: Sequence[AccuracyRecord]) -> dict[str, Any]:
    games = np.array([row.games for row in rows], dtype=np.float64)
    matches = np.array([row.matches for row in rows], dtype=np.float64)
    observed = np.array([_ranks(row) for row in rows], dtype=np.int64).sum(axis=0)
    total_games = int(games.sum())
    per_draw = [
        {
            "draw_no": row.draw_no,
            "games": row.games,
            "mean_matches": round(row.matches / row.games, 4),
            "ranks": _ranks(row),
            "cumulative": {
                "games": int(games[: index + 1].sum()),
                **_interval(clustered_ratio_mean(matches[: index + 1], games[: index + 1])),
            },
        }
        for index, row in enumerate(rows)
    ]
    return {
        "strategy": strategy,
        "model_version": model_version or None,
        "draws": len(rows),
        "games": total_games,
        **_interval(clustered_ratio_mean(matches, games)),
        "ranks": [
            {
                "rank": rank,
                "observed": int(observed[rank - 1]),
                "expected": float(f"{total_games * probability:.4g}"),  # 1st: ~1e-7 a game
            }
            for rank, probability in zip(RANKS, tier_probabilities(), strict=True)
        ],
        "per_draw": per_draw,
    }
