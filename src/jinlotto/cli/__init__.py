"""The ``jinlotto`` command: a Typer root with one module per noun.

Command modules import heavy libraries (scikit-learn, the web stack) inside their functions so
that quick commands such as ``jinlotto data status`` start fast.
"""

import logging
import sys

import typer

from jinlotto import __version__
from jinlotto.cli import config, data, db, engine, evidence, jobs, monitor, recommend, report, serve
from jinlotto.cli.common import console_err
from jinlotto.errors import JinlottoError

app = typer.Typer(
    name="jinlotto",
    help="JinLotto: Lotto 6/45 history, analysis and honest number recommendations.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
for module in (config, data, db, engine, recommend, evidence, jobs, monitor, report, serve):
    module.register(app)


def _version(show: bool) -> None:
    if show:
        typer.echo(f"jinlotto {__version__}")
        raise typer.Exit


@app.callback()
def root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """JinLotto command line."""


def main() -> None:
    """Entry point: run the app and turn errors into one line and a non-zero exit."""
    try:
        app()
    except JinlottoError as error:
        console_err.print(f"error: {error.message}", markup=False, highlight=False)
        sys.exit(1)
    except KeyboardInterrupt:
        console_err.print("interrupted")
        sys.exit(130)
    except Exception as error:
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(error, SQLAlchemyError):
            message = f"error: database: {type(error).__name__}: {error}".splitlines()[0]
            console_err.print(message, markup=False, highlight=False)
            sys.exit(1)
        logging.getLogger(__name__).debug("unexpected error", exc_info=True)
        console_err.print(
            f"internal error: {type(error).__name__}: {error} "
            "(LOG_LEVEL=DEBUG shows the traceback)",
            markup=False,
            highlight=False,
        )
        sys.exit(2)
