"""Daily fixed recommendations: one set of games per visitor, KST day and options.

The first request of a visitor on a KST calendar day generates five games and stores them; every
later request that day, in any process, reads the same row back. The insert is one committed
``ON CONFLICT DO NOTHING`` statement on the unique (visitor, day, options) key: a simultaneous
second insert waits for the first to commit, does nothing, and then reads the first one's row, so
two simultaneous first requests store one row and both answer with it.
"""

import hashlib
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from jinlotto.db.database import Database
from jinlotto.db.models import RecommendationRecord
from jinlotto.db.repositories import recommendations as repo
from jinlotto.domain.schedule import kst_date, next_draw_no
from jinlotto.services.recommender import Generated, Recommender
from jinlotto.strategies.base import relaxation_stage
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

    @property
    def relaxation_stage(self) -> int:
        """The relaxation stage the games were found at (0: every filter met as given)."""
        return relaxation_stage(self.relaxed)


def seed_for(visitor_key: str, day: date, options_key: str) -> int:
    """A seed derived from visitor, day and options (storage, not the seed, ensures sameness)."""
    digest = hashlib.sha256(f"{visitor_key}|{day.isoformat()}|{options_key}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


@dataclass(frozen=True, slots=True)
class DailyKey:
    """What a stored recommendation is unique on."""

    visitor_key: str
    kst_date: date
    options_key: str


def daily_key(visitor_key: str, options_key: str, now: datetime) -> DailyKey:
    """The storage key of a visitor's games for the KST day of ``now`` and these options."""
    return DailyKey(visitor_key, kst_date(now), options_key)


class RecommendationCache:
    """Stored recommendations this process has already read, least recently used first out.

    A stored row never changes, so a copy of it stays right: a repeat visitor is answered
    without a database round trip, and every process still answers with the stored games.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[DailyKey, DailyRecommendation] = OrderedDict()

    def get(self, key: DailyKey) -> DailyRecommendation | None:
        """The cached recommendation for ``key``, if any."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: DailyKey, value: DailyRecommendation) -> None:
        """Remember a recommendation read from or written to storage."""
        if self._size <= 0:
            return
        with self._lock:
            self._items[key] = replace(value, generated_now=False)
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


def daily_recommendation(
    database: Database,
    recommender: Recommender,
    *,
    key: DailyKey,
    options: RecommendOptions,
    now: datetime | None = None,
    new_visitor: bool = False,
) -> DailyRecommendation:
    """The visitor's stored games for ``key``, generating and storing them on the first ask.

    ``new_visitor`` (a key minted for this request) skips the lookup that cannot find anything.
    """
    now = now or datetime.now(UTC)
    database.gate.check_open()  # games that could not be stored would be generated in vain
    where = {
        "visitor_key": key.visitor_key,
        "kst_date": key.kst_date,
        "options_key": key.options_key,
    }
    if not new_visitor:
        with database.sessions() as session:
            stored = _find(session, key)
        if stored is not None:
            return _from_record(stored, generated_now=False)
    rng = np.random.default_rng(seed_for(key.visitor_key, key.kst_date, key.options_key))
    generated = recommender.generate(options.strategy, options.filters, GAMES_PER_DAY, rng)
    values = _row_values(generated, now)
    # One autocommit statement is its own transaction: the row is committed before the answer
    # is sent, without the round trips of a separate BEGIN and COMMIT.
    with database.autocommit() as connection:
        inserted = repo.insert_if_absent(connection, where | values)
    if inserted:
        return DailyRecommendation(
            games=generated.games,
            strategy=generated.strategy,
            model_version=generated.model_version,
            generated_for=key.kst_date,
            draw_no=values["draw_no"],
            relaxed=generated.relaxed,
            generated_now=True,
        )
    with database.sessions() as session:  # another request stored it first: use theirs
        stored = _find(session, key)
    if stored is None:
        raise RuntimeError("a stored recommendation could not be read back")
    return _from_record(stored, generated_now=False)


def _find(session: Session, key: DailyKey) -> RecommendationRecord | None:
    return repo.find(
        session, visitor_key=key.visitor_key, kst_date=key.kst_date, options_key=key.options_key
    )


def _row_values(generated: Generated, now: datetime) -> dict[str, Any]:
    return {
        "strategy": generated.strategy,
        "model_version": generated.model_version,
        "draw_no": next_draw_no(now, newest_stored=generated.latest_draw_no),
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
