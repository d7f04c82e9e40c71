"""``jinlotto backtest``, ``audit`` and ``popularity``: the evidence (the honest record) from the
command line.

Services are imported inside the commands so that other commands start quickly.
"""

from typing import Annotated, Any

import typer

from jinlotto.cli.common import (
    JsonFlag,
    console,
    line,
    open_database,
    print_json,
    progress_bar,
    settings,
)
from jinlotto.errors import InvalidTicketError


def backtest(
    first_draw: Annotated[
        int | None,
        typer.Option("--from", min=1, help="First draw to evaluate (default: 400 back)."),
    ] = None,
    last_draw: Annotated[
        int | None, typer.Option("--to", min=1, help="Last draw to evaluate (default: newest).")
    ] = None,
    tickets: Annotated[int, typer.Option("--tickets", min=1, help="Games per draw.")] = 100,
    strategies: Annotated[
        str, typer.Option("--strategies", help="Names separated by commas, or `all`.")
    ] = "all",
    seed: Annotated[int, typer.Option("--seed", min=0, help="Seed of every game drawn.")] = 0,
    retrain_every: Annotated[
        int, typer.Option("--retrain-every", min=1, help="Re-learn ml/popularity every k draws.")
    ] = 10,
    as_json: JsonFlag = False,
) -> None:
    """Walk-forward backtest of strategies against chance; the report is stored."""
    from jinlotto.services import backtests
    from jinlotto.services.draws import stored_history

    database = open_database()
    try:
        names = backtests.strategy_names(strategies, settings())
        history = stored_history(database)
        with progress_bar(quiet=as_json, label="Backtesting") as progress:
            report = backtests.run_backtest(
                history,
                strategies=names,
                first_draw=first_draw,
                last_draw=last_draw,
                tickets=tickets,
                seed=seed,
                retrain_every=retrain_every,
                progress=progress,
            )
        with database.transaction() as session:
            report = backtests.store_report(session, report)
    finally:
        database.close()
    if as_json:
        print_json(report)
        return
    _print_backtest(report)


def _print_backtest(report: dict[str, Any]) -> None:
    line(f"Draws {report['from']}-{report['to']}: {report['tickets']} games per draw per strategy")
    strategies = sorted(report["strategies"].items(), key=lambda item: item[0] != report["control"])
    for name, figures in strategies:
        p_value = "-" if figures["p_value"] is None else f"{figures['p_value']:.3f}"
        ranks = figures["rank_counts"]
        expected = figures["expected_rank_counts"]
        line(f"{name}{'   (control)' if name == report['control'] else ''}")
        line("  " + figures["reading"].removeprefix(f"{name}: "))
        difference = figures["difference_from_uniform"]
        versus = "" if difference is None else f"vs uniform {_difference(difference)}; "
        line(f"  {versus}fit to chance p {p_value}")
        line(f"  games by matches 0-6: {' '.join(map(str, figures['match_counts']))}")
        line(
            "  ranks 1-5: "
            + " ".join(str(ranks[str(rank)]) for rank in range(1, 6))
            + " (by chance "
            + " ".join(f"{expected[str(rank)]:.2g}" for rank in range(1, 6))
            + ")"
        )
        line(
            f"  return {figures['return_per_1000']:.0f} KRW per 1,000 KRW "
            f"(by chance at these draws {figures['chance_return_per_1000']:.0f})"
        )
    readings = {figures["reading"] for figures in report["strategies"].values()}
    for text in report["summary"]:
        if text not in readings:  # each strategy's reading is printed with its figures
            line(text)
    line(report["note"])


def _difference(difference: dict[str, Any]) -> str:
    low, high = difference["ci95"]
    interval = "" if low is None else f" ({low:+.3f} to {high:+.3f})"
    return f"{difference['mean']:+.3f}{interval}"


def audit(as_json: JsonFlag = False) -> None:
    """Test the stored draws against the exact laws of a fair draw."""
    from jinlotto.services import backtests
    from jinlotto.services.draws import stored_history

    database = open_database()
    try:
        result = backtests.randomness_audit(stored_history(database))
    finally:
        database.close()
    if as_json:
        print_json(result)
        return
    console.print(f"Draws {result['from']}-{result['to']} ({result['draws']} draws)")
    for test in result["tests"]:
        p_value = "-" if test["p_value"] is None else f"{test['p_value']:.3f}"
        console.print(
            f"{test['name']}: statistic {test['statistic']:.2f}, df {test['df']}, p {p_value}",
            highlight=False,
        )
        console.print(f"  {test['reading']}", markup=False, highlight=False)
    console.print(result["note"], markup=False, highlight=False)


