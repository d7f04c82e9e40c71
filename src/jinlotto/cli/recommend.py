"""``jinlotto recommend``: games from any strategy, with the same rules as the web service.

numpy and the engine are imported inside the command so that other commands start fast.
"""

from typing import TYPE_CHECKING, Any

import typer

from jinlotto.cli.common import JsonFlag, console, console_err, open_database, print_json
from jinlotto.cli.common import settings as load_settings
from jinlotto.errors import InvalidFilterError

if TYPE_CHECKING:
    from jinlotto.strategies.filters import Filters

CONFIDENCE_NOTE = (
    "Confidence describes how strongly the strategy agrees with itself, not a chance of winning: "
    "every game has the same 1 in 8,145,060 chance of 1st prize."
)
# Filter options as this command spells them, so errors and notes name what the user typed.
OPTION_NAMES = {
    "fixed": "--fixed",
    "excluded": "--exclude",
    "sum_range": "--sum",
    "odd_range": "--odd",
    "low_range": "--low",
    "min_ac": "--min-ac",
    "max_consecutive": "--max-consecutive",
    "max_per_zone": "--max-per-zone",
    "end_digit_sum_range": "--end-digit-sum",
    "max_same_end_digit": "--max-same-end-digit",
    "min_span": "--min-span",
    "carryover_range": "--carryover",
    "exclude_past_winners": "--allow-past-winners",
}
RELAXED_NAMES = {
    "diversity": "the strategy's balance rules",
    "strategy_weights": "the strategy's number weights",
}


def recommend(
    sets: int = typer.Option(5, min=1, max=5, help="How many games (1-5)."),
    strategy: str | None = typer.Option(
        None,
        help="uniform, statistical, ml, unified or popularity (default: unified with an active "
        "model and ENABLE_ML, else statistical).",
    ),
    fixed: str | None = typer.Option(None, help="Numbers every game holds, e.g. 7,13."),
    exclude: str | None = typer.Option(None, help="Numbers no game holds, e.g. 4,44."),
    sum_range: str | None = typer.Option(None, "--sum", help="Sum range, e.g. 100-170."),
    odd: str | None = typer.Option(None, help="Odd-count range, e.g. 2-4."),
    low: str | None = typer.Option(None, help="Low (1-22) count range, e.g. 2-4."),
    min_ac: int | None = typer.Option(None, help="Minimum AC value (0-10)."),
    max_consecutive: int | None = typer.Option(
        None, help="Longest run of consecutive numbers (1-6)."
    ),
    max_per_zone: int | None = typer.Option(None, help="Most numbers in one zone (2-6)."),
    end_digit_sum: str | None = typer.Option(None, help="End-digit sum range, e.g. 15-35."),
    max_same_end_digit: int | None = typer.Option(
        None, help="Most numbers sharing a last digit (1-5)."
    ),
    min_span: int | None = typer.Option(None, help="Minimum highest-minus-lowest (5-44)."),
    carryover: str | None = typer.Option(None, help="Numbers from the last draw, e.g. 0-1."),
    allow_past_winners: bool = typer.Option(
        False, "--allow-past-winners", help="Allow past 1st-prize combinations."
    ),
    seed: int | None = typer.Option(None, help="Seed: the same seed gives the same games."),
    as_json: JsonFlag = False,
) -> None:
    """Recommend games with confidence and analysis, for the next draw on sale."""
    options = {
        "fixed": _numbers("--fixed", fixed),
        "excluded": _numbers("--exclude", exclude),
        "sum_range": _range("--sum", sum_range),
        "odd_range": _range("--odd", odd),
        "low_range": _range("--low", low),
        "min_ac": min_ac,
        "max_consecutive": max_consecutive,
        "max_per_zone": max_per_zone,
        "end_digit_sum_range": _range("--end-digit-sum", end_digit_sum),
        "max_same_end_digit": max_same_end_digit,
        "min_span": min_span,
        "carryover_range": _range("--carryover", carryover),
        "exclude_past_winners": not allow_past_winners,
    }
    payload = _recommendation(_filters(options), strategy, sets, seed)
    if as_json:
        print_json(payload)
    else:
        _print(payload)


def _filters(options: dict[str, Any]) -> "Filters":
    from jinlotto.strategies.filters import Filters

    return Filters.from_mapping(options, labels=OPTION_NAMES)


