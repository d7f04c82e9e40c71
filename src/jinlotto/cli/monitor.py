"""``jinlotto monitor``: check a running service from outside; alert Slack on the thresholds."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from jinlotto.cli.common import JsonFlag, console, print_json, settings
from jinlotto.errors import JinlottoError

if TYPE_CHECKING:
    from jinlotto.services.monitor import Monitor, Sample, Thresholds

monitor_app = typer.Typer(
    help="Check a running JinLotto: health, a recommendation, memory, fresh draws.",
    no_args_is_help=True,
)

UrlOption = Annotated[str, typer.Option("--url", help="The service's base URL.", show_default=True)]
TimeoutOption = Annotated[
    float, typer.Option("--timeout", min=0.1, help="Seconds to wait for each answer.")
]
LogOption = Annotated[
    Path | None,
    typer.Option("--log", help="Append each sample to this JSONL file (and judge with it)."),
]
MemoryOption = Annotated[
    float, typer.Option("--max-memory-percent", min=0, max=100, help="Memory limit (%).")
]
PredictOption = Annotated[
    float,
    typer.Option("--max-predict-seconds", min=0, help="Limit of the predict average (s)."),
]
FailuresOption = Annotated[
    int, typer.Option("--failures", min=1, help="Failed checks in a row before 'down'.")
]
StaleOption = Annotated[
    int, typer.Option("--stale-days", min=1, help="Days the newest draw may be old.")
]
DEFAULT_URL = "http://127.0.0.1:8000"


@monitor_app.command("once")
def once(
    url: UrlOption = DEFAULT_URL,
    timeout: TimeoutOption = 30.0,
    log: LogOption = None,
    max_memory_percent: MemoryOption = 80.0,
    max_predict_seconds: PredictOption = 10.0,
    failures: FailuresOption = 3,
    stale_days: StaleOption = 8,
    as_json: JsonFlag = False,
) -> None:
    """Check once; exit 1 when anything failed. With --log, alerts only on changes."""
    thresholds = _thresholds(max_memory_percent, max_predict_seconds, failures, stale_days)
    with _monitor(url, timeout, log, thresholds) as monitor:
        sample = monitor.check()
        _record(sample, log, as_json=as_json)
    if not sample.ok:
        raise typer.Exit(1)


@monitor_app.command("watch")
def watch(
    url: UrlOption = DEFAULT_URL,
    interval: Annotated[
        float, typer.Option("--interval", min=1, help="Seconds between samples.")
    ] = 60.0,
    count: Annotated[
        int | None, typer.Option("--count", min=1, help="Stop after this many samples.")
    ] = None,
    timeout: TimeoutOption = 30.0,
    log: LogOption = None,
    max_memory_percent: MemoryOption = 80.0,
    max_predict_seconds: PredictOption = 10.0,
    failures: FailuresOption = 3,
    stale_days: StaleOption = 8,
    as_json: JsonFlag = False,
) -> None:
    """Check every --interval seconds until interrupted (or --count samples)."""
    from jinlotto.services import monitor as service

    thresholds = _thresholds(max_memory_percent, max_predict_seconds, failures, stale_days)
    with _monitor(url, timeout, log, thresholds) as monitor:
        failed = service.watch(
            monitor,
            interval=interval,
            count=count,
            on_sample=lambda sample: _record(sample, log, as_json=as_json),
        )
    if failed:
        raise typer.Exit(1)


@contextmanager
def _monitor(
    url: str, timeout: float, log: Path | None, thresholds: "Thresholds"
) -> Iterator["Monitor"]:
    """A :class:`Monitor` over one HTTP client for the command's lifetime, Slack as its alert."""
    import httpx

    from jinlotto.services import monitor as service
    from jinlotto.services.notify import send_slack

    if not url.startswith(("http://", "https://")):
        raise JinlottoError(f"--url must start with http:// or https://, got {url!r}")
    base_url = url.rstrip("/")
    history = []
    if log is not None:
        _check_writable(log)
        history = service.read_history(log, base_url, thresholds.history_needed)
    current = settings()
    with httpx.Client(base_url=base_url, timeout=timeout) as client:
        yield service.Monitor(
            client,
            thresholds=thresholds,
            alert=lambda text: send_slack(current, text),
            history=history,
            metrics_token=current.metrics_token,
        )


def _thresholds(memory: float, predict: float, failures: int, stale_days: int) -> "Thresholds":
    from jinlotto.services.monitor import Thresholds

    return Thresholds(
        memory_percent=memory,
        predict_seconds=predict,
        failures_in_a_row=failures,
        stale_after_days=stale_days,
    )


def _check_writable(log: Path) -> None:
    try:
        with log.open("a", encoding="utf-8"):
            pass
    except OSError as error:
        raise JinlottoError(f"cannot write the log {log}: {error.strerror}") from None


def _record(sample: "Sample", log: Path | None, *, as_json: bool) -> None:
    from jinlotto.services.monitor import append_sample

    if log is not None:
        append_sample(log, sample)
    if as_json:
        print_json(sample.to_dict())
    else:
        _print(sample)


def _print(sample: "Sample") -> None:
    from jinlotto.services.monitor import format_bytes

    state = "ok" if sample.ok else f"FAILED ({len(sample.problems)} problem(s))"
    lines = [f"{sample.at:%Y-%m-%d %H:%M:%S %Z}  {sample.url}  {state}"]
    lines.append("  health   " + _call_text(sample.health.status, sample.health.seconds))
    if sample.draws is not None:
        newest = f", newest {sample.latest_draw_no}" if sample.latest_draw_no else ""
        when = (
            f" of {sample.latest_draw_date} ({sample.draw_age_days} days ago)"
            if sample.latest_draw_date
            else ""
        )
        lines[-1] += f": {sample.draws} draws{newest}{when}"
    lines.append("  predict  " + _call_text(sample.predict.status, sample.predict.seconds))
    if sample.predict_average_seconds is not None:
        lines[-1] += f", average {sample.predict_average_seconds:.3f} s"
    percent = sample.memory_percent
    memory = (
        f"{format_bytes(sample.memory_used_bytes)} of {format_bytes(sample.memory_limit_bytes)} "
        f"({percent:.1f} %)"
        if percent is not None
        else "not reported"
    )
    lines.append(f"  memory   {memory}")
    lines += [f"  FAIL     {problem}" for problem in sample.problems]
    lines += [f"  alert    {text}" for text in sample.notified]
    for line in lines:
        console.print(line, markup=False, highlight=False, soft_wrap=True)


def _call_text(status: int | None, seconds: float | None) -> str:
    if status is None:
        return "no answer"
    return f"HTTP {status} in {seconds or 0:.3f} s"


def register(app: typer.Typer) -> None:
    """Add ``monitor`` to the root command."""
    app.add_typer(monitor_app, name="monitor")
