"""Backtests and the randomness audit: run and store a walk-forward backtest, read the latest
report, audit the stored draws."""

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from jinlotto.config import Settings
from jinlotto.db.models import BacktestReportRecord
from jinlotto.db.repositories import reports as report_repo
from jinlotto.domain.history import History
from jinlotto.errors import NotFoundError

logger = logging.getLogger(__name__)

DEFAULT_DRAWS = 400
NO_REPORT = "no backtest has been run yet; run `jinlotto backtest` first"


def strategy_names(requested: str, settings: Settings) -> list[str]:
    """Names from ``a,b,...`` or ``all`` (``ml``/``unified`` left out of ``all`` without ML)."""
    from jinlotto.strategies import registry

    if requested.strip().lower() == "all":
        names = registry.available()
        return [n for n in names if settings.enable_ml or n not in registry.MODEL_STRATEGIES]
    names = [name.strip() for name in requested.split(",") if name.strip()]
    if not names:
        raise NotFoundError("no strategy named; give names separated by commas, or `all`")
    return list(dict.fromkeys(names))


def run_backtest(
    history: History,
    *,
    strategies: Sequence[str],
    first_draw: int | None = None,
    last_draw: int | None = None,
    tickets: int = 100,
    seed: int = 0,
    retrain_every: int = 10,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Backtest ``strategies`` over draws of ``history`` (default: the newest 400).

    ``progress`` is called with (draws done, draws in range). Store the report with
    :func:`store_report`.
    """
    from jinlotto.backtest.contestants import build_contestants
    from jinlotto.backtest.engine import BacktestConfig, evaluated_draws, walk_forward
    from jinlotto.backtest.report import build_report

    last = last_draw if last_draw is not None else int(history.draw_nos[-1])
    first = first_draw if first_draw is not None else max(last - DEFAULT_DRAWS + 1, 1)
    config = BacktestConfig(first, last, tickets, seed, retrain_every)
    total = evaluated_draws(history, config).size
    contestants = build_contestants(list(strategies), seed)
    step = (lambda done: progress(done, total)) if progress else None
    report = build_report(walk_forward(history, contestants, config, step))
    report["created_at"] = datetime.now(UTC).isoformat()
    return report


def store_report(session: Session, report: dict[str, Any]) -> dict[str, Any]:
    """Store a report of :func:`run_backtest`; it is then the latest. Returns it with its id."""
    record = report_repo.add(
        session,
        BacktestReportRecord(
            first_draw=report["from"],
            last_draw=report["to"],
            tickets=report["tickets"],
            seed=report["seed"],
            strategies=",".join(report["strategies"])[:256],
            report=report,
            created_at=datetime.fromisoformat(report["created_at"]),
        ),
    )
    logger.info(
        "stored backtest report %d of draws %d-%d", record.id, record.first_draw, record.last_draw
    )
    return report_repo.as_dict(record)


def latest_report(session: Session) -> dict[str, Any]:
    """The newest stored backtest report; ``NotFoundError`` while none was run."""
    record = report_repo.latest(session)
    if record is None:
        raise NotFoundError(NO_REPORT)
    return report_repo.as_dict(record)


def randomness_audit(history: History) -> dict[str, Any]:
    """The randomness audit of ``history`` (see :mod:`jinlotto.backtest.audit`)."""
    from jinlotto.backtest.audit import audit

    return audit(history)
