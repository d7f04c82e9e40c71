"""``jinlotto db backup`` and ``db restore`` as a user runs them: a backup taken while the database
is being written restores to a database that passes ``data status`` and matches the source; bad
backups are refused; on PostgreSQL the printed pg_dump / pg_restore commands work."""

import json
import os
import shlex
import sqlite3
import subprocess
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql
from tests.support.cli import Result, cli_runner, error_message
from tests.support.store import import_draws

from jinlotto.config import Settings
from jinlotto.db import migrate
from jinlotto.db.database import Database
from jinlotto.db.session import build_engine
from jinlotto.domain.draw import Draw

# A made-up password, to show it is never printed.
# pragma: allowlist nextline secret
URL_WITH_PASSWORD = "postgresql+psycopg://jl:hunter2@db.internal:5432/jl?sslmode=require"


def _settings(url: str) -> Settings:
    return Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]


def _jinlotto(tmp_path: Path, url: str) -> Any:
    run = cli_runner(os.environ | {"DATABASE_URL": url}, tmp_path, timeout=120)

    def invoke(*args: str) -> Result:
        return run(*args)

    return invoke


def _rows(path: Path, table: str, order: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()


def _stored(path: Path, draws: list[Draw]) -> str:
    url = f"sqlite:///{path}"
    database = Database.open(_settings(url))
    try:
        import_draws(database, draws, source="test")
    finally:
        database.close()
    return url


def test_a_backup_taken_during_writes_restores_to_a_matching_database(
    shared_draws: list[Draw], tmp_path: Path
) -> None:
    live = tmp_path / "live.db"
    live_url = f"sqlite:///{live}"
    database = Database.open(_settings(live_url))
    started, stop = threading.Event(), threading.Event()

    def write_one_draw_per_transaction() -> None:
        for draw in shared_draws:
            if stop.is_set():
                return
            import_draws(database, [draw], source="writer")
            if draw.draw_no == 100:
                started.set()

    writer = threading.Thread(target=write_one_draw_per_transaction)
    writer.start()
    try:
        assert started.wait(timeout=120), "the writer did not get going"
        backup = _jinlotto(tmp_path, live_url)("db", "backup", str(tmp_path / "backup.db"))
    finally:
        stop.set()
        writer.join(timeout=120)
        database.close()
    assert backup.returncode == 0, backup.stderr
    restored = tmp_path / "restored.db"
    restored_cli = _jinlotto(tmp_path, f"sqlite:///{restored}")

    restore = restored_cli("db", "restore", str(tmp_path / "backup.db"), "--json")
    status = restored_cli("data", "status", "--json")

    assert restore.returncode == 0, restore.stderr
    assert status.returncode == 0, status.stderr
    report, current = json.loads(restore.stdout), json.loads(status.stdout)
    kept = current["count"]
    written = len(_rows(live, "draws", "draw_no"))
    assert 100 <= kept < written, "the backup was taken while draws were still being written"
    assert report["draws"] == kept
    assert (current["first_draw"], current["last_draw"], current["missing"]) == (1, kept, [])
    assert _rows(restored, "draws", "draw_no") == _rows(live, "draws", "draw_no")[:kept]
    assert _rows(restored, "alembic_version", "1") == [(migrate.head_revision(),)]


def test_restore_replaces_an_existing_database_only_when_forced_and_keeps_it(
    shared_draws: list[Draw], tmp_path: Path
) -> None:
    live_url = _stored(tmp_path / "live.db", shared_draws)
    small = _jinlotto(tmp_path, _stored(tmp_path / "small.db", shared_draws[:10]))
    assert small("db", "backup", str(tmp_path / "small-backup.db")).returncode == 0
    live = _jinlotto(tmp_path, live_url)

    refused = live("db", "restore", str(tmp_path / "small-backup.db"))
    unchanged = json.loads(live("data", "status", "--json").stdout)
    forced = live("db", "restore", str(tmp_path / "small-backup.db"), "--force")
    replaced = json.loads(live("data", "status", "--json").stdout)

    assert "already holds a database; stop the service" in error_message(refused)
    assert unchanged["count"] == 1200
    assert forced.returncode == 0, forced.stderr
    assert replaced["count"] == 10 and replaced["missing"] == []
    (previous,) = tmp_path.glob("live.db.before-restore-*")
    assert f"the replaced database is kept in {previous}" in forced.stdout
    assert len(_rows(previous, "draws", "draw_no")) == 1200


def test_restore_refuses_what_is_not_a_sound_jinlotto_backup(
    shared_draws: list[Draw], tmp_path: Path
) -> None:
    target = tmp_path / "target.db"
    restore = _jinlotto(tmp_path, f"sqlite:///{target}")
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n")
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE t (x)")
    future = tmp_path / "future.db"
    _stored(future, shared_draws[:3])
    with sqlite3.connect(future) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    damaged = tmp_path / "damaged.db"
    _stored(damaged, shared_draws)
    content = damaged.read_bytes()
    damaged.write_bytes(content[: len(content) // 2])

    messages = {
        name: error_message(restore("db", "restore", str(path)))
        for name, path in {
            "text": text,
            "foreign": foreign,
            "future": future,
            "damaged": damaged,
            "missing": tmp_path / "absent.db",
        }.items()
    }

    assert messages["text"] == f"{text} is not a SQLite database"
    assert messages["foreign"] == f"{foreign} is a SQLite database but not a JinLotto one"
    assert messages["future"].startswith(
        f"{future} is at schema revision 9999_future, which this version does not know"
    )
    assert messages["damaged"].startswith(f"{damaged} is")
    assert messages["missing"].startswith(f"cannot read {tmp_path / 'absent.db'}")
    assert not target.exists()


def test_restoring_an_older_version_s_backup_brings_it_to_today_s_schema(
    shared_draws: list[Draw], tmp_path: Path
) -> None:
    old = tmp_path / "old.db"
    engine = build_engine(_settings(f"sqlite:///{old}"))
    migrate.upgrade(engine, "0003_service")
    engine.dispose()
    with sqlite3.connect(old) as connection:
        connection.execute(
            "INSERT INTO draws (draw_no, draw_date, n1, n2, n3, n4, n5, n6, bonus_no, source, "
            "fetched_at, updated_at) VALUES (1, '2002-12-07', 10, 23, 29, 33, 37, 40, 16, 'old', "
            "'2003-01-01 00:00:00', '2003-01-01 00:00:00')"
        )
    restored = tmp_path / "restored.db"

    done = _jinlotto(tmp_path, f"sqlite:///{restored}")("db", "restore", str(old), "--json")

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["schema_revision"] == migrate.head_revision()
    assert _rows(restored, "alembic_version", "1") == [(migrate.head_revision(),)]
    assert [row[0] for row in _rows(restored, "draws", "draw_no")] == [1]


def test_backup_names_the_database_it_cannot_find(tmp_path: Path) -> None:
    done = _jinlotto(tmp_path, f"sqlite:///{tmp_path / 'none.db'}")(
        "db", "backup", str(tmp_path / "b.db")
    )

    assert (
        error_message(done) == f"there is no SQLite database at {tmp_path / 'none.db'} to back up"
    )


def test_on_postgres_the_printed_commands_hide_the_password(tmp_path: Path) -> None:
    cli = _jinlotto(tmp_path, URL_WITH_PASSWORD)

    backup = cli("db", "backup", "jinlotto.dump")
    restore = cli("db", "restore", "jinlotto.dump")

    assert backup.stdout == (
        "pg_dump --format=custom --no-owner --file=jinlotto.dump "
        "'postgresql://jl@db.internal:5432/jl?sslmode=require'\n"
    )
    assert restore.stdout.startswith("pg_restore --clean --if-exists --no-owner --dbname=")
    for done in (backup, restore):
        assert "hunter2" not in done.stdout + done.stderr
        assert "give the password in PGPASSWORD or ~/.pgpass" in error_message(done)


@pytest.fixture
def second_postgres_url() -> Iterator[str]:
    """Another empty PostgreSQL database, dropped afterwards."""
    name = f"jinlotto_test_{uuid.uuid4().hex[:12]}"
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@pytest.mark.postgres
def test_on_postgres_the_printed_pg_dump_and_pg_restore_commands_copy_the_database(
    postgres_url: str, second_postgres_url: str, shared_draws: list[Draw], tmp_path: Path
) -> None:
    engine = build_engine(_settings(postgres_url))
    migrate.upgrade(engine)
    engine.dispose()
    source = Database.open(_settings(postgres_url))
    import_draws(source, shared_draws, source="test")
    source.close()
    dump = tmp_path / "jinlotto.dump"
    printed = _jinlotto(tmp_path, postgres_url)("db", "backup", str(dump))
    assert printed.returncode == 1
    subprocess.run(shlex.split(printed.stdout), check=True, capture_output=True, timeout=120)
    target = _jinlotto(tmp_path, second_postgres_url)

    printed_restore = target("db", "restore", str(dump))
    subprocess.run(
        shlex.split(printed_restore.stdout), check=True, capture_output=True, timeout=120
    )
    status = target("data", "status", "--json")

    assert status.returncode == 0, status.stderr
    current = json.loads(status.stdout)
    assert (current["count"], current["last_draw"], current["missing"]) == (1200, 1200, [])
