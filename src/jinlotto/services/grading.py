"""Grading what was played for a draw once that draw is stored: every stored recommendation
made before the draw's sales closed, and every saved ticket.

Each game goes through the one domain rule (:func:`jinlotto.domain.grading.grade_games`); its
result is stored on the row with ``graded_at``, so grading again finds nothing left to do. A
recommendation stored at or after 20:00 KST on the draw day (sales closed) is never graded: it
could not have been played, and it must not enter the accuracy record.
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from jinlotto.db.repositories import draws as draw_repo
from jinlotto.db.repositories import recommendations as recommendation_repo
from jinlotto.db.repositories import saved_tickets as ticket_repo
from jinlotto.domain.draw import Draw
from jinlotto.domain.grading import GameGrade, grade_games
from jinlotto.domain.schedule import sales_close_at
from jinlotto.services import accuracy

BATCH = 1000


class GradableRow(Protocol):
    """A stored row holding games (``{"numbers": [...], ...}``) and their results."""

    games: list[dict[str, Any]]
    results: list[dict[str, Any]] | None
    graded_at: datetime | None


@dataclass
class GradeCounts:
    """Games graded, numbers matched over them, and how many won each rank (index 1-5)."""

    games: int = 0
    matches: int = 0
    ranks: list[int] = field(default_factory=lambda: [0] * 6)

    def add(self, grades: Sequence[GameGrade]) -> None:
        """Count more graded games."""
        for grade in grades:
            self.games += 1
            self.matches += grade.matched
            self.ranks[grade.rank] += 1

    def winners(self) -> int:
        """Games that won any prize."""
        return sum(self.ranks[1:])


@dataclass
class DrawGrading:
    """What one grading pass graded for one draw."""

    draw_no: int
    recommendations: int = 0
    recommended_games: GradeCounts = field(default_factory=GradeCounts)
    tickets: int = 0
    ticket_games: GradeCounts = field(default_factory=GradeCounts)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        return asdict(self)


def game_result(grade: GameGrade) -> dict[str, Any]:
    """The stored form of one graded game."""
    return {
        "matched": grade.matched,
        "bonus_matched": grade.bonus_matched,
        "rank": grade.rank,
        "prize": grade.prize,
        "prize_source": grade.prize_source,
    }


def grade_rows(rows: Sequence[GradableRow], draw: Draw, *, now: datetime) -> list[GameGrade]:
    """Grade every game of ``rows`` against ``draw`` in one vectorised pass; store the results
    on each row (the caller flushes). Returns every game's grade, in order."""
    grades = grade_games([game["numbers"] for row in rows for game in row.games], draw)
    start = 0
    for row in rows:
        own = grades[start : start + len(row.games)]
        start += len(row.games)
        row.results = [game_result(grade) for grade in own]
        row.graded_at = now
    return grades


def grade_pending(session: Session, *, now: datetime) -> list[DrawGrading]:
    """Grade everything still ungraded whose draw is stored; one report per draw that changed.

    Flushes, does not commit.
    """
    newest = draw_repo.latest(session)
    if newest is None:
        return []
    draw_nos = sorted(
        set(recommendation_repo.ungraded_draw_nos(session, up_to=newest.draw_no))
        | set(ticket_repo.ungraded_draw_nos(session, up_to=newest.draw_no))
    )
    stored = draw_repo.get_many(session, draw_nos)
    reports = []
    for draw_no in draw_nos:
        if draw_no not in stored:  # a gap in the stored draws: graded once it is filled
            continue
        report = grade_draw(session, draw_repo.to_domain(stored[draw_no]), now=now)
        if report.recommendations or report.tickets:
            reports.append(report)
    return reports


def grade_draw(session: Session, draw: Draw, *, now: datetime) -> DrawGrading:
    """Grade the ungraded recommendations and tickets of one stored draw, and refresh its
    accuracy record when recommendations were graded."""
    report = DrawGrading(draw.draw_no)
    closes_at = sales_close_at(draw.draw_no)
    after_id = 0
    while batch := recommendation_repo.ungraded_batch(
        session, draw_no=draw.draw_no, created_before=closes_at, after_id=after_id, limit=BATCH
    ):
        report.recommended_games.add(grade_rows(batch, draw, now=now))
        report.recommendations += len(batch)
        after_id = batch[-1].id
        session.flush()
    after_id = 0
    while tickets := ticket_repo.ungraded_batch(
        session, draw_no=draw.draw_no, after_id=after_id, limit=BATCH
    ):
        report.ticket_games.add(grade_rows(tickets, draw, now=now))
        report.tickets += len(tickets)
        after_id = tickets[-1].id
        session.flush()
    if report.recommendations:
        accuracy.refresh_draw(session, draw.draw_no, now=now)
    return report
