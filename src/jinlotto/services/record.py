"""Use cases of the honest record: run and store a backtest, the latest report, the randomness
audit, and popularity scores of games."""

import logging
import re
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.db.models import BacktestReportRecord
from jinlotto.domain.history import History
from jinlotto.domain.prizes import PRICE_CHANGE_DRAW
from jinlotto.errors import InvalidTicketError, NoDrawDataError, NotFoundError
from jinlotto.services.draws import stored_history

logger = logging.getLogger(__name__)

DEFAULT_DRAWS = 400
ML_STRATEGIES = frozenset({"ml", "unified"})
NO_REPORT = "no backtest has been run yet; run `jinlotto backtest` first"
_SEPARATORS = re.compile(r"[\s,]+")


def strategy_names(requested: str, settings: Settings) -> list[str]:
    """Names from ``a,b,...`` or ``all`` (``ml``/``unified`` left out of ``all`` without ML)."""
    from jinlotto.strategies import registry

    if requested.strip().lower() == "all":
        names = registry.available()
        return [n for n in names if settings.enable_ml or n not in ML_STRATEGIES]
    names = [name.strip() for name in requested.split(",") if name.strip()]
    if not names:
        raise NotFoundError("no strategy named; give names separated by commas, or `all`")
    return list(dict.fromkeys(names))


def run_backtest(
    database: Database,
    *,
    strategies: Sequence[str],
    first_draw: int | None = None,
    last_draw: int | None = None,
    tickets: int = 100,
    seed: int = 0,
    retrain_every: int = 10,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Backtest ``strategies`` over stored draws (default: the newest 400) and store the report.

    ``progress`` is called with (draws done, draws in range). Returns the stored report.
    """
    from jinlotto.backtest.contestants import build_contestants
    from jinlotto.backtest.engine import BacktestConfig, evaluated_draws, walk_forward
    from jinlotto.backtest.report import build_report

    history = stored_history(database)
    last = last_draw if last_draw is not None else int(history.draw_nos[-1])
    first = first_draw if first_draw is not None else max(last - DEFAULT_DRAWS + 1, 1)
    config = BacktestConfig(first, last, tickets, seed, retrain_every)
    total = evaluated_draws(history, config).size
    contestants = build_contestants(list(strategies), seed)
    step = (lambda done: progress(done, total)) if progress else None
    report = build_report(walk_forward(history, contestants, config, step))
    report["created_at"] = datetime.now(UTC).isoformat()
    with database.transaction() as session:
        record = BacktestReportRecord(
            first_draw=report["from"],
            last_draw=report["to"],
            tickets=tickets,
            seed=seed,
            strategies=",".join(strategies)[:256],
            report=report,
            created_at=datetime.fromisoformat(report["created_at"]),
        )
        session.add(record)
        session.flush()
        report["id"] = record.id
    logger.info("stored backtest report %d of draws %d-%d", record.id, first, last)
    return report


def latest_report(session: Session) -> dict[str, Any]:
    """The newest stored backtest report; ``NotFoundError`` while none was run."""
    query = select(BacktestReportRecord).order_by(BacktestReportRecord.id.desc()).limit(1)
    record = session.scalars(query).first()
    if record is None:
        raise NotFoundError(NO_REPORT)
    return {**record.report, "id": record.id}


def randomness_audit(history: History) -> dict[str, Any]:
    """The randomness audit of ``history`` (see :mod:`jinlotto.backtest.audit`)."""
    from jinlotto.backtest.audit import audit

    return audit(history)


def popularity_validation(history: History) -> dict[str, Any]:
    """Held-out figures of the popularity model (see its validation module)."""
    from jinlotto.strategies.popularity.validation import validate

    return validate(history)


def parse_game(text: str) -> list[int]:
    """Six distinct numbers 1-45 from text such as ``"1,2,3,4,5,6"``, ascending."""
    parts = [part for part in _SEPARATORS.split(text.strip()) if part]
    if len(parts) != 6 or not all(part.isdigit() for part in parts):
        raise InvalidTicketError(f"a game is six whole numbers 1-45, got {text!r}")
    numbers = sorted(int(part) for part in parts)
    if len(set(numbers)) != 6 or numbers[0] < 1 or numbers[-1] > 45:
        raise InvalidTicketError(f"a game is six distinct numbers 1-45, got {text!r}")
    return numbers


class PopularityScorer:
    """Scores games with a popularity model fitted once per stored history (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[int, int] | None = None
        self._model: Any = None

    def score(self, history: History, numbers: Sequence[int]) -> dict[str, Any]:
        """Popularity index, expected co-winners of tiers 1-3 and expected prize per 1,000 KRW.

        Co-winners and prizes assume the sales of the newest draw with known sales.
        """
        from jinlotto.strategies.popularity.features import PlayContext
        from jinlotto.strategies.popularity.value import EV_NOTE, score_games

        model = self._fitted(history)
        known = np.flatnonzero((history.sales > 0) & (history.draw_nos >= PRICE_CHANGE_DRAW))
        if known.size == 0:
            raise NoDrawDataError("no stored draw has sales figures to score a game against")
        row = int(known[-1])
        games = np.array([list(numbers)], dtype=np.int64)
        sales, draw_no = int(history.sales[row]), int(history.draw_nos[row])
        score = score_games(model, games, PlayContext.from_history(history), sales, draw_no)[0]
        return {**score, "sales_of_draw": draw_no, "sales": sales, "note": EV_NOTE}

    def _fitted(self, history: History) -> Any:
        from jinlotto.strategies.popularity.model import fit_model

        key = (len(history), int(history.draw_nos[-1]))
        with self._lock:
            if self._key != key:
                self._model = fit_model(history)
                self._key = key
            return self._model


popularity_scorer = PopularityScorer()
