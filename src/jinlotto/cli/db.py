"""``jinlotto db``: schema migrations."""

import typer

from jinlotto.cli.common import console, settings

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)


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


def register(app: typer.Typer) -> None:
    """Add ``db`` to the root command."""
    app.add_typer(db_app, name="db")
