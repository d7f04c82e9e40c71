"""``jinlotto data``: import, update, export and summarise the draw history.

Services are imported inside the commands so that ``jinlotto data status`` starts quickly.
"""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from jinlotto.cli.common import (
    JsonFlag,
    console_err,
    line,
    open_database,
    print_json,
    progress_bar,
    settings,
)
from jinlotto.errors import DataConflictError

if TYPE_CHECKING:
    from jinlotto.services.draws import DataStatus, ImportReport

data_app = typer.Typer(help="Draw history: import, update, export, status.", no_args_is_help=True)


@data_app.command("import")
def import_file(
    path: Annotated[Path, typer.Argument(help="Mirror JSON, official JSON (new/legacy) or CSV.")],
    as_json: JsonFlag = False,
) -> None:
    """Import draws from a file; the format is detected from its content."""
    from jinlotto.services import draws as service

    database = open_database()
    try:
        with (
            progress_bar(quiet=as_json, label="Importing") as progress,
            database.transaction() as session,
        ):
            report = service.import_file(session, path, progress=progress)
    finally:
        database.close()
    _print_report(report, as_json=as_json)


@data_app.command("update")
def update(
    source: Annotated[
        Literal["official", "mirror"], typer.Option("--source", help="Source to ask.")
    ] = "official",
    url: Annotated[
        str | None,
        typer.Option("--url", help="Source URL instead of LOTTO_API_URL / LOTTO_MIRROR_URL."),
    ] = None,
    to: Annotated[
        int | None, typer.Option("--to", min=1, help="Stop after this draw number.")
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Check every draw from 1: fill gaps and unknowns.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Fetch the draws after the newest stored one (the newest is checked again)."""
    from jinlotto.services import draws as service

    database = open_database()
    try:
        with progress_bar(quiet=as_json, label=f"Updating from {source}") as progress:
            report = service.update(
                database, settings(), source=source, url=url, to=to, full=full, progress=progress
            )
    finally:
        database.close()
    _print_report(report, as_json=as_json)


@data_app.command("export")
def export(
    path: Annotated[Path, typer.Argument(help="File to write (replaced atomically).")],
    fmt: Annotated[Literal["json", "csv"], typer.Option("--format", help="File format.")] = "json",
    as_json: JsonFlag = False,
) -> None:
    """Write every stored draw to a file (JSON in the shared file's format, or CSV)."""
    from jinlotto.services import draws as service

    database = open_database()
    try:
        count = service.export_draws(database, path, fmt=fmt)
    finally:
        database.close()
    if as_json:
        print_json({"exported": count, "path": str(path), "format": fmt})
    else:
        line(f"exported {count} draws ({fmt}) to {path}")


@data_app.command("status")
def status(as_json: JsonFlag = False) -> None:
    """Show how many draws are stored, the newest, the gaps and the last update."""
    from jinlotto.services import draws as service

    database = open_database()
    try:
        current = service.status(database)
    finally:
        database.close()
    if as_json:
        print_json(current.to_dict())
    else:
        _print_status(current)


def _print_report(report: "ImportReport", *, as_json: bool) -> None:
    """Print the counts; conflicts end the command with a non-zero exit."""
    if as_json:
        print_json(report.to_dict())
    else:
        line(
            f"{report.source}: {report.added} added, {report.filled} filled, "
            f"{report.unchanged} unchanged, {len(report.conflicts)} conflicting"
        )
        for conflict in report.conflicts:
            line(f"conflict at draw {conflict.draw_no} ({', '.join(conflict.fields)}):")
            line(f"  stored   {conflict.stored}")
            line(f"  reported {conflict.reported}")
    if report.has_conflicts:
        numbers = ", ".join(str(conflict.draw_no) for conflict in report.conflicts)
        raise DataConflictError(
            f"{len(report.conflicts)} draw(s) reported differently from the stored ones "
            f"(draws {numbers}); the stored draws were kept"
        )


def _print_status(current: "DataStatus") -> None:
    if current.count == 0:
        line("no draws stored; run `jinlotto data update` or `jinlotto data import PATH`")
        return
    gaps = ", ".join(
        str(first) if first == last else f"{first}-{last}" for first, last in current.missing
    )
    newest_date = current.last_draw_date.isoformat() if current.last_draw_date else "?"
    updated = (
        current.last_updated_at.isoformat(timespec="seconds") if current.last_updated_at else "?"
    )
    fresh = current.freshness
    line(f"draws stored   {current.count} (draws {current.first_draw}-{current.last_draw})")
    line(f"newest draw    {current.last_draw} on {newest_date}")
    line(f"missing        {gaps or 'none'}")
    line(
        f"not yet stored {fresh.missing_recent} held draw(s); draw {fresh.next_draw_no} is on sale"
    )
    line(f"last updated   {updated}")
    notice = fresh.notice(current.last_draw)
    if notice:
        console_err.print(f"note: {notice}", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``data`` to the root command."""
    app.add_typer(data_app, name="data")