def _recommendation(
    filters: "Filters", strategy: str | None, sets: int, seed: int | None
) -> dict[str, Any]:
    from datetime import UTC, datetime

    import numpy as np

    from jinlotto.domain.schedule import scheduled_date
    from jinlotto.services.draws import freshness
    from jinlotto.services.recommender import Recommender

    database = open_database()
    try:
        recommender = Recommender(load_settings(), database)
        generated = recommender.generate(strategy, filters, sets, np.random.default_rng(seed))
    finally:
        database.close()
    fresh = freshness(generated.latest_draw_no, datetime.now(UTC))
    return {
        "strategy": generated.strategy,
        "model_version": generated.model_version,
        "for_draw_no": fresh.next_draw_no,
        "draw_date": scheduled_date(fresh.next_draw_no).isoformat(),
        "relaxation_stage": generated.relaxation_stage,
        "relaxed": generated.relaxed,
        "games": generated.games,
        "latest_stored_draw": generated.latest_draw_no,
        "missing_recent": fresh.missing_recent,
        "stale": fresh.stale,
        "stale_notice": fresh.notice(generated.latest_draw_no),
        "note": CONFIDENCE_NOTE,
    }


def _print(payload: dict[str, Any]) -> None:
    model = f" (model {payload['model_version']})" if payload["model_version"] else ""
    _line(
        f"{payload['strategy']}{model} for draw {payload['for_draw_no']} ({payload['draw_date']})"
    )
    for index, game in enumerate(payload["games"], start=1):
        _print_game(index, game)
    if payload["relaxation_stage"]:
        relaxed = ", ".join(
            RELAXED_NAMES.get(name) or OPTION_NAMES[name] for name in payload["relaxed"]
        )
        _line(
            f"Not every game could meet the filters: relaxed (stage "
            f"{payload['relaxation_stage']}) {relaxed}."
        )
    if payload["stale_notice"]:
        console_err.print(f"note: {payload['stale_notice']}", markup=False, highlight=False)
    _line(payload["note"])


def _print_game(index: int, game: dict[str, Any]) -> None:
    analysis = game["analysis"]
    numbers = " ".join(f"{number:2d}" for number in game["numbers"])
    won = analysis["won_first_prize_before"]
    _line(f"{index}   {numbers}    confidence {game['confidence']:.2f}")
    _line(
        f"    sum {analysis['sum']} · odd:even {analysis['odd']}:{analysis['even']} · "
        f"low:high {analysis['low']}:{analysis['high']} · AC {analysis['ac']} · "
        f"consecutive pairs {analysis['consecutive_pairs']}"
    )
    _line(
        f"    zones {'/'.join(map(str, analysis['zones']))} · end-digit sum "
        f"{analysis['end_digit_sum']} · from the last draw {analysis['repeats_last_draw']}"
    )
    _line(f"    won 1st prize before: {f'in draw {won}' if won else 'never'}")
    popularity = analysis.get("popularity")
    if popularity:
        others = popularity["expected_cowinners"]
        _line(
            f"    popularity {popularity['popularity_index']:.2f}x a random game's co-winners: "
            f"1st {others['1']:.2f}, 2nd {others['2']:.1f}, 3rd {others['3']:.0f}"
        )
        _line(
            f"    {popularity['expected_prize_per_1000']:.0f} KRW back per 1,000 KRW spent "
            f"(a random game: {popularity['random_game_prize_per_1000']:.0f})"
        )
        if popularity.get("extrapolated"):
            _line(f"    {popularity.get('reason') or 'a pattern past winners never had'}")


def _line(text: str) -> None:
    console.print(text, markup=False, highlight=False)


def _numbers(option: str, text: str | None) -> list[int] | None:
    if not text:
        return None
    try:
        return [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError as error:
        raise InvalidFilterError(
            f"{option} takes numbers separated by commas, e.g. 7,13"
        ) from error


def _range(option: str, text: str | None) -> list[int] | None:
    if not text:
        return None
    low, separator, high = text.replace(" ", "").partition("-")
    if not separator or not low.isdigit() or not high.isdigit():
        raise InvalidFilterError(f"{option} takes a range MIN-MAX, e.g. 100-170")
    return [int(low), int(high)]


def register(app: typer.Typer) -> None:
    """Add ``recommend`` to the root command."""
    app.command("recommend")(recommend)
