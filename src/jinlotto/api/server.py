"""Running the application: one uvicorn process, or gunicorn with uvicorn workers.

``gunicorn.conf.py`` at the repository root reuses :func:`gunicorn_options` and the hooks here,
so ``jinlotto serve --workers N`` and a plain ``gunicorn -c gunicorn.conf.py`` behave alike.

Gunicorn builds the application once in the master (``preload_app``) and forks the workers
from it: they start without importing anything, and share the imported code and data (numpy,
SQLAlchemy, FastAPI: most of a worker's memory) page for page until one writes to it. Nothing
opens a connection or a thread before the fork; each worker's lifespan does. scikit-learn is
not imported: workers serve a model from its stored forecast (``jinlotto.services.models``).
"""

import gc
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

from jinlotto.config import MULTIPROC_ENV, get_settings
from jinlotto.logging import configure_logging

logger = logging.getLogger(__name__)

APP_FACTORY = "jinlotto.api.server:app_from_environment"
# A request allocates a few hundred objects that live for milliseconds. Collected every 700
# allocations (Python's default), those of the requests in flight survive, are promoted and
# scanned again and again; every 10,000, most are freed first. In seven pairs of runs taken in
# turn, six had the lower worker CPU per new visitor with it: 0.92-1.14 ms against 1.08-1.41 ms.
YOUNG_GENERATION_THRESHOLD = 10_000


def app_from_environment() -> FastAPI:
    """The application for the settings in the environment (what every worker serves)."""
    from jinlotto.api.app import create_app

    settings = get_settings()
    configure_logging(settings)
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, *gc.get_threshold()[1:])
    return create_app(settings)


def prepare_metrics_directory() -> str:
    """Point prometheus-client's multiprocess mode at an empty directory (before any worker)."""
    directory = Path(os.environ.get(MULTIPROC_ENV) or tempfile.mkdtemp(prefix="jinlotto-metrics-"))
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):  # files of an earlier run would be summed in
        stale.unlink()
    os.environ[MULTIPROC_ENV] = str(directory)
    return str(directory)


def child_exit(_server: Any, worker: Any) -> None:
    """Gunicorn hook: drop the live gauges of a worker that exited."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


def uvicorn_protocol(max_header_bytes: int) -> dict[str, Any]:
    """The HTTP parser: h11, the one uvicorn parser that caps how much of a request head it
    buffers (httptools reads a 10 MB Cookie header whole); a larger head gets 400."""
    return {"http": "h11", "h11_max_incomplete_event_size": max_header_bytes}


def pre_fork(_server: Any, _worker: Any) -> None:
    """Gunicorn hook: keep the garbage collector off the master's objects in the workers, so
    that its bookkeeping writes do not copy the shared pages (the gunicorn documentation's
    advice for ``preload_app``)."""
    gc.freeze()


def gunicorn_options(host: str, port: int, workers: int) -> dict[str, Any]:
    """Gunicorn settings shared by ``jinlotto serve`` and ``gunicorn.conf.py``."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "jinlotto.api.worker.Worker",
        "timeout": 120,
        "graceful_timeout": 30,
        "keepalive": 5,
        "accesslog": None,
        "preload_app": True,
        "pre_fork": pre_fork,
        "child_exit": child_exit,
    }


class GunicornServer(BaseApplication):  # type: ignore[misc]  # gunicorn ships no types
    """Gunicorn driven from Python with the options above."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> FastAPI:
        return app_from_environment()


def run(host: str, port: int, workers: int) -> None:
    """Serve until interrupted."""
    if workers <= 1:
        import uvicorn

        uvicorn.run(
            APP_FACTORY,
            factory=True,
            host=host,
            port=port,
            log_config=None,
            access_log=False,
            **uvicorn_protocol(get_settings().max_header_bytes),
        )
        return
    prepare_metrics_directory()
    GunicornServer(gunicorn_options(host, port, workers)).run()
