"""Daily fixed recommendations: one set of games per visitor, KST day and options.

The first request of a visitor on a KST calendar day generates five games and stores them; every
later request that day, in any process, reads the same row back. The insert is a committed
``ON CONFLICT DO NOTHING`` statement on the unique (visitor, day, options) key: a simultaneous
second insert waits for the first to commit, does nothing, and then reads the first one's row, so
two simultaneous first requests store one row and both answer with it.

Under load the rows of many first requests share one statement (:class:`RecommendationWriter`):
a PostgreSQL commit costs about as much for one row as for a hundred, and each request is still
answered only after its row is committed. Games are fresh random ones, not derived from the
visitor: the stored row, not a seed, is what makes every later answer the same.
"""

import asyncio
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from pydantic_core import from_json, to_json
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from jinlotto.db.database import AUTOCOMMIT_CONNECTIONS, Database
from jinlotto.db.gate import UNAVAILABLE_MESSAGE
from jinlotto.db.models import RecommendationRecord
from jinlotto.db.repositories import recommendations as repo
from jinlotto.domain.schedule import kst_date, next_draw_no
from jinlotto.errors import DatabaseUnavailableError
from jinlotto.services.recommender import Recommender
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


@dataclass(frozen=True, slots=True)
class DailyKey:
    """What a stored recommendation is unique on."""

    visitor_key: str
    kst_date: date
    options_key: str


def daily_key(visitor_key: str, options_key: str, now: datetime) -> DailyKey:
    """The storage key of a visitor's games for the KST day of ``now`` and these options."""
    return DailyKey(visitor_key, kst_date(now), options_key)


# A cached recommendation as the garbage collector does not track it: a tuple of strings,
# numbers and dates, the games as their JSON (pydantic-core's: a third of the standard library's
# time to write, 5 µs, and half to read).
_Entry = tuple[bytes, str, str | None, date, int, tuple[str, ...]]


