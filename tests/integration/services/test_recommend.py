"""Daily fixed storage: concurrent first requests store one row and all get its games."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import func, select
from tests.support.store import import_draws

from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.db.models import RecommendationRecord
from jinlotto.domain.draw import Draw
from jinlotto.domain.schedule import kst_date
from jinlotto.services.recommend import (
    RecommendOptions,
    daily_key,
    daily_recommendation,
)
from jinlotto.services.recommender import Generated, Recommender
from jinlotto.strategies.filters import Filters

VISITOR = "v" * 32


class UnseededRecommender(Recommender):
    """The real recommender, but each call draws from fresh entropy instead of the derived seed, so
    concurrent callers generate different games and only storage can make answers equal."""

    def generate(
        self, requested: str | None, filters: Filters, n: int, rng: np.random.Generator
    ) -> Generated:
        return super().generate(requested, filters, n, np.random.default_rng())


def _engine(settings: Settings, database: Database) -> Recommender:
    return UnseededRecommender(settings.model_copy(update={"enable_ml": False}), database)


def test_concurrent_first_requests_share_one_stored_row(
    settings: Settings, database: Database, shared_draws: list[Draw]
) -> None:
    import_draws(database, shared_draws, source="test")
    engines = [_engine(settings, database) for _ in range(8)]  # one per "process"
    now = datetime.now(UTC)

    def ask(engine: Recommender) -> list[list[int]]:
        options = RecommendOptions()
        daily = daily_recommendation(
            database, engine, key=daily_key(VISITOR, options.key(), now), options=options, now=now
        )
        return [game["numbers"] for game in daily.games]

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(ask, engines))
    assert all(answer == answers[0] for answer in answers)
    assert len(answers[0]) == 5
    with database.sessions() as session:
        assert session.scalar(select(func.count(RecommendationRecord.id))) == 1


def test_a_new_kst_day_gives_new_games(
    settings: Settings, database: Database, shared_draws: list[Draw]
) -> None:
    import_draws(database, shared_draws, source="test")
    engine = _engine(settings, database)
    # 14:59 UTC is 23:59 KST; a minute later it is the next Korean day.
    before = datetime(2026, 3, 2, 14, 59, tzinfo=UTC)
    after = before + timedelta(minutes=1)
    options = RecommendOptions()
    first = daily_recommendation(
        database, engine, key=daily_key(VISITOR, options.key(), before), options=options, now=before
    )
    second = daily_recommendation(
        database, engine, key=daily_key(VISITOR, options.key(), after), options=options, now=after
    )
    assert (kst_date(before).day, kst_date(after).day) == (2, 3)
    assert first.generated_for != second.generated_for
    assert first.games != second.games
    assert first.draw_no == second.draw_no  # both before Saturday's draw
