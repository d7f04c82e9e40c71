"""Daily fixed storage: concurrent first requests store one row and all get its games, whether
they share one statement or race from several processes."""

import asyncio
import time
from datetime import UTC, datetime, timedelta

import numpy as np
import psycopg
import pytest
from sqlalchemy import func, select
from tests.conftest import POSTGRES_ADMIN_DSN
from tests.support.store import import_draws

from jinlotto.config import Settings
from jinlotto.db import migrate
from jinlotto.db.database import Database
from jinlotto.db.models import RecommendationRecord
from jinlotto.db.repositories import recommendations as repo
from jinlotto.db.session import build_engine
from jinlotto.domain.draw import Draw
from jinlotto.domain.schedule import kst_date
from jinlotto.errors import DatabaseUnavailableError
from jinlotto.services.recommend import (
    DailyRecommendation,
    RecommendationWriter,
    RecommendOptions,
    daily_key,
    daily_recommendation,
)
from jinlotto.services.recommender import POOL_SIZE, Recommender
from jinlotto.strategies.filters import Filters

VISITOR = "v" * 32


def _engine(settings: Settings, database: Database) -> Recommender:
    # Each engine draws fresh random games: only storage can make concurrent answers equal.
    return Recommender(settings.model_copy(update={"enable_ml": False}), database)


def _writer(database: Database, wait_seconds: float = 5) -> RecommendationWriter:
    return RecommendationWriter(database, wait_seconds=wait_seconds)


def _ask(
    database: Database,
    engine: Recommender,
    writer: RecommendationWriter,
    visitor: str,
    now: datetime,
) -> "asyncio.Future[DailyRecommendation]":
    options = RecommendOptions()
    key = daily_key(visitor, options.key(), now)
    return asyncio.ensure_future(
        daily_recommendation(database, engine, writer, key=key, options=options, now=now)
    )


def _numbers(daily: DailyRecommendation) -> list[list[int]]:
    return [game["numbers"] for game in daily.games]


def _rows(database: Database) -> int:
    with database.sessions() as session:
        return int(session.scalar(select(func.count(RecommendationRecord.id))) or 0)


def test_concurrent_first_requests_share_one_stored_row(
    settings: Settings, database: Database, shared_draws: list[Draw]
) -> None:
    import_draws(database, shared_draws, source="test")
    now = datetime.now(UTC)

    async def ask_from_eight_processes() -> list[DailyRecommendation]:
        asks = [
            _ask(database, _engine(settings, database), _writer(database), VISITOR, now)
            for _ in range(8)  # each "process" has its own engine and writer
        ]
        return await asyncio.gather(*asks)

    answers = [_numbers(daily) for daily in asyncio.run(ask_from_eight_processes())]
    assert all(answer == answers[0] for answer in answers)
    assert len(answers[0]) == 5
    assert _rows(database) == 1


def test_first_requests_sharing_one_statement_each_get_their_own_row_or_the_stored_one(
    settings: Settings, database: Database, shared_draws: list[Draw]
) -> None:
    import_draws(database, shared_draws, source="test")
    engine = _engine(settings, database)
    writer = _writer(database)
    now = datetime.now(UTC)
    visitors = [f"{n:032d}" for n in range(40)]

    async def ask_at_once() -> list[DailyRecommendation]:
        # Each visitor twice: the second ask of a visitor may land in the same statement.
        asks = [_ask(database, engine, writer, visitor, now) for visitor in visitors * 2]
        return await asyncio.gather(*asks)

    answers = asyncio.run(ask_at_once())
    by_visitor = dict(zip(visitors, answers[: len(visitors)], strict=True))
    for visitor, daily in zip(visitors * 2, answers, strict=True):
        assert _numbers(daily) == _numbers(by_visitor[visitor])
    assert sum(daily.generated_now for daily in answers) == len(visitors)
    assert len({str(_numbers(daily)) for daily in by_visitor.values()}) == len(visitors)
    assert _rows(database) == len(visitors)


def test_a_row_waiting_behind_a_stuck_statement_is_refused_and_the_stuck_one_stored_later(
    settings: Settings, database: Database, shared_draws: list[Draw]
) -> None:
    import_draws(database, shared_draws, source="test")
    engine = _engine(settings, database)
    writer = _writer(database, wait_seconds=0.5)
    now = datetime.now(UTC)
    first, waiting = "a" * 32, "b" * 32
    key = daily_key(first, RecommendOptions().key(), now)
    row = {
        "visitor_key": first,
        "kst_date": key.kst_date,
        "options_key": key.options_key,
        "strategy": "uniform",
        "model_version": None,
        "draw_no": 1201,
        "games": [],
        "relaxed": [],
        "created_at": now,
    }

    async def ask_while_the_first_statement_is_stuck() -> tuple[float, DailyRecommendation]:
        stuck = _ask(database, engine, writer, first, now)  # waits for the blocker's row
        await asyncio.sleep(0.5)
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailableError):  # not sent: refused, not kept waiting
            await asyncio.wait_for(_ask(database, engine, writer, waiting, now), timeout=10)
        refused_after = time.monotonic() - started
        blocker.rollback()
        return refused_after, await stuck

    with database.engine.connect() as blocker:  # holds an uncommitted row of the same key
        repo.insert_many_if_absent(blocker, [row])
        refused_after, stored = asyncio.run(ask_while_the_first_statement_is_stuck())
    assert refused_after >= 0.4
    assert stored.generated_now
    assert _rows(database) == 1


