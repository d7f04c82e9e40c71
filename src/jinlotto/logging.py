"""Logging set-up: readable lines in development, JSON lines in production."""

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from jinlotto.config import Settings


def configure_logging(settings: Settings) -> None:
    """Install one stderr handler on the root logger according to the settings."""
    handler = logging.StreamHandler(sys.stderr)
    if settings.environment == "production":
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level.upper())
    # Alembic narrates every migration check and httpx every request at INFO; only their
    # warnings matter to users.
    for chatty in ("alembic", "httpx"):
        logging.getLogger(chatty).setLevel(max(root.level, logging.WARNING))