class RecommendationCache:
    """Stored recommendations this process has already read, least recently used first out.

    A stored row never changes, so a copy of it stays right: a repeat visitor is answered
    without a database round trip, and every process still answers with the stored games.
    Entries are kept in a form the garbage collector does not track (:data:`_Entry`). As
    nested dicts and lists, 4,096 of them made every full collection take 40-100 ms, during
    which the process answered no one.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[str, date, str], _Entry] = OrderedDict()

    def get(self, key: DailyKey) -> DailyRecommendation | None:
        """The cached recommendation for ``key``, if any."""
        cache_key = _untracked(key)
        with self._lock:
            found = self._items.get(cache_key)
            if found is not None:
                self._items.move_to_end(cache_key)
        if found is None:
            return None
        games, strategy, model_version, generated_for, draw_no, relaxed = found
        return DailyRecommendation(
            games=from_json(games),
            strategy=strategy,
            model_version=model_version,
            generated_for=generated_for,
            draw_no=draw_no,
            relaxed=list(relaxed),
            generated_now=False,
        )

    def put(self, key: DailyKey, value: DailyRecommendation) -> None:
        """Remember a recommendation read from or written to storage."""
        if self._size <= 0:
            return
        entry = (
            to_json(value.games),
            value.strategy,
            value.model_version,
            value.generated_for,
            value.draw_no,
            tuple(value.relaxed),
        )
        cache_key = _untracked(key)
        with self._lock:
            self._items[cache_key] = entry
            self._items.move_to_end(cache_key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)


def _untracked(key: DailyKey) -> tuple[str, date, str]:
    return (key.visitor_key, key.kst_date, key.options_key)


@dataclass(slots=True)
class _Row:
    key: DailyKey
    values: dict[str, Any]
    inserted: "asyncio.Future[bool]"
    sent: bool = False
    deadline: asyncio.TimerHandle | None = None  # refuses the row unless it is sent first


class RecommendationWriter:
    """Inserts new recommendations for one event loop, many rows per statement under load.

    A row is sent at once while fewer than :data:`~jinlotto.db.database.AUTOCOMMIT_CONNECTIONS`
    statements run (one: the database's autocommit connections); otherwise it waits
    for the next statement, which carries every row waiting then (up to ``max_rows``). So an
    idle service adds no delay and a busy one pays one commit for many visitors.

    The database gate's rules hold: while the database does not answer, a statement carries
    one row and a row finding every statement stuck is refused at once, so at most that many
    requests wait on it; a row not sent within ``wait_seconds`` is refused.
    """

    def __init__(
        self,
        database: Database,
        *,
        wait_seconds: float,
        max_rows: int = 500,
    ) -> None:
        self._database = database
        self._wait_seconds = wait_seconds
        self._max_rows = max_rows
        self._waiting: list[_Row] = []
        self._writes: set[asyncio.Task[None]] = set()  # referenced until done

    async def insert(self, key: DailyKey, values: dict[str, Any]) -> bool:
        """Store a row for ``key`` unless one is stored; whether this one was (committed)."""
        gate = self._database.gate
        if len(self._writes) >= AUTOCOMMIT_CONNECTIONS and not gate.answering:
            raise DatabaseUnavailableError(UNAVAILABLE_MESSAGE)
        loop = asyncio.get_running_loop()
        row = _Row(key, values, loop.create_future())
        self._waiting.append(row)
        self._send()
        if not row.sent:  # a timer, not asyncio.wait: half the CPU (3-4 against 7-10 µs)
            row.deadline = loop.call_later(self._wait_seconds, self._refuse, row)
        return await row.inserted

    def _refuse(self, row: _Row) -> None:
        """A row no statement took within ``wait_seconds``: the database is not answering."""
        self._waiting.remove(row)
        self._database.gate.report_unanswered()
        if not row.inserted.done():  # done: its request was cancelled
            row.inserted.set_exception(DatabaseUnavailableError(UNAVAILABLE_MESSAGE))

    def _send(self) -> None:
        while self._waiting and len(self._writes) < AUTOCOMMIT_CONNECTIONS:
            size = self._max_rows if self._database.gate.answering else 1
            batch, self._waiting = self._waiting[:size], self._waiting[size:]
            for row in batch:
                row.sent = True
                if row.deadline is not None:
                    row.deadline.cancel()
            write = asyncio.ensure_future(self._write(batch))
            self._writes.add(write)
            write.add_done_callback(self._done)

    async def _write(self, batch: list[_Row]) -> None:
        first: dict[DailyKey, _Row] = {}
        for row in batch:  # a key twice in one statement: the later rows read the first back
            first.setdefault(row.key, row)
        try:
            stored = await run_in_threadpool(self._insert, list(first.values()))
        except Exception as error:
            for row in batch:
                if not row.inserted.done():  # done: its request was cancelled
                    row.inserted.set_exception(error)
        else:
            for row in batch:
                if not row.inserted.done():
                    row.inserted.set_result(first[row.key] is row and row.key in stored)

    def _done(self, write: "asyncio.Task[None]") -> None:
        self._writes.discard(write)
        self._send()

    def _insert(self, rows: list[_Row]) -> set[DailyKey]:
        # One autocommit statement is its own transaction: committed when this returns. Run a
        # second time (a connection the server closed), it stores nothing its first run stored,
        # and those visitors read their row back.
        values = [_where(r.key) | r.values for r in rows]
        inserted = self._database.run_autocommit(
            lambda connection: repo.insert_many_if_absent(connection, values)
        )
        return {DailyKey(*key) for key in inserted}


def stored_recommendation(database: Database, key: DailyKey) -> DailyRecommendation | None:
    """The stored games for ``key``, if any."""
    with database.sessions() as session:
        stored = _find(session, key)
    return None if stored is None else _from_record(stored, generated_now=False)


def generate(
    database: Database,
    recommender: Recommender,
    *,
    key: DailyKey,
    options: RecommendOptions,
    now: datetime,
) -> DailyRecommendation:
    """Fresh random games for ``key`` (not stored yet)."""
    database.gate.check_open()  # games that could not be stored would be generated in vain
    generated = recommender.generate(options.strategy, options.filters, GAMES_PER_DAY)
    return DailyRecommendation(
        games=generated.games,
        strategy=generated.strategy,
        model_version=generated.model_version,
        generated_for=key.kst_date,
        draw_no=next_draw_no(now, newest_stored=generated.latest_draw_no),
        relaxed=generated.relaxed,
        generated_now=True,
    )


async def daily_recommendation(
    database: Database,
    recommender: Recommender,
    writer: RecommendationWriter,
    *,
    key: DailyKey,
    options: RecommendOptions,
    now: datetime | None = None,
    new_visitor: bool = False,
) -> DailyRecommendation:
    """The visitor's stored games for ``key``, generating and storing them on the first ask.

    ``new_visitor`` (a key minted for this request) skips the lookup that cannot find anything.
    The database work runs in threads. So does the generation, unless the options are the
    default ones (a search of bounded, sub-millisecond cost) and everything it needs is in
    memory: a thread round trip would cost about as much CPU as the games themselves.
    """
    now = now or datetime.now(UTC)
    stored = None if new_visitor else await run_in_threadpool(stored_recommendation, database, key)
    if stored is not None:
        return stored
    if options.filters == Filters() and recommender.in_memory(options.strategy):
        fresh = generate(database, recommender, key=key, options=options, now=now)
    else:
        fresh = await run_in_threadpool(
            lambda: generate(database, recommender, key=key, options=options, now=now)
        )
    if await writer.insert(key, _row_values(fresh, now)):
        return fresh
    stored = await run_in_threadpool(stored_recommendation, database, key)
    if stored is None:  # another request stored it first, so it can be read
        raise RuntimeError("a stored recommendation could not be read back")
    return stored


def _where(key: DailyKey) -> dict[str, Any]:
    return {
        "visitor_key": key.visitor_key,
        "kst_date": key.kst_date,
        "options_key": key.options_key,
    }


def _find(session: Session, key: DailyKey) -> RecommendationRecord | None:
    return repo.find(
        session, visitor_key=key.visitor_key, kst_date=key.kst_date, options_key=key.options_key
    )


def _row_values(fresh: DailyRecommendation, now: datetime) -> dict[str, Any]:
    return {
        "strategy": fresh.strategy,
        "model_version": fresh.model_version,
        "draw_no": fresh.draw_no,
        "games": fresh.games,
        "relaxed": fresh.relaxed,
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
