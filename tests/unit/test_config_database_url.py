"""Hosting platforms' PostgreSQL URLs are read with the psycopg 3 driver."""

import pytest

from jinlotto.config import Settings


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u:p@db:5432/j", "postgresql+psycopg://u:p@db:5432/j"),
        ("postgresql://u:p@db/j", "postgresql+psycopg://u:p@db/j"),
        ("postgresql+psycopg://u@db/j", "postgresql+psycopg://u@db/j"),
        ("sqlite:///jinlotto.db", "sqlite:///jinlotto.db"),
    ],
)
def test_database_url_driver(given: str, used: str) -> None:
    assert Settings(_env_file=None, database_url=given).database_url == used  # type: ignore[call-arg]
