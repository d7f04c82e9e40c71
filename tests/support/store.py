"""Import use cases called the way every edge calls them: in one committed transaction."""

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jinlotto.db.database import Database
from jinlotto.domain.draw import Draw
from jinlotto.services import draws as service
from jinlotto.services.draws import ImportReport


def import_draws(database: Database, draws: Iterable[Draw], **options: Any) -> ImportReport:
    """:func:`jinlotto.services.draws.import_draws`, committed."""
    with database.transaction() as session:
        return service.import_draws(session, draws, **options)


def import_file(database: Database, path: Path, **options: Any) -> ImportReport:
    """:func:`jinlotto.services.draws.import_file`, committed."""
    with database.transaction() as session:
        return service.import_file(session, path, **options)


def import_bytes(database: Database, content: bytes, **options: Any) -> ImportReport:
    """:func:`jinlotto.services.draws.import_bytes`, committed."""
    with database.transaction() as session:
        return service.import_bytes(session, content, **options)
