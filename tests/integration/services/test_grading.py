"""Grading stored recommendations and saved tickets (SQLite and PostgreSQL): who is graded,
with which rank and prize, once only, into an accuracy record that outlives the rows."""

from datetime import datetime, timedelta
from math import comb
from typing import Any

import pytest
from sqlalchemy import select
from tests.support.record import GAMES_1200, expected_grade, store_recommendation

from jinlotto.db.database import Database
from jinlotto.db.models import AccuracyRecord, RecommendationRecord
from jinlotto.db.repositories import recommendations as recommendation_repo
from jinlotto.domain.schedule import KST, sales_close_at
from jinlotto.ingest.qr import Ticket, TicketGame
from jinlotto.services import accuracy, grading, visitors

CLOSE_1200 = sales_close_at(1200)
NOW = datetime(2025, 11, 29, 21, 30, tzinfo=KST)


def _results(database: Database) -> dict[int, Any]:
    with database.sessions() as session:
        rows = session.scalars(select(RecommendationRecord)).all()
        return {row.id: row.results for row in rows}


def test_games_made_before_sales_closed_get_their_rank_and_prize(
    loaded: Database, shared_raw: list[dict[str, Any]]
) -> None:
    before = store_recommendation(
        loaded,
        visitor_key="a" * 32,
        draw_no=1200,
        created_at=CLOSE_1200 - timedelta(minutes=1),
        games=GAMES_1200,
    )
    at_close = store_recommendation(
        loaded, visitor_key="b" * 32, draw_no=1200, created_at=CLOSE_1200, games=GAMES_1200[:1]
    )
    older = store_recommendation(
        loaded,
        visitor_key="a" * 32,
        draw_no=1199,
        created_at=sales_close_at(1199) - timedelta(days=3),
        games=GAMES_1200[:2],
    )
    with loaded.transaction() as session:
        reports = grading.grade_pending(session, now=NOW)

    results = _results(loaded)
    raw = {item["draw_no"]: item for item in shared_raw}
    assert results[before] == [expected_grade(game, raw[1200]) for game in GAMES_1200]
    assert [r["rank"] for r in results[before]] == [1, 2, 3, 4, 5, 0]
    assert results[before][0]["prize"] == 2_357_299_875
    assert results[older] == [expected_grade(game, raw[1199]) for game in GAMES_1200[:2]]
    assert results[at_close] is None, "made after sales closed: it could not have been played"
    by_draw = {report.draw_no: report for report in reports}
    assert sorted(by_draw) == [1199, 1200]
    assert by_draw[1200].recommendations == 1
    assert by_draw[1200].recommended_games.games == 6
    assert by_draw[1200].recommended_games.ranks == [1, 1, 1, 1, 1, 1]


def test_grading_twice_changes_nothing(loaded: Database) -> None:
    store_recommendation(
        loaded,
        visitor_key="a" * 32,
        draw_no=1200,
        created_at=CLOSE_1200 - timedelta(hours=5),
        games=GAMES_1200,
    )
    with loaded.transaction() as session:
        first = grading.grade_pending(session, now=NOW)
    results, record = _results(loaded), _accuracy(loaded)
    with loaded.transaction() as session:
        second = grading.grade_pending(session, now=NOW + timedelta(days=1))
    assert len(first) == 1 and second == []
    assert _results(loaded) == results
    assert _accuracy(loaded) == record


def _accuracy(database: Database) -> list[tuple[Any, ...]]:
    with database.sessions() as session:
        rows = session.scalars(select(AccuracyRecord).order_by(AccuracyRecord.id)).all()
        return [
            (r.draw_no, r.strategy, r.model_version, r.games, r.matches, r.rank4, r.rank5)
            for r in rows
        ]


def test_accuracy_is_kept_per_strategy_and_model_and_outlives_deleted_rows(
    loaded: Database, shared_raw: list[dict[str, Any]]
) -> None:
    raw = {item["draw_no"]: item for item in shared_raw}
    plays = {  # (strategy, model version) -> games per draw
        ("statistical", None): [GAMES_1200[3:], GAMES_1200[4:]],
        ("unified", "lotto_model_a"): [GAMES_1200[:2], GAMES_1200[5:]],
    }
    for (strategy, model), per_draw in plays.items():
        for draw_no, games in zip((1199, 1200), per_draw, strict=True):
            store_recommendation(
                loaded,
                visitor_key=f"{strategy[:4]}{draw_no}".ljust(32, "x"),
                draw_no=draw_no,
                created_at=sales_close_at(draw_no) - timedelta(hours=2),
                games=games,
                strategy=strategy,
                model_version=model,
            )
    with loaded.transaction() as session:
        grading.grade_pending(session, now=NOW)
    with loaded.sessions() as session:
        report = accuracy.report(session)

    groups = {(g["strategy"], g["model_version"]): g for g in report["groups"]}
    assert set(groups) == set(plays)
    for key, per_draw in plays.items():
        grades = [
            [expected_grade(game, raw[draw_no]) for game in games]
            for draw_no, games in zip((1199, 1200), per_draw, strict=True)
        ]
        flat = [grade for draw in grades for grade in draw]
        group = groups[key]
        assert group["draws"] == 2 and group["games"] == len(flat)
        assert group["mean_matches"] == pytest.approx(
            sum(g["matched"] for g in flat) / len(flat), abs=1e-4
        )
        assert [r["observed"] for r in group["ranks"]] == [
            sum(g["rank"] == rank for g in flat) for rank in range(1, 6)
        ]
        fifth = comb(6, 3) * comb(39, 3) / comb(45, 6)  # exactly three of the six drawn
        assert group["ranks"][4]["expected"] == pytest.approx(len(flat) * fifth, abs=1e-4)
        assert [d["draw_no"] for d in group["per_draw"]] == [1199, 1200]
        first, second = group["per_draw"]
        assert first["cumulative"]["low"] is None, "one draw gives no interval"
        assert second["cumulative"]["low"] <= group["mean_matches"] <= second["cumulative"]["high"]

    with loaded.transaction() as session:
        deleted = recommendation_repo.delete_created_before(session, NOW + timedelta(days=1))
    assert deleted == 4
    with loaded.sessions() as session:
        assert accuracy.report(session) == report


def test_saved_tickets_are_graded_at_once_or_after_their_draw(
    database: Database, shared_raw: list[dict[str, Any]], shared_draws: list[Any]
) -> None:
    from tests.support.store import import_draws

    import_draws(database, shared_draws[:1199], source="test")
    ticket = Ticket(1200, tuple(TicketGame(game, "manual") for game in GAMES_1200[:5]))
    on_sale = datetime(2025, 11, 29, 12, 0, tzinfo=KST)
    with database.transaction() as session:
        saved = visitors.save_ticket(
            session, visitor_key="v" * 32, ticket=ticket, source="typed", now=on_sale
        )
    assert saved.status == "pending" and saved.games[0]["rank"] is None
    import_draws(database, shared_draws[1199:], source="test")
    with database.transaction() as session:
        (report,) = grading.grade_pending(session, now=NOW)
    assert (report.tickets, report.ticket_games.ranks) == (1, [0, 1, 1, 1, 1, 1])
    with database.sessions() as session:
        (listed,) = visitors.list_tickets(
            session, visitor_key="v" * 32, limit=10, offset=0, now=NOW
        )
    raw = {item["draw_no"]: item for item in shared_raw}
    assert listed.status == "graded"
    assert [{k: g[k] for k in ("rank", "prize")} for g in listed.games] == [
        {k: expected_grade(game, raw[1200])[k] for k in ("rank", "prize")}
        for game in GAMES_1200[:5]
    ]
