"""Backups of the database: a consistent SQLite copy taken while the service writes, restoring
one, and for PostgreSQL the ``pg_dump`` / ``pg_restore`` commands to run instead.

SQLite's online backup API copies the database inside one read transaction: in WAL mode writers
go on meanwhile, and the copy is the database as it was at one moment. A restore goes through
the same API into the configured database, so the switch is one write transaction there, with
no stale ``-wal`` file left to replay over the new content.
"""

import shlex
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url

from jinlotto.atomic import atomic_path
from jinlotto.config import Settings
from jinlotto.db import migrate
from jinlotto.db.session import build_engine, is_sqlite
from jinlotto.domain.schedule import kst_now
from jinlotto.errors import JinlottoError

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000


@dataclass(frozen=True, slots=True)
class DatabaseCopy:
    """What a backup or restore wrote: where, how big, and what it holds."""

    path: Path
    size_bytes: int
    draws: int
    schema_revision: str
    seconds: float
    previous: Path | None = None  # the database a restore replaced, kept here

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "size_bytes": self.size_bytes,
            "draws": self.draws,
            "schema_revision": self.schema_revision,
            "seconds": round(self.seconds, 3),
            "previous": str(self.previous) if self.previous else None,
        }


def backup(settings: Settings, target: Path) -> DatabaseCopy:
    """Copy the configured SQLite database to ``target`` (written atomically, checked)."""
    source = sqlite_path(settings, action="backup", file=target)
    if not source.is_file():
        raise JinlottoError(f"there is no SQLite database at {source} to back up")
    if target.exists() and target.resolve() == source.resolve():
        raise JinlottoError(f"{target} is the database itself; name another file")
    if target.is_dir():
        raise JinlottoError(f"{target} is a folder; name the backup file to write")
    started = time.perf_counter()
    with atomic_path(target) as temporary:
        _copy(source, temporary, shown_as=target)
        with _connect(temporary) as copy:
            draws, revision = _check(copy, target)
    return DatabaseCopy(target, target.stat().st_size, draws, revision, _since(started))


def restore(settings: Settings, source: Path, *, force: bool) -> DatabaseCopy:
    """Replace the configured SQLite database with the backup ``source``.

    The backup must be a JinLotto database at a schema revision this version knows (an older
    one is migrated afterwards). An existing database is replaced only with ``force``, and is
    kept beside itself as ``NAME.before-restore-YYYYMMDD-HHMMSS`` first.
    """
    target = sqlite_path(settings, action="restore", file=source)
    started = time.perf_counter()
    with _open_backup(source) as backup_db:
        draws, revision = _check(backup_db, source)
        previous = _keep_previous(settings, target, force=force)
        with _connect(target) as live, _sqlite_errors(f"restore {source} into {target}"):
            backup_db.backup(live)
    engine = build_engine(settings)
    try:
        migrate.upgrade_if_behind(engine)  # a backup of an older version takes today's schema
        revision = migrate.current_revision(engine) or revision
    finally:
        engine.dispose()
    return DatabaseCopy(target, target.stat().st_size, draws, revision, _since(started), previous)


def sqlite_path(settings: Settings, *, action: str, file: Path) -> Path:
    """The SQLite file of ``DATABASE_URL``; for PostgreSQL an error that gives the command to
    run instead (:func:`postgres_command`)."""
    url = settings.database_url
    if not is_sqlite(url):
        command = postgres_command(url, action=action, file=file)
        password = (
            " (give the password in PGPASSWORD or ~/.pgpass)" if make_url(url).password else ""
        )
        raise PostgresBackupError(
            f"jinlotto db {action} works on SQLite; on PostgreSQL run: {command}{password}",
            command=command,
        )
    database = make_url(url).database
    if not database or database == ":memory:":
        raise JinlottoError("DATABASE_URL names an in-memory SQLite database: nothing to copy")
    return Path(database)


class PostgresBackupError(JinlottoError):
    """The configured database is PostgreSQL: its own tools copy it. ``command`` is the one."""

    def __init__(self, message: str, *, command: str) -> None:
        super().__init__(message)
        self.command = command


def postgres_command(url: str, *, action: str, file: Path) -> str:
    """The ``pg_dump`` (backup) or ``pg_restore`` (restore) command for ``url``, without its
    password: give it in ``PGPASSWORD`` or ``~/.pgpass``."""
    given = make_url(url)
    plain = URL.create(
        "postgresql",
        username=given.username,
        host=given.host,
        port=given.port,
        database=given.database,
        query=given.query,
    )
    address = shlex.quote(plain.render_as_string(hide_password=False))
    if action == "backup":
        return f"pg_dump --format=custom --no-owner --file={shlex.quote(str(file))} {address}"
    return f"pg_restore --clean --if-exists --no-owner --dbname={address} {shlex.quote(str(file))}"


def _copy(source: Path, target: Path, *, shown_as: Path) -> None:
    with (
        _connect(source) as live,
        _connect(target) as copy,
        _sqlite_errors(f"copy {source} to {shown_as}"),
    ):
        live.backup(copy)  # one step: the whole database as of one read transaction
        # The copy is one self-contained file, whatever journal mode the service uses.
        copy.execute("PRAGMA journal_mode=DELETE")


@contextmanager
def _sqlite_errors(action: str) -> Iterator[None]:
    """SQLite's own errors (a full disk, a locked file) as one clear line."""
    try:
        yield
    except sqlite3.Error as error:
        raise JinlottoError(f"cannot {action}: {error}") from None


def _check(connection: sqlite3.Connection, path: Path) -> tuple[int, str]:
    """Draws stored and schema revision; an error unless it is a sound JinLotto database."""
    try:
        verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as error:
        raise JinlottoError(f"{path} is not a readable SQLite database: {error}") from None
    if verdict != "ok":
        raise JinlottoError(f"{path} is damaged: {verdict}")
    if not {"alembic_version", "draws"} <= tables:
        raise JinlottoError(f"{path} is a SQLite database but not a JinLotto one")
    revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    known = migrate.known_revisions()
    if revision is None or revision[0] not in known:
        found = revision[0] if revision else "none"
        raise JinlottoError(
            f"{path} is at schema revision {found}, which this version does not know "
            f"(it knows {', '.join(known)}); restore it with the version that wrote it"
        )
    draws = connection.execute("SELECT count(*) FROM draws").fetchone()[0]
    return int(draws), str(revision[0])


@contextmanager
def _open_backup(path: Path) -> Iterator[sqlite3.Connection]:
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as error:
        raise JinlottoError(f"cannot read {path}: {error.strerror}") from None
    if header != SQLITE_HEADER:
        raise JinlottoError(f"{path} is not a SQLite database")
    with _connect(path) as connection:
        yield connection


def _keep_previous(settings: Settings, target: Path, *, force: bool) -> Path | None:
    """Refuse to replace a database that holds anything unless forced; keep a copy of it."""
    if not target.exists() or target.stat().st_size == 0:
        return None
    if not force:
        raise JinlottoError(
            f"{target} already holds a database; stop the service, then run again with "
            "--force to replace it (a copy of it is kept first)"
        )
    stamp = kst_now().strftime("%Y%m%d-%H%M%S")
    previous = target.with_name(f"{target.name}.before-restore-{stamp}")
    backup(settings, previous)
    return previous


@contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    try:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as error:
        raise JinlottoError(f"cannot open {path}: {error}") from None
    with closing(connection):
        yield connection


def _since(started: float) -> float:
    return time.perf_counter() - started
