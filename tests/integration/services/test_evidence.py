"""Running, storing and reading backtest reports, the audit and popularity scores on a real DB."""

from typing import Any

import pytest

from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.domain.games import parse_game
from jinlotto.errors import InvalidTicketError, JinlottoError, NoDrawDataError, NotFoundError
from jinlotto.services import backtests, popularity
from jinlotto.services.draws import stored_history


def run_and_store(database: Database, **options: Any) -> dict[str, Any]:
    report = backtests.run_backtest(stored_history(database), **options)
    with database.transaction() as session:
        return backtests.store_report(session, report)


def test_a_backtest_is_stored_and_served_as_the_latest(loaded: Database) -> None:
    with loaded.sessions() as session, pytest.raises(NotFoundError, match="jinlotto backtest"):
        backtests.latest_report(session)
    calls: list[tuple[int, int]] = []
    first = run_and_store(
        loaded,
        strategies=["uniform", "statistical"],
        first_draw=1181,
        tickets=20,
        seed=4,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls[-1] == (20, 20)
    assert (first["from"], first["to"], first["draws"]) == (1181, 1200, 20)
    second = run_and_store(loaded, strategies=["uniform"], first_draw=1191, seed=4)
    with loaded.sessions() as session:
        latest = backtests.latest_report(session)
    assert latest["id"] == second["id"] > first["id"]
    assert latest["strategies"]["uniform"] == second["strategies"]["uniform"]
    assert set(latest["strategies"]) == {"uniform"}


def test_a_failed_backtest_stores_nothing(loaded: Database) -> None:
    with pytest.raises(JinlottoError, match="no stored draw"):
        run_and_store(loaded, strategies=["uniform"], first_draw=1300, last_draw=1310)
    with pytest.raises(NotFoundError, match="available"):
        run_and_store(loaded, strategies=["uniform", "tarot"], first_draw=1191)
    with loaded.sessions() as session, pytest.raises(NotFoundError):
        backtests.latest_report(session)


def test_strategy_names_all_leaves_ml_out_when_disabled(settings: Settings) -> None:
    without_ml = backtests.strategy_names("all", settings.model_copy(update={"enable_ml": False}))
    assert "ml" not in without_ml and {"uniform", "popularity"} <= set(without_ml)
    assert "ml" in backtests.strategy_names("all", settings.model_copy(update={"enable_ml": True}))
    assert backtests.strategy_names("uniform, popularity,uniform", settings) == [
        "uniform",
        "popularity",
    ]


def test_an_empty_database_says_what_to_do(database: Database) -> None:
    with pytest.raises(NoDrawDataError, match="jinlotto data import"):
        stored_history(database)


def test_popularity_score_of_a_typed_game(loaded: Database) -> None:
    history = stored_history(loaded)
    score = popularity.popularity_scorer.score(history, parse_game("3 10 17 24 31 38"))
    assert score["numbers"] == [3, 10, 17, 24, 31, 38]
    assert score["sales_of_draw"] == 1200
    assert score["expected_prize_per_1000"] < 1000
    assert "below the ticket price" in score["note"]
    for bad in ("1,2,3", "1,2,3,4,5,5", "0,1,2,3,4,5", "1,2,3,4,5,46", "a,b,c,d,e,f"):
        with pytest.raises(InvalidTicketError):
            parse_game(bad)


def test_a_report_is_stored_by_its_caller_only(loaded: Database) -> None:
    report = backtests.run_backtest(
        stored_history(loaded), strategies=["uniform"], first_draw=1199, tickets=5
    )
    with loaded.sessions() as session:
        backtests.store_report(session, report)
        session.rollback()
    with loaded.sessions() as session, pytest.raises(NotFoundError):
        backtests.latest_report(session)


def test_a_most_played_pattern_is_never_scored_as_good_value(loaded: Database) -> None:
    history = stored_history(loaded)
    run = popularity.popularity_scorer.score(history, parse_game("1,2,3,4,5,6"))
    assert run["extrapolated"] is True
    assert run["popularity_index"] >= 1.0
    assert run["expected_prize_per_1000"] <= run["random_game_prize_per_1000"]
    assert "pairs of consecutive numbers" in run["reason"]
    last_draw = popularity.popularity_scorer.score(history, [int(n) for n in history.numbers[-1]])
    assert last_draw["extrapolated"] is True
    assert "numbers of the previous draw: 6" in last_draw["reason"]
    ordinary = popularity.popularity_scorer.score(history, parse_game("5 12 23 31 38 44"))
    assert ordinary["extrapolated"] is False and ordinary["reason"] is None


def test_popularity_validation_sets_the_model_beside_the_baseline(loaded: Database) -> None:
    result = popularity.popularity_validation(stored_history(loaded))
    assert set(result["tiers"]) == {"3", "4", "5"}
    for figures in result["tiers"].values():
        assert set(figures["baseline"]) == {"r2_log_ratio", "spearman"}
        assert figures["r2_log_ratio"] > figures["baseline"]["r2_log_ratio"]
    assert result["beats_baseline"] is True
    assert result["extrapolated"]["draws"]
