"""Stored recommendations, made-up later draws, and the expected grade of a game computed
independently of the code under test (straight from a draw's mirror object)."""

import random
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from jinlotto.db.database import Database
from jinlotto.db.models import RecommendationRecord
from jinlotto.domain.schedule import kst_date, scheduled_date

# Games against draw 1200 (1 2 4 16 20 32 + 45) winning ranks 1, 2, 3, 4, 5 and nothing.
GAMES_1200 = (
    (1, 2, 4, 16, 20, 32),
    (1, 2, 4, 16, 20, 45),
    (1, 2, 4, 16, 20, 44),
    (1, 2, 4, 16, 43, 44),
    (1, 2, 4, 42, 43, 44),
    (40, 41, 42, 43, 44, 45),
)


def expected_grade(numbers: Sequence[int], raw: dict[str, Any]) -> dict[str, Any]:
    """Matches, bonus, rank and published prize of a game at a draw given as a mirror object."""
    matched = len(set(numbers) & set(raw["numbers"]))
    bonus = raw["bonus_no"] in numbers
    rank = {6: 1, 5: 2 if bonus else 3, 4: 4, 3: 5}.get(matched, 0)
    prize = raw["divisions"][rank - 1]["prize"] if rank else 0
    return {
        "matched": matched,
        "bonus_matched": bonus,
        "rank": rank,
        "prize": prize,
        "prize_source": "published" if rank else "rule",
    }


def store_recommendation(
    database: Database,
    *,
    visitor_key: str,
    draw_no: int,
    created_at: datetime,
    games: Sequence[Sequence[int]],
    strategy: str = "statistical",
    model_version: str | None = None,
    options_key: str = "default:",
    day: date | None = None,
) -> int:
    """Store one recommendation row as the service stores it; its id."""
    record = RecommendationRecord(
        visitor_key=visitor_key,
        kst_date=day or kst_date(created_at),
        options_key=options_key,
        strategy=strategy,
        model_version=model_version,
        draw_no=draw_no,
        games=[{"numbers": list(g), "confidence": 0.5, "analysis": {}} for g in games],
        relaxed=[],
        created_at=created_at,
    )
    with database.transaction() as session:
        session.add(record)
        session.flush()
        return record.id


def synthetic_raw(draw_no: int, seed: int = 0) -> dict[str, Any]:
    """A made-up draw ``draw_no`` in the mirror format, dated by the weekly schedule.

    For tests that run the real clock: the real draws end at 1200, but "the newest draw" of a
    command run today is a later one.
    """
    rng = random.Random(seed * 100_003 + draw_no)
    numbers = sorted(rng.sample(range(1, 46), 7))
    bonus = numbers.pop(rng.randrange(7))
    return {
        "draw_no": draw_no,
        "numbers": numbers,
        "bonus_no": bonus,
        "date": f"{scheduled_date(draw_no).isoformat()}T00:00:00Z",
        "divisions": [
            {"prize": 2_000_000_000, "winners": 10},
            {"prize": 60_000_000, "winners": 60},
            {"prize": 1_400_000, "winners": 3000},
            {"prize": 50_000, "winners": 150_000},
            {"prize": 5_000, "winners": 2_500_000},
        ],
        "total_sales_amount": 115_000_000_000,
        "winners_combination": {"auto": 7, "manual": 3},
    }
