"""Gunicorn settings for production: ``gunicorn -c gunicorn.conf.py``.

Address, port and workers are the settings ``HOST``, ``PORT`` and ``WEB_CONCURRENCY``.
The application, worker class and metrics hooks are the ones ``jinlotto serve --workers N`` uses.
"""

from jinlotto.api.server import APP_FACTORY, gunicorn_options, prepare_metrics_directory
from jinlotto.config import get_settings

prepare_metrics_directory()
settings = get_settings()
globals().update(gunicorn_options(settings.host, settings.port, settings.web_concurrency))
wsgi_app = f"{APP_FACTORY}()"
