"""Fixtures of the API tests: an application over a real database, with or without draws."""

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient

from jinlotto.api.app import create_app
from jinlotto.config import Settings
from jinlotto.db.database import Database

ClientFactory = Callable[..., AbstractContextManager[TestClient]]


@pytest.fixture
def make_client(settings: Settings, database: Database) -> ClientFactory:
    """Start the app over the test database, with settings overridden by keyword."""

    @contextmanager
    def start(**overrides: Any) -> Iterator[TestClient]:
        app = create_app(settings.model_copy(update={"enable_ml": False, **overrides}))
        with TestClient(app, base_url="http://testserver") as client:
            yield client

    return start


@pytest.fixture
def client(make_client: ClientFactory, loaded: Database) -> Iterator[TestClient]:
    """The app (ML off) over draws 1-1200."""
    with make_client() as started:
        yield started


@pytest.fixture
def empty_client(make_client: ClientFactory) -> Iterator[TestClient]:
    """The app (ML off) over an empty database."""
    with make_client() as started:
        yield started