def popularity(
    game: Annotated[
        str | None, typer.Argument(help='Six numbers, e.g. "1,2,3,4,5,6".', show_default=False)
    ] = None,
    validate: Annotated[
        bool, typer.Option("--validate", help="Instead, check the model on the newest 20 % draws.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """How many others pick a game, and what it is worth if it wins."""
    from jinlotto.domain.games import parse_game
    from jinlotto.services import popularity as service
    from jinlotto.services.draws import stored_history

    if game is None and not validate:
        raise InvalidTicketError('give a game such as "1,2,3,4,5,6", or --validate')
    numbers = parse_game(game) if game is not None else ()
    database = open_database()
    try:
        history = stored_history(database)
    finally:
        database.close()
    if validate:
        _print_validation(service.popularity_validation(history), as_json=as_json)
        return
    score = service.popularity_scorer.score(history, numbers)
    if as_json:
        print_json(score)
        return
    _print_score(score)


def _print_score(score: dict[str, Any]) -> None:
    from rich.table import Table

    others = score["expected_cowinners"]
    rows = [
        ("game", " ".join(map(str, score["numbers"]))),
        (
            "popularity_index",
            f"{score['popularity_index']:.2f} (1.00 = a random game"
            + ("; a prior, not a measurement)" if score["extrapolated"] else ")"),
        ),
        (
            "expected co-winners",
            f"1st {others['1']:.2f}, 2nd {others['2']:.2f}, 3rd {others['3']:.1f} at draw "
            f"{score['sales_of_draw']}'s sales ({score['sales']:,} KRW)",
        ),
        (
            "expected prize",
            f"{score['expected_prize_per_1000']:.0f} KRW per 1,000 KRW (a random game: "
            f"{score['random_game_prize_per_1000']:.0f} KRW; the ticket costs "
            f"{score['ticket_price_per_1000']:,} KRW)",
        ),
        ("extrapolated", "yes" if score["extrapolated"] else "no: measured from past winners"),
    ]
    if score["reason"] is not None:
        rows.append(("reason", score["reason"]))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for label, value in rows:
        grid.add_row(label, value)
    console.print(grid, markup=False, highlight=False)
    line(score["note"])


def _print_validation(result: dict[str, Any], *, as_json: bool) -> None:
    if as_json:
        print_json(result)
        return
    from rich.table import Table

    first, last = result["held_out"]
    line(
        f"Fitted on draws through {result['trained_through']}, judged on {first}-{last} "
        f"({result['held_out_draws']} draws)."
    )
    tiers = Table(title="Log winner ratio of held-out draws: the model beside the baseline")
    for column in ("tier", "R2", "R2 baseline", "Spearman", "Spearman baseline", "deviance"):
        tiers.add_column(column, justify="right")
    for tier, figures in result["tiers"].items():
        baseline = figures["baseline"]
        tiers.add_row(
            tier,
            f"{figures['r2_log_ratio']:.3f}",
            f"{baseline['r2_log_ratio']:.3f}",
            f"{figures['spearman']:.3f}",
            f"{baseline['spearman']:.3f}",
            f"{figures['deviance_explained']:.3f}",
        )
    console.print(tiers)
    verdict = "beats" if result["beats_baseline"] else "does NOT beat"
    line(
        f"The model {verdict} the baseline on R2 and Spearman in every tier. Baseline: a "
        "least-squares fit of the tier-5 log ratio on the 45 numbers (45 weights and an "
        "intercept), used for each tier. Deviance: the share of Poisson deviance the model "
        "explains beyond the training mean ratio."
    )
    _print_jackpot(result["first_prize"])
    extrapolated = result["extrapolated"]
    line(
        "Held-out draws beyond the data's support, judged by the prior: "
        f"{', '.join(map(str, extrapolated['draws'])) or 'none'}; 1st-prize winners observed "
        f"{extrapolated['observed_winners']}, under uniform play "
        f"{extrapolated['uniform_play_winners']:.1f}, predicted "
        f"{extrapolated['predicted_winners']:.1f} (the prior is a lower bound)."
    )


def _print_jackpot(jackpot: dict[str, Any]) -> None:
    from rich.table import Table

    groups = Table(title="1st prize, held-out quarters by predicted ratio")
    for column in ("predicted ratio", "predicted winners", "observed winners"):
        groups.add_column(column, justify="right")
    for group in jackpot["groups"]:
        groups.add_row(
            f"{group['mean_predicted_ratio']:.2f}",
            f"{group['predicted_winners']:.0f}",
            str(group["observed_winners"]),
        )
    console.print(groups)
    for text in (
        f"1st-prize dispersion (1 = Poisson): {jackpot['dispersion_uniform_play']:.2f} under "
        f"uniform play, {jackpot['dispersion_model']:.2f} under the model; machine-picked "
        f"winners {jackpot['dispersion_auto_winners']:.2f}, chosen winners "
        f"{jackpot['dispersion_chosen_winners']:.2f}.",
        f"Machine-picked share of games {jackpot['machine_share']:.3f} (published split); "
        f"fitted floor {jackpot['floor']:.3f}: no game's 1st-prize ratio is predicted below it.",
        f"1st-prize deviance (lower is better): {jackpot['deviance']:.1f}; floor pinned at the "
        f"machine share {jackpot['deviance_floor_at_machine_share']:.1f}; constant rate "
        f"{jackpot['deviance_constant_rate']:.1f}.",
    ):
        line(text)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root command."""
    app.command("backtest")(backtest)
    app.command("audit")(audit)
    app.command("popularity")(popularity)
