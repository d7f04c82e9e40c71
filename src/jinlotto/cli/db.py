"""``jinlotto db``: schema migrations, backups, restores and the schema diagram."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from jinlotto.cli.common import (
    JsonFlag,
    WriteOption,
    console,
    print_generated,
    print_json,
    settings,
)

if TYPE_CHECKING:
    from jinlotto.services.backup import DatabaseCopy

db_app = typer.Typer(
    help="Database schema, backups, restores and the schema diagram.", no_args_is_help=True
)


@db_app.command("upgrade")
def upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Apply migrations up to REVISION (the newest by default)."""
    from jinlotto.db import migrate
    from jinlotto.db.session import build_engine

    engine = build_engine(settings())
    try:
        migrate.upgrade(engine, revision)
        console.print(f"database at revision {migrate.current_revision(engine)}")
    finally:
        engine.dispose()


@db_app.command("current")
def current() -> None:
    """Print the revision the database is at and whether it is the newest."""
    from jinlotto.db import migrate
    from jinlotto.db.session import build_engine

    engine = build_engine(settings())
    try:
        revision = migrate.current_revision(engine)
        state = "up to date" if revision == migrate.head_revision() else "behind"
        console.print(f"{revision or 'empty'} ({state})")
    finally:
        engine.dispose()


@db_app.command("backup")
def backup(
    path: Annotated[Path, typer.Argument(help="Backup file to write (replaced atomically).")],
    as_json: JsonFlag = False,
) -> None:
    """Copy the SQLite database to PATH while the service runs (PostgreSQL: prints pg_dump)."""
    from jinlotto.services import backup as service

    with _postgres_hint():
        copy = service.backup(settings(), path)
    _print_copy(copy, "backed up to", as_json=as_json)


@db_app.command("restore")
def restore(
    path: Annotated[Path, typer.Argument(help="A backup written by `jinlotto db backup`.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing database (a copy is kept).")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Replace the SQLite database with the backup PATH; stop the service first."""
    from jinlotto.services import backup as service

    with _postgres_hint():
        copy = service.restore(settings(), path, force=force)
    _print_copy(copy, "restored into", as_json=as_json)


@db_app.command("diagram")
def diagram(write: WriteOption = None) -> None:
    """Print the entity-relationship diagram of every table (Mermaid, in Markdown)."""
    from jinlotto.db import diagram as schema_diagram

    print_generated(schema_diagram.COMMAND, schema_diagram.render(), write)


@contextmanager
def _postgres_hint() -> Iterator[None]:
    """On PostgreSQL, print the command to run alone on stdout, then fail with the hint."""
    from jinlotto.services.backup import PostgresBackupError

    try:
        yield
    except PostgresBackupError as error:
        print(error.command)
        raise


def _print_copy(copy: "DatabaseCopy", verb: str, *, as_json: bool) -> None:
    if as_json:
        print_json(copy.to_dict())
        return
    console.print(
        f"{verb} {copy.path}: {copy.size_bytes / 1_000_000:.1f} MB, {copy.draws} draws, "
        f"schema {copy.schema_revision}, {copy.seconds:.2f} s",
        highlight=False,
        markup=False,
        soft_wrap=True,  # paths stay whole, to copy and paste
    )
    if copy.previous is not None:
        console.print(
            f"the replaced database is kept in {copy.previous}",
            highlight=False,
            markup=False,
            soft_wrap=True,
        )


def register(app: typer.Typer) -> None:
    """Add ``db`` to the root command."""
    app.add_typer(db_app, name="db")
