"""The limit on waiting tickets holds when one visitor saves many at the same moment."""

import threading
from datetime import UTC, datetime

from jinlotto.db.database import Database
from jinlotto.errors import LimitExceededError
from jinlotto.ingest.qr import Ticket, TicketGame
from jinlotto.services import visitors
from jinlotto.services.visitors import MAX_OPEN_TICKETS


def test_simultaneous_saves_never_pass_the_limit(database: Database) -> None:
    now = datetime.now(UTC)
    ticket = Ticket(1, (TicketGame((1, 2, 3, 4, 5, 6), "manual"),))  # draw 1: not stored
    start = threading.Barrier(12)
    outcomes: list[str] = []

    def save_five() -> None:
        start.wait()
        for _ in range(5):
            try:
                with database.transaction() as session:
                    visitors.save_ticket(
                        session, visitor_key="k" * 32, ticket=ticket, source="typed", now=now
                    )
                outcomes.append("saved")
            except LimitExceededError:
                outcomes.append("refused")

    threads = [threading.Thread(target=save_five) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    with database.sessions() as session:
        stored = visitors.list_tickets(session, visitor_key="k" * 32, limit=100, offset=0, now=now)
    assert outcomes.count("saved") == MAX_OPEN_TICKETS == len(stored)
    assert outcomes.count("refused") == 60 - MAX_OPEN_TICKETS
