"""Engine commands: ``train``, ``evaluate``, ``models``, ``recommend``.

scikit-learn and numpy are imported inside the commands so the CLI starts fast.
"""

from typing import TYPE_CHECKING, Any, Literal

import typer
from rich.table import Table

from jinlotto.cli.common import JsonFlag, console, open_database, print_json, settings
from jinlotto.errors import InvalidFilterError, ModelError

if TYPE_CHECKING:
    from jinlotto.config import Settings
    from jinlotto.db.database import Database
    from jinlotto.domain.history import History
    from jinlotto.strategies.base import Strategy

CONFIDENCE_NOTE = (
    "Confidence describes how strongly the strategy agrees with itself, not a chance of winning: "
    "every game has the same 1 in 8,145,060 chance of 1st prize."
)
EVALUATION_NOTE = (
    "Draws are independent and uniform, so a small difference either way is expected by chance. "
    "A model that does not beat the per-position baseline has learned only where sorted "
    "positions usually fall, not which numbers come next."
)

models_app = typer.Typer(help="List, inspect, activate and roll back trained models.")


def train(
    estimator: str = typer.Option("rf", help="Classifier per position: rf, hgb or logreg."),
    tune: bool = typer.Option(False, "--tune", help="Pick hyperparameters with TimeSeriesSplit."),
    as_json: JsonFlag = False,
) -> None:
    """Train the per-position models on the stored draws, save them and activate them."""
    from jinlotto.services.training import train_and_activate

    result = train_and_activate(open_database(), settings(), estimator=estimator, tune=tune)
    if as_json:
        print_json(result.to_dict())
        return
    first, last = result.training_draw_range
    console.print(
        f"trained [bold]{result.model_name}[/] ({result.estimator}) on draws {first}-{last} "
        f"in {result.seconds:.1f} s; {result.file_size_bytes / 1e6:.2f} MB; now active"
    )
    _print_scores(result.metrics["mean"], result.metrics, f"held-out {result.test_samples} draws")


def evaluate(as_json: JsonFlag = False) -> None:
    """Score the active model's configuration out of sample beside the baselines."""
    from jinlotto.services.training import evaluate_active

    report = evaluate_active(open_database(), settings())
    if as_json:
        print_json({**report, "note": EVALUATION_NOTE})
        return
    console.print(
        f"model [bold]{report['model_name']}[/] ({report['estimator']}): "
        f"{report['folds']} time-ordered folds, {report['test_samples']} test draws"
    )
    _print_scores(report["mean"], report, "walk-forward mean")
    since = report["since_training"]
    if since is not None:
        _print_scores(since["mean"], since, f"saved model on {since['samples']} newer draws")
    verdict = "lower" if report["beats_position_baseline"] else "not lower"
    console.print(
        f"The model's log-loss is {verdict} than the per-position baseline's in these folds "
        "(a single mean, no significance test)."
    )
    console.print(EVALUATION_NOTE)


def _print_scores(mean: dict[str, float], report: dict[str, Any], title: str) -> None:
    top_k = report["top_k"]
    table = Table(title=title)
    for column in ("", "log-loss (lower is better)", f"top-{top_k} hit rate"):
        table.add_column(column)
    table.add_row("model", f"{mean['log_loss']:.4f}", f"{mean['top_k_hit_rate']:.4f}")
    table.add_row(
        "per-position baseline",
        f"{mean['position_baseline_log_loss']:.4f}",
        f"{mean['position_baseline_top_k_hit_rate']:.4f}",
    )
    table.add_row(
        "uniform (log 45, K/45)",
        f"{report['uniform_log_loss']:.4f}",
        f"{report['uniform_top_k_hit_rate']:.4f}",
    )
    console.print(table)


@models_app.command("list")
def list_models(as_json: JsonFlag = False) -> None:
    """Every saved model, newest first."""
    from jinlotto.services import models

    database = open_database()
    with database.sessions() as session:
        listing = models.list_models(settings(), session)
    if as_json:
        print_json(listing)
        return
    if not listing:
        console.print("no trained models yet; run `jinlotto train`")
        return
    table = Table()
    for column in ("name", "active", "saved at (KST)", "estimator", "draws", "MB"):
        table.add_column(column)
    for entry in listing:
        draws = entry["training_draw_range"] or ["?", "?"]
        table.add_row(
            entry["name"],
            "yes" if entry["active"] else "",
            str(entry["saved_at"] or "?"),
            str(entry["estimator"] or "?"),
            f"{draws[0]}-{draws[1]}",
            f"{entry['file_size_bytes'] / 1e6:.2f}",
        )
    console.print(table)


@models_app.command("show")
def show_model(name: str, as_json: JsonFlag = False) -> None:
    """The metadata of one saved model."""
    from jinlotto.services import models

    details = models.show_model(settings(), name)
    if as_json:
        print_json(details)
        return
    for key, value in details.items():
        if key != "evaluation_metrics":
            console.print(f"{key}: {value}", markup=False, highlight=False)


@models_app.command("activate")
def activate_model(name: str, as_json: JsonFlag = False) -> None:
    """Make a saved model the active one for every process."""
    from jinlotto.services import models

    with open_database().transaction() as session:
        models.activate(session, name, settings=settings())
    _report_active(name, as_json)


