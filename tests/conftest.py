"""Fixtures shared by every test: the shared draw file, and real SQLite/PostgreSQL databases."""

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import settings as hypothesis_settings
from psycopg import sql
from tests.support.official_server import OfficialServer
from tests.support.store import import_draws

from jinlotto.config import Settings
from jinlotto.db import migrate
from jinlotto.db.database import Database
from jinlotto.db.session import build_engine
from jinlotto.domain.draw import Draw
from jinlotto.domain.history import History
from jinlotto.ingest.mirror import parse_mirror_array

# Property tests try the same examples on every run (a CI failure reproduces anywhere);
# HYPOTHESIS_PROFILE=explore searches afresh each run.
hypothesis_settings.register_profile("repeatable", derandomize=True)
hypothesis_settings.register_profile("explore", derandomize=False, max_examples=1000)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

REPO_ROOT = Path(__file__).resolve().parents[1]
# The shared folder beside the checkout; SHARED_DRAWS names the file when the checkout is
# elsewhere (.ci/run sets it for a clone made away from the repository it came from).
SHARED_DRAWS = Path(
    os.environ.get("SHARED_DRAWS") or REPO_ROOT.parent / "shared" / "data" / "lotto645_draws.json"
)
POSTGRES_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(scope="session")
def shared_draws_path() -> Path:
    """The real draws 1-1200, read from the shared folder beside the checkout."""
    if not SHARED_DRAWS.is_file():
        pytest.fail(f"shared draw file missing: {SHARED_DRAWS}")
    return SHARED_DRAWS


@pytest.fixture(scope="session")
def shared_raw(shared_draws_path: Path) -> list[dict[str, Any]]:
    """The shared file's JSON objects."""
    data: list[dict[str, Any]] = json.loads(shared_draws_path.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def shared_draws(shared_raw: list[dict[str, Any]]) -> list[Draw]:
    """The shared draws as validated domain objects."""
    return parse_mirror_array(shared_raw)


@pytest.fixture(scope="session")
def shared_history(shared_draws: list[Draw]) -> History:
    """The shared draws as arrays."""
    return History.from_draws(shared_draws)


def _create_postgres_database() -> str:
    name = f"jinlotto_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN_DSN, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


def _drop_postgres_database(name: str) -> None:
    with psycopg.connect(POSTGRES_ADMIN_DSN, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    name = _create_postgres_database()
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        _drop_postgres_database(name)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite file for one test."""
    return f"sqlite:///{tmp_path / 'jinlotto.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """An empty database URL, once for SQLite and once for PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings for a test: its own database and model folder, no outside services."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        database_url=database_url,
        model_dir=tmp_path / "models",
        lotto_api_url="http://127.0.0.1:9/unused",
        http_retries=0,
    )


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    """A migrated, empty database (SQLite or PostgreSQL) for one test."""
    engine = build_engine(settings)
    migrate.upgrade(engine)
    engine.dispose()
    handle = Database.open(settings)
    try:
        yield handle
    finally:
        handle.close()


@pytest.fixture
def official_server(shared_raw: list[dict[str, Any]]) -> Iterator[OfficialServer]:
    """A fake official server on 127.0.0.1 with draws 1-1200 (tests/support/official_server.py)."""
    with OfficialServer(shared_raw, latest=1200) as server:
        yield server


@pytest.fixture
def loaded(database: Database, shared_draws: list[Draw]) -> Database:
    """The test database holding the real draws 1-1200."""
    import_draws(database, shared_draws, source="test")
    return database
