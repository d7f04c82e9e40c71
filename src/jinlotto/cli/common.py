"""What every command module shares: consoles, settings, the database, JSON output."""

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from jinlotto.config import Settings, get_settings
from jinlotto.logging import configure_logging

if TYPE_CHECKING:
    from jinlotto.db.database import Database

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object, no progress bar.")]
WriteOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--write",
        help="Replace the generated section of this Markdown file instead of printing "
        "(repeatable).",
    ),
]

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


def line(text: str) -> None:
    """One line of plain text on stdout (no markup, no highlighting; wrapped at spaces)."""
    console.print(text, markup=False, highlight=False)


def print_fields(fields: Mapping[str, Any], indent: str = "") -> None:
    """``key: value`` lines, nested mappings indented under their key: readable at any width."""
    for key, value in fields.items():
        if isinstance(value, Mapping) and value:
            line(f"{indent}{key}:")
            print_fields(value, indent + "  ")
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            line(f"{indent}{key}:")
            for item in value:
                print_fields(item, indent + "  - ")
        elif isinstance(value, list):
            line(f"{indent}{key}: {', '.join(map(str, value)) or '-'}")
        else:
            line(f"{indent}{key}: {'-' if value is None else value}")


def print_json(payload: Any) -> None:
    """One JSON document on stdout, UTF-8 kept readable."""
    print(json.dumps(payload, ensure_ascii=False, default=str))


@contextmanager
def progress_bar(*, quiet: bool, label: str) -> Iterator[Callable[[int, int | None], None] | None]:
    """A callback ``(done, total)`` driving a progress bar on stderr; ``None`` when ``quiet`` or
    stderr is not a terminal."""
    if quiet or not console_err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    columns = (BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress("{task.description}", *columns, console=console_err, transient=True) as bar:
        task = bar.add_task(label, total=None)

        def advance(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def print_generated(command: str, content: str, files: list[Path] | None) -> None:
    """Print generated documentation, or put it between the markers of ``command`` in
    ``files`` (atomically), saying which files changed."""
    if not files:
        print(content, end="")
        return
    from jinlotto.generated import write_section

    for path in files:
        changed = write_section(path, command, content)
        print(f"{path}: {'updated' if changed else 'up to date'}")  # paths stay whole
