"""Gunicorn settings for production: ``gunicorn -c gunicorn.conf.py``.

Environment: ``HOST`` (default 0.0.0.0), ``PORT`` (8000), ``WEB_CONCURRENCY`` (workers, 2).
The application, worker class and metrics hooks are the ones ``jinlotto serve --workers N`` uses.
"""

import os

from jinlotto.api.server import APP_FACTORY, gunicorn_options, prepare_metrics_directory

prepare_metrics_directory()
globals().update(
    gunicorn_options(
        os.environ.get("HOST", "0.0.0.0"),  # noqa: S104 - a container listens on every interface
        int(os.environ.get("PORT", "8000")),
        int(os.environ.get("WEB_CONCURRENCY", "2")),
    )
)
wsgi_app = f"{APP_FACTORY}()"
