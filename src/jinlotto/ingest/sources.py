"""Draws from outside sources: the official site (current or legacy interface) and mirrors."""

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import httpx

from jinlotto.domain.draw import Draw
from jinlotto.errors import DataSourceError, FileFormatError, InvalidDrawError
from jinlotto.ingest import legacy, official
from jinlotto.ingest.client import PoliteClient
from jinlotto.ingest.mirror import parse_mirror_array

logger = logging.getLogger(__name__)

FetchOutcome = Draw | None | DataSourceError
"""A fetched draw, ``None`` when the source has not held it yet, or why it failed."""


def is_legacy_url(url: str) -> bool:
    """Whether a URL names the legacy interface (``common.do?method=getLottoNumber``)."""
    return legacy.URL_MARKER in url


def source_name(url: str) -> str:
    """The name stored with draws fetched from an official URL."""
    return "official-legacy" if is_legacy_url(url) else "official"


def _draw_param(url: str) -> str:
    return legacy.DRAW_PARAM if is_legacy_url(url) else official.DRAW_PARAM


def draw_url(url: str, draw_no: int) -> str:
    """The URL that asks an official endpoint for draw ``draw_no`` (as errors show it)."""
    return str(httpx.URL(url).copy_merge_params({_draw_param(url): draw_no}))


def fetch_official_draw(client: PoliteClient, url: str, draw_no: int) -> Draw | None:
    """Draw ``draw_no`` from an official URL, ``None`` if not held yet.

    A reply that is not a valid draw raises :class:`DataSourceError` naming the URL.
    """
    payload = client.get_json(url, {_draw_param(url): draw_no})
    try:
        if is_legacy_url(url):
            draw = legacy.parse_legacy_reply(payload)
        else:
            draw = official.parse_official_reply(payload, draw_no)
    except (FileFormatError, InvalidDrawError) as error:
        shown = draw_url(url, draw_no)
        detail = error.detail if isinstance(error.detail, dict) else {}
        raise DataSourceError(
            f"{shown}: {error.message}", detail={"url": shown, **detail}
        ) from error
    if draw is not None and draw.draw_no != draw_no:
        raise DataSourceError(f"{url}: asked for draw {draw_no}, got draw {draw.draw_no}")
    return draw


def fetch_official_draws(
    client: PoliteClient, url: str, draw_nos: Sequence[int], *, concurrency: int
) -> list[FetchOutcome]:
    """Outcomes for ``draw_nos`` in the same order, at most ``concurrency`` requests at once."""

    def outcome(draw_no: int) -> FetchOutcome:
        try:
            return fetch_official_draw(client, url, draw_no)
        except DataSourceError as error:
            logger.warning("draw %d: %s", draw_no, error.message)
            return error

    if len(draw_nos) == 1:
        return [outcome(draw_nos[0])]
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="fetch") as pool:
        return list(pool.map(outcome, draw_nos))


def fetch_mirror(client: PoliteClient, url: str) -> list[Draw]:
    """Every draw of a mirror document (a JSON array in the shared file's format)."""
    payload = client.get_json(url)
    try:
        return parse_mirror_array(payload)
    except (FileFormatError, InvalidDrawError) as error:
        raise DataSourceError(f"{url}: {error.message}", detail={"url": url}) from error
