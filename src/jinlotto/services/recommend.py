"""Daily fixed recommendations: one set of games per visitor, KST day and options.

The first request of a visitor on a KST calendar day generates five games and stores them; every
later request that day, in any process, reads the same row back. The insert is
``ON CONFLICT DO NOTHING`` on the unique (visitor, day, options) key followed by a read in the
same transaction, so two simultaneous first requests store one row and both answer with it.
"""

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np

from jinlotto.db.database import Database
from jinlotto.db.models import RecommendationRecord
from jinlotto.db.repositories import recommendations as repo
from jinlotto.services.engine import EngineCache, Generated
from jinlotto.services.tickets import KST, next_draw_no
from jinlotto.strategies.filters import Filters

logger = logging.getLogger(__name__)

GAMES_PER_DAY = 5
DEFAULT_STRATEGY = "default"


@dataclass(frozen=True, slots=True)
class RecommendOptions:
    """What the visitor asked for: a strategy name (or the default) and filters."""

    strategy: str | None = None
    filters: Filters = field(default_factory=Filters)

    def key(self) -> str:
        """Stable text identifying these options; equal options share one stored row a day."""
        return f"{self.strategy or DEFAULT_STRATEGY}:{self.filters.key()}"


@dataclass(frozen=True, slots=True)
class DailyRecommendation:
    """A visitor's games for one KST day, exactly as stored."""

    games: list[dict[str, Any]]
    strategy: str
    model_version: str | None
    generated_for: date
    draw_no: int
    relaxed: list[str]
    generated_now: bool


def kst_date(now: datetime) -> date:
    """The Korean calendar date at ``now``."""
    return now.astimezone(KST).date()


def seed_for(visitor_key: str, day: date, options_key: str) -> int:
    """A seed derived from visitor, day and options (storage, not the seed, ensures sameness)."""
    digest = hashlib.sha256(f"{visitor_key}|{day.isoformat()}|{options_key}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def daily_recommendation(
    database: Database,
    engine: EngineCache,
    *,
    visitor_key: str,
    options: RecommendOptions,
    now: datetime | None = None,
) -> DailyRecommendation:
    """The visitor's stored games for today and these options, generating them on first ask."""
    now = now or datetime.now(UTC)
    day, options_key = kst_date(now), options.key()
    with database.sessions() as session:
        stored = repo.find(session, visitor_key=visitor_key, kst_date=day, options_key=options_key)
    if stored is not None:
        return _from_record(stored, generated_now=False)
    rng = np.random.default_rng(seed_for(visitor_key, day, options_key))
    generated = engine.generate(options.strategy, options.filters, GAMES_PER_DAY, rng)
    with database.transaction() as session:
        row = {"visitor_key": visitor_key, "kst_date": day, "options_key": options_key}
        repo.insert_if_absent(session, row | _row_values(generated, now))
        stored = repo.find(session, visitor_key=visitor_key, kst_date=day, options_key=options_key)
    if stored is None:  # the row was inserted or already existed: it must be readable now
        raise RuntimeError("stored recommendation vanished")
    mine = stored.created_at == now and stored.strategy == generated.strategy
    return _from_record(stored, generated_now=mine)


def _row_values(generated: Generated, now: datetime) -> dict[str, Any]:
    return {
        "strategy": generated.strategy,
        "model_version": generated.model_version,
        "draw_no": max(next_draw_no(now), generated.latest_draw_no + 1),
        "games": generated.games,
        "relaxed": generated.relaxed,
        "created_at": now,
    }


def _from_record(record: RecommendationRecord, *, generated_now: bool) -> DailyRecommendation:
    return DailyRecommendation(
        games=list(record.games),
        strategy=record.strategy,
        model_version=record.model_version,
        generated_for=record.kst_date,
        draw_no=record.draw_no,
        relaxed=list(record.relaxed),
        generated_now=generated_now,
    )
