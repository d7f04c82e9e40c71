"""Serialising one visitor's writes across every process sharing the database."""

import hashlib

from sqlalchemy import text
from sqlalchemy.orm import Session


def lock_visitor(session: Session, visitor_key: str) -> None:
    """Serialise this visitor's counted writes (tickets, feedback) until the transaction ends.

    PostgreSQL takes a transaction-scoped advisory lock keyed on the visitor, so that two
    simultaneous writes count each other's rows; SQLite already has one writer at a time.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    key = int.from_bytes(hashlib.sha256(visitor_key.encode()).digest()[:8], "big", signed=True)
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
