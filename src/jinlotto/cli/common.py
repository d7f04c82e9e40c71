"""What every command module shares: consoles, settings, the database, JSON output."""

import json
from typing import TYPE_CHECKING, Any

from rich.console import Console

from jinlotto.config import Settings, get_settings
from jinlotto.logging import configure_logging

if TYPE_CHECKING:
    from jinlotto.db.database import Database

console = Console()
# Errors are one line each, however narrow the terminal or pipe.
console_err = Console(stderr=True, soft_wrap=True)


def settings() -> Settings:
    """Settings for a command, with logging configured from them."""
    current = get_settings()
    configure_logging(current)
    return current


def open_database() -> "Database":
    """The configured database (SQLite is migrated on open)."""
    from jinlotto.db.database import Database

    return Database.open(settings())


def print_json(payload: Any) -> None:
    """One JSON document on stdout, UTF-8 kept readable."""
    print(json.dumps(payload, ensure_ascii=False, default=str))
