"""``jinlotto jobs weekly``: the weekly job, for cron or a platform scheduler.

Services are imported inside the command so that other commands start quickly.
"""

from typing import TYPE_CHECKING, Annotated, Any

import typer

from jinlotto.cli.common import JsonFlag, console, open_database, print_json, settings
from jinlotto.errors import JinlottoError

if TYPE_CHECKING:
    from jinlotto.services.weekly import BackgroundRetrain, WeeklyOutcome

jobs_app = typer.Typer(help="Operations jobs.", no_args_is_help=True)


@jobs_app.command("weekly")
def weekly(
    estimator: Annotated[
        str | None,
        typer.Option(
            help="Retrain with this estimator (rf, hgb, logreg) instead of the active model's; "
            "it replaces the active model only if not worse."
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Update, grade, report and retrain after the Saturday draw.

    Retries with back-off until the newest draw is published, and gives up at 12:00 KST the
    next day. Exactly one runner works at a time across machines; a rerun is harmless.
    """
    from jinlotto.services.notify import Notifier
    from jinlotto.services.weekly import WeeklyRunner

    if estimator is not None:
        from jinlotto.strategies.ml import ESTIMATORS

        if estimator not in ESTIMATORS:
            raise JinlottoError(f"unknown estimator {estimator!r}; choose {', '.join(ESTIMATORS)}")
    current = settings()
    database = open_database()
    notifier = Notifier(current)
    try:
        runner = WeeklyRunner(database, current, notifier, retrain_estimator=estimator)
        outcome = runner.run()
        if runner.retrain is not None:
            runner.retrain.join()
    finally:
        notifier.close(timeout=3 * current.slack_timeout_seconds)
        database.close()
    if as_json:
        print_json(_payload(outcome, runner.retrain))
    else:
        _print(outcome, runner.retrain)
    if outcome.status == "given_up":
        cause = f"the data source failed: {outcome.problem}" if outcome.problem else "not yet"
        raise JinlottoError(
            f"draw {outcome.target_draw} is still not published ({cause}); gave up until next week"
        )


def _payload(outcome: "WeeklyOutcome", retrain: "BackgroundRetrain | None") -> dict[str, Any]:
    payload = outcome.to_dict()
    payload["retrain"] = None
    if retrain is not None:
        payload["retrain"] = {
            "outcome": retrain.outcome.to_dict() if retrain.outcome else None,
            "problem": retrain.problem,
        }
    return payload


def _print(outcome: "WeeklyOutcome", retrain: "BackgroundRetrain | None") -> None:
    def say(text: str) -> None:
        console.print(text, markup=False, highlight=False)

    attempts = f" after {outcome.attempts} attempts" if outcome.attempts > 1 else ""
    if outcome.status == "skipped":
        say("weekly job: another runner is working on it; nothing done here")
        return
    if outcome.status == "already_done":
        say(f"weekly job: draw {outcome.target_draw} was already processed; nothing to do")
        return
    if outcome.status != "done":
        return  # given up: the error line says why
    say(f"weekly job: draw {outcome.target_draw} done{attempts}")
    update = outcome.update or {}
    say(
        f"  draws: {update.get('added', 0)} added, {update.get('filled', 0)} filled, "
        f"{len(update.get('conflicts', []))} conflicts"
    )
    recommended, tickets, rows, ticket_rows = outcome.totals()
    mean = f"{recommended.matches / recommended.games:.3f}" if recommended.games else "-"
    say(f"  recommended games graded: {recommended.games} (in {rows} recommendations)")
    say(f"  matched numbers per game: {mean} (chance 0.800)")
    say(f"  saved ticket games graded: {tickets.games} (in {ticket_rows} tickets)")
    say(
        "  prizes 1st-5th: recommended "
        + " ".join(map(str, recommended.ranks[1:]))
        + "; saved tickets "
        + " ".join(map(str, tickets.ranks[1:]))
    )
    say(f"  deleted {outcome.deleted_recommendations} old recommendations")
    say("  model: " + _model_line(outcome, retrain))


def _model_line(outcome: "WeeklyOutcome", retrain: "BackgroundRetrain | None") -> str:
    if retrain is None or retrain.outcome is None:
        problem = retrain.problem if retrain is not None else None
        return f"not retrained ({problem or outcome.retraining})"
    result = retrain.outcome
    previous = "none" if result.previous_log_loss is None else f"{result.previous_log_loss:.4f}"
    verdict = (
        "activated" if result.activated else f"kept {result.previous} (margin {result.margin})"
    )
    return (
        f"{result.candidate} {verdict}; held-out log-loss {result.candidate_log_loss:.4f} "
        f"vs {previous}"
    )


def register(app: typer.Typer) -> None:
    """Add ``jobs`` to the root command."""
    app.add_typer(jobs_app, name="jobs")
