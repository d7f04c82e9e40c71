"""``jinlotto report accuracy``: how live recommendations did, beside chance."""

from typing import Annotated, Any

import typer

from jinlotto.cli.common import JsonFlag, console, open_database, print_json

report_app = typer.Typer(help="Reports on the stored record.", no_args_is_help=True)
RANK_NAMES = ("1st", "2nd", "3rd", "4th", "5th")


@report_app.command("accuracy")
def accuracy(
    draws: Annotated[
        int, typer.Option("--draws", min=0, help="Newest draws listed per group (text only).")
    ] = 5,
    as_json: JsonFlag = False,
) -> None:
    """Graded recommendations per strategy and model version, beside chance."""
    from jinlotto.services import accuracy as service

    database = open_database()
    try:
        with database.sessions() as session:
            record = service.report(session)
    finally:
        database.close()
    if as_json:
        print_json(record)
        return
    if not record["groups"]:
        _say("No graded recommendations yet: `jinlotto jobs weekly` grades them after each draw.")
    for group in record["groups"]:
        _print_group(group, draws)
    _say(record["note"])


def _say(text: str) -> None:
    console.print(text, markup=False, highlight=False)


def _interval(figures: dict[str, Any]) -> str:
    if figures["low"] is None:
        return "no interval with one draw"
    return f"95 % CI {figures['low']:.3f}-{figures['high']:.3f}"


def _print_group(group: dict[str, Any], recent: int) -> None:
    from rich.table import Table

    model = group["model_version"] or "no model"
    _say(f"{group['strategy']} ({model}): {group['draws']} draws, {group['games']:,} games")
    _say(f"  mean matches {group['mean_matches']:.3f} ({_interval(group)}; chance 0.800)")
    table = Table(box=None, padding=(0, 1), show_edge=False)
    table.add_column("rank")
    for name in RANK_NAMES:
        table.add_column(name, justify="right")
    table.add_row("observed", *(str(rank["observed"]) for rank in group["ranks"]))
    table.add_row("expected", *(f"{rank['expected']:.3g}" for rank in group["ranks"]))
    console.print(table)
    for row in group["per_draw"][-recent:] if recent else []:
        cumulative = row["cumulative"]
        _say(
            f"  draw {row['draw_no']}: {row['games']:,} games, mean {row['mean_matches']:.3f}; "
            f"so far {cumulative['mean_matches']:.3f} ({_interval(cumulative)})"
        )


def register(app: typer.Typer) -> None:
    """Add ``report`` to the root command."""
    app.add_typer(report_app, name="report")
