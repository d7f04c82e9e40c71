"""``jinlotto config``: the reference of every setting."""

import typer

from jinlotto.cli.common import WriteOption, print_generated

config_app = typer.Typer(help="Settings and their documentation.", no_args_is_help=True)


@config_app.command("reference")
def reference(write: WriteOption = None) -> None:
    """Print every environment variable with its type, default and meaning (Markdown)."""
    from jinlotto import config_reference

    print_generated(config_reference.COMMAND, config_reference.render(), write)


def register(app: typer.Typer) -> None:
    """Add ``config`` to the root command."""
    app.add_typer(config_app, name="config")
