"""Model commands: ``train``, ``evaluate`` and ``models``.

scikit-learn and numpy are imported inside the commands so the CLI starts fast.
"""

from typing import Any

import typer
from rich.table import Table

from jinlotto.cli.common import (
    JsonFlag,
    console,
    line,
    open_database,
    print_fields,
    print_json,
    settings,
)

EVALUATION_NOTE = (
    "Draws are independent and uniform, so a small difference either way is expected by chance. "
    "A model that does not beat the per-position baseline has learned only where sorted "
    "positions usually fall, not which numbers come next."
)

models_app = typer.Typer(
    help="List, inspect, import, activate and roll back trained models (kept in the database)."
)


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
    line(f"trained {result.model_name}, now active")
    line(
        f"  {result.estimator} on draws {first}-{last} in {result.seconds:.1f} s, "
        f"{result.file_size_bytes / 1e6:.2f} MB"
    )
    _print_scores(result.metrics["mean"], result.metrics, f"held-out {result.test_samples} draws")


def evaluate(as_json: JsonFlag = False) -> None:
    """Score the active model's configuration out of sample beside the baselines."""
    from jinlotto.services.training import evaluate_active

    report = evaluate_active(open_database(), settings())
    if as_json:
        print_json({**report, "note": EVALUATION_NOTE})
        return
    line(f"model {report['model_name']} ({report['estimator']})")
    line(f"  {report['folds']} time-ordered folds, {report['test_samples']} test draws")
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
    """Every saved model, newest first, and where it is (db, cache: this machine's copy)."""
    from jinlotto.services import models

    database = open_database()
    with database.sessions() as session:
        listing = models.list_models(settings(), session)
    if as_json:
        print_json(listing)
        return
    if not listing:
        line("no trained models yet; run `jinlotto train`")
        return
    for entry in listing:
        draws = entry["training_draw_range"] or ["?", "?"]
        # The name stands alone on its line: it is what `models activate` takes.
        marks = ("   (active)" if entry["active"] else "") + (
            "" if entry["valid"] else "   (invalid)"
        )
        line(f"{entry['name']}{marks}")
        if not entry["valid"]:
            line(f"  {entry['problem']}: it cannot be activated or loaded")
            continue
        saved = str(entry["saved_at"] or "?")[:16].replace("T", " ")
        line(
            f"  saved {saved} KST · {entry['estimator'] or '?'} · draws {draws[0]}-{draws[1]} · "
            f"{entry['file_size_bytes'] / 1e6:.2f} MB · v{entry['model_version'] or '?'} · "
            f"{_location(entry)}"
        )


def _location(entry: dict[str, Any]) -> str:
    """Where a model is: in the database (``db``) and/or in this machine's MODEL_DIR."""
    if not entry["in_database"]:
        return "local only"
    return "db+cache" if entry["cached"] else "db"


@models_app.command("show")
def show_model(name: str, as_json: JsonFlag = False) -> None:
    """The metadata of one saved model, with its held-out scores."""
    from jinlotto.services import models

    with open_database().sessions() as session:
        details = models.show_model(settings(), session, name)
    if as_json:
        print_json(details)
        return
    metrics = details.get("evaluation_metrics")
    print_fields({key: value for key, value in details.items() if key != "evaluation_metrics"})
    if metrics:
        held_out = details.get("test_samples", metrics.get("samples"))
        _print_scores(metrics["mean"], metrics, f"held-out {held_out} draws")
        _print_positions(metrics)


def _print_positions(metrics: dict[str, Any]) -> None:
    top_k = metrics["top_k"]
    table = Table(title="by sorted position; baseline: the training draws' frequencies")
    for column in ("position", "log-loss", f"top-{top_k}", "baseline log-loss", f"top-{top_k}"):
        table.add_column(column, justify="right")
    for entry in metrics["positions"]:
        table.add_row(
            str(entry["position"]),
            f"{entry['log_loss']:.4f}",
            f"{entry['top_k_hit_rate']:.4f}",
            f"{entry['position_baseline_log_loss']:.4f}",
            f"{entry['position_baseline_top_k_hit_rate']:.4f}",
        )
    console.print(table)


@models_app.command("import")
def import_models(as_json: JsonFlag = False) -> None:
    """Store this machine's model files that the database lacks, for every host to serve."""
    from jinlotto.services import models

    outcome = models.import_local(open_database(), settings())
    if as_json:
        print_json(outcome)
        return
    if not outcome:
        line("every model file here is already in the database")
    for name, problem in outcome.items():
        line(f"{name}: {'stored' if problem is None else 'refused'}")
        if problem is not None:
            line(f"  {problem}")
    if any(problem is not None for problem in outcome.values()):
        raise typer.Exit(1)


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
        name = models.rollback(session, settings=settings())
    _report_active(name, as_json)


def _report_active(name: str, as_json: bool) -> None:
    if as_json:
        print_json({"active": name})
    else:
        console.print(f"active model: [bold]{name}[/]")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root command."""
    app.command("train")(train)
    app.command("evaluate")(evaluate)
    app.add_typer(models_app, name="models")
