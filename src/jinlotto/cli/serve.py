"""``jinlotto serve``: the web service."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from jinlotto.cli.common import line, open_database, settings

if TYPE_CHECKING:
    from jinlotto.db.database import Database


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    workers: Annotated[
        int, typer.Option(help="Worker processes (more than 1 runs gunicorn).", min=1, max=64)
    ] = 1,
    import_path: Annotated[
        Path | None, typer.Option("--import", help="Import this draw file before serving.")
    ] = None,
) -> None:
    """Serve the page and the API (health check: /api/health)."""
    settings()
    # Opening first migrates SQLite, refuses an out-of-date PostgreSQL with a one-line error
    # instead of a failed worker start, and lets --import load draws before serving.
    database = open_database()
    try:
        if import_path is not None:
            _import(database, import_path)
    finally:
        database.close()
    from jinlotto.api import server

    server.run(host, port, workers)


def _import(database: "Database", path: Path) -> None:
    from jinlotto.services import draws

    with database.transaction() as session:
        report = draws.import_file(session, path)
    line(f"imported {path}")
    line(
        f"  {report.added} added, {report.filled} filled, {report.unchanged} unchanged, "
        f"{len(report.conflicts)} conflicting"
    )


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the root command."""
    app.command("serve")(serve)
