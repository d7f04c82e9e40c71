"""Stored recommendations and the expected grade of a game, computed independently of the code
under test (straight from a draw's mirror object)."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from jinlotto.db.database import Database
from jinlotto.db.models import RecommendationRecord
from jinlotto.domain.schedule import kst_date

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
