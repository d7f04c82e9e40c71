"""``jinlotto serve``: the web service."""

from pathlib import Path
from typing import Annotated

import typer

from jinlotto.cli.common import console, open_database, settings


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
    if import_path is not None:
        from jinlotto.services import draws

        database = open_database()
        try:
            report = draws.import_file(database, import_path)
        finally:
            database.close()
        console.print(
            f"imported {import_path}: {report.added} added, {report.filled} filled, "
            f"{report.unchanged} unchanged, {len(report.conflicts)} conflicts"
        )
    from jinlotto.api import server

    server.run(host, port, workers)


def register(app: typer.Typer) -> None:
    """Add ``serve`` to the root command."""
    app.command("serve")(serve)
