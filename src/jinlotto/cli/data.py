"""Commands of this group (filled in as the capability lands)."""

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root command."""