@models_app.command("rollback")
def rollback_model(as_json: JsonFlag = False) -> None:
    """Go back to the model that was active before the current one."""
    from jinlotto.services import models

    with open_database().transaction() as session:
        name = models.rollback(session)
    _report_active(name, as_json)


def _report_active(name: str, as_json: bool) -> None:
    if as_json:
        print_json({"active": name})
    else:
        console.print(f"active model: [bold]{name}[/]")


def recommend(
    sets: int = typer.Option(5, min=1, max=5, help="How many games (1-5)."),
    strategy: str | None = typer.Option(
        None,
        help="uniform, statistical, ml, unified, ... (default: unified with an active "
        "model and ENABLE_ML, else statistical).",
    ),
    fixed: str | None = typer.Option(None, help="Numbers every game holds, e.g. 7,13."),
    exclude: str | None = typer.Option(None, help="Numbers no game holds, e.g. 4,44."),
    sum_range: str | None = typer.Option(None, "--sum", help="Sum range, e.g. 100-170."),
    odd: str | None = typer.Option(None, help="Odd-count range, e.g. 2-4."),
    low: str | None = typer.Option(None, help="Low (1-22) count range, e.g. 2-4."),
    min_ac: int | None = typer.Option(None, help="Minimum AC value (0-10)."),
    max_consecutive: int | None = typer.Option(None, help="Longest run of consecutive numbers."),
    max_per_zone: int | None = typer.Option(None, help="Most numbers in one zone."),
    end_digit_sum: str | None = typer.Option(None, help="End-digit sum range, e.g. 15-35."),
    max_same_end_digit: int | None = typer.Option(None, help="Most numbers sharing a last digit."),
    min_span: int | None = typer.Option(None, help="Minimum highest-minus-lowest."),
    carryover: str | None = typer.Option(None, help="Numbers from the last draw, e.g. 0-1."),
    allow_past_winners: bool = typer.Option(
        False, "--allow-past-winners", help="Allow past 1st-prize combinations."
    ),
    seed: int | None = typer.Option(None, help="Seed: the same seed gives the same games."),
    as_json: JsonFlag = False,
) -> None:
    """Recommend games with confidence and analysis."""
    import numpy as np

    from jinlotto.services.draws import stored_history
    from jinlotto.strategies.filters import Filters

    filters = Filters.from_mapping(
        {
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
    )
    current = settings()
    database = open_database()
    history = stored_history(database)
    chosen = _strategy(current, database, history, strategy, seed)
    result = chosen.recommend(sets, np.random.default_rng(seed), filters)
    payload = {
        "strategy": result.strategy,
        "for_draw_no": int(history.draw_nos[-1]) + 1,
        "relaxation_stage": result.relaxation_stage,
        "relaxed": result.relaxed,
        "games": [
            {
                "numbers": list(game.numbers),
                "confidence": game.confidence,
                "analysis": game.analysis,
            }
            for game in result.games
        ],
        "note": CONFIDENCE_NOTE,
    }
    if as_json:
        print_json(payload)
    else:
        _print_games(payload)


def _strategy(
    current: "Settings",
    database: "Database",
    history: "History",
    name: str | None,
    seed: int | None,
) -> "Strategy":
    from jinlotto.services import models
    from jinlotto.strategies import registry

    active = None
    if current.enable_ml:
        with database.sessions() as session:
            active = models.active_model_name(session)
    chosen = name or ("unified" if active else "statistical")
    if chosen in ("ml", "unified"):
        if not current.enable_ml:
            raise ModelError(f"strategy {chosen} needs ML, which is off (ENABLE_ML=false)")
        if active is None:
            raise ModelError(f"strategy {chosen} needs a trained model; run `jinlotto train`")
        kind: Literal["ml", "unified"] = "ml" if chosen == "ml" else "unified"
        return models.load_strategy(current, active, history, kind)
    weights = models.weights_from_settings(current)
    return registry.create(chosen, random_state=seed, confidence_weights=weights).fit(history)


def _print_games(payload: dict[str, Any]) -> None:
    table = Table(title=f"{payload['strategy']} for draw {payload['for_draw_no']}")
    for column in ("#", "numbers", "confidence", "sum", "odd:even", "low:high", "AC", "won 1st"):
        table.add_column(column, no_wrap=True)
    for index, game in enumerate(payload["games"], start=1):
        analysis = game["analysis"]
        table.add_row(
            str(index),
            " ".join(f"{number:2d}" for number in game["numbers"]),
            f"{game['confidence']:.2f}",
            str(analysis["sum"]),
            f"{analysis['odd']}:{analysis['even']}",
            f"{analysis['low']}:{analysis['high']}",
            str(analysis["ac"]),
            str(analysis["won_first_prize_before"] or "never"),
        )
    console.print(table)
    if payload["relaxation_stage"]:
        relaxed = ", ".join(payload["relaxed"])
        console.print(f"filters relaxed (stage {payload['relaxation_stage']}): {relaxed}")
    console.print(CONFIDENCE_NOTE)


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
    """Add this module's commands to the root command."""
    app.command("train")(train)
    app.command("evaluate")(evaluate)
    app.add_typer(models_app, name="models")
    app.command("recommend")(recommend)
