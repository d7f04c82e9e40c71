"""Alerts and feedback to a Slack incoming webhook, when one is configured."""

import logging

import httpx

from jinlotto.config import Settings

logger = logging.getLogger(__name__)


def escape(text: str) -> str:
    """Text shown literally by Slack: no mentions, links or formatting from visitors' input."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def send_slack(settings: Settings, text: str) -> bool:
    """Post ``text`` to ``SLACK_WEBHOOK_URL``; ``False`` (and a log line) when not delivered.

    Notification failures never propagate: an unreachable Slack must not break the caller.
    """
    url = settings.slack_webhook_url.get_secret_value() if settings.slack_webhook_url else ""
    if not url:
        return False
    try:
        response = httpx.post(url, json={"text": text}, timeout=settings.http_timeout_seconds)
        response.raise_for_status()
    except httpx.HTTPError as error:
        logger.warning("Slack notification failed: %s", type(error).__name__)
        return False
    return True