@pytest.mark.postgres
def test_rows_are_stored_after_the_server_closed_the_writers_connection(
    postgres_url: str, shared_draws: list[Draw]
) -> None:
    settings = Settings(_env_file=None, environment="test", database_url=postgres_url)  # type: ignore[call-arg]
    engine = build_engine(settings)
    migrate.upgrade(engine)
    engine.dispose()
    database = Database.open(settings)
    import_draws(database, shared_draws, source="test")
    recommender = _engine(settings, database)
    writer = _writer(database)
    now = datetime.now(UTC)

    async def ask_before_and_after_a_restart() -> list[DailyRecommendation]:
        before = await _ask(database, recommender, writer, "a" * 32, now)
        _close_every_connection(postgres_url.rsplit("/", 1)[1])  # as a restart of the server does
        return [before, await _ask(database, recommender, writer, "b" * 32, now)]

    try:
        answers = asyncio.run(ask_before_and_after_a_restart())
        assert [daily.generated_now for daily in answers] == [True, True]
        assert _rows(database) == 2
    finally:
        database.close()


def _close_every_connection(name: str) -> None:
    with psycopg.connect(POSTGRES_ADMIN_DSN, autocommit=True) as admin:
        query = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s"
        admin.execute(query, (name,))
        deadline = time.monotonic() + 10
        while admin.execute(query.replace("pg_terminate_backend(pid)", "1"), (name,)).fetchall():
            assert time.monotonic() < deadline, "the connections were not closed"
            time.sleep(0.05)


def test_a_new_kst_day_gives_new_games(
    settings: Settings, database: Database, shared_draws: list[Draw]
) -> None:
    import_draws(database, shared_draws, source="test")
    engine = _engine(settings, database)
    # 14:59 UTC is 23:59 KST; a minute later it is the next Korean day.
    before = datetime(2026, 3, 2, 14, 59, tzinfo=UTC)
    after = before + timedelta(minutes=1)
    writer = _writer(database)

    async def ask_on_both_days() -> tuple[DailyRecommendation, DailyRecommendation]:
        first = await _ask(database, engine, writer, VISITOR, before)
        return first, await _ask(database, engine, writer, VISITOR, after)

    first, second = asyncio.run(ask_on_both_days())
    assert (kst_date(before).day, kst_date(after).day) == (2, 3)
    assert first.generated_for != second.generated_for
    assert first.games != second.games
    assert first.draw_no == second.draw_no  # both before Saturday's draw


def test_games_are_drawn_in_memory_only_once_everything_is_fitted(
    settings: Settings, loaded: Database
) -> None:
    engine = Recommender(
        settings.model_copy(update={"enable_ml": False, "state_refresh_seconds": 60}), loaded
    )
    assert not engine.in_memory(None)  # nothing read yet: generating asks the database
    games = engine.generate(None, Filters(), 5, np.random.default_rng(1)).games
    assert engine.in_memory(None)
    assert not engine.in_memory("uniform")  # the default strategy only is fitted
    assert engine.generate(None, Filters(), 5, np.random.default_rng(1)).games == games


def test_games_are_never_drawn_in_memory_when_the_state_is_read_every_time(
    settings: Settings, loaded: Database
) -> None:
    engine = Recommender(
        settings.model_copy(update={"enable_ml": False, "state_refresh_seconds": 0}), loaded
    )
    engine.generate(None, Filters(), 5, np.random.default_rng(1))
    assert not engine.in_memory(None)


def test_visitors_without_filters_get_fresh_games_made_ahead_by_the_current_fit(
    settings: Settings, database: Database, shared_draws: list[Draw]
) -> None:
    import_draws(database, shared_draws[:-1], source="test")
    engine = Recommender(
        settings.model_copy(update={"enable_ml": False, "state_refresh_seconds": 0}), database
    )
    made = [engine.generate(None, Filters(), 5) for _ in range(POOL_SIZE + 8)]  # two batches
    assert len({str(generated.games) for generated in made}) == len(made)
    assert {generated.latest_draw_no for generated in made} == {1199}
    import_draws(database, shared_draws[-1:], source="test")
    newest = set(shared_draws[-1].numbers)
    after = engine.generate(None, Filters(), 5)  # games made ahead before draw 1200 are gone
    assert after.latest_draw_no == 1200
    for game in after.games:
        assert game["analysis"]["repeats_last_draw"] == len(newest & set(game["numbers"]))
