"""The page in headless Chromium (Debian's ``chromium``) against real ``jinlotto serve`` processes.

One server holds the shared draws 1-1200 and a stored backtest; another has an empty database.
Every test gets a fresh browser context (no cookies) whose requests are recorded: a test fails
when the page logs a console error, throws, or sends a request anywhere but 127.0.0.1.
"""

import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    ViewportSize,
    sync_playwright,
)
from tests.support.processes import free_port, wait_healthy
from tests.support.record import GAMES_1200, store_recommendation

from jinlotto.api.deps import VISITOR_COOKIE, VISITOR_KEY_BYTES
from jinlotto.config import Settings
from jinlotto.db.database import Database

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1366, "height": 900}
REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(os.environ.get("JINLOTTO_SCREENSHOTS", REPO_ROOT / "build" / "screenshots"))


@dataclass
class Server:
    """A running ``jinlotto serve``, the API paths it offers and the database it serves."""

    url: str
    paths: set[str]
    database_url: str


def _run(args: list[str], env: dict[str, str], cwd: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "jinlotto", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def _serve(folder: Path, *, draws: Path | None) -> Iterator[Server]:
    database_url = f"sqlite:///{folder / 'jinlotto.db'}"
    env = os.environ | {
        "DATABASE_URL": database_url,
        "ENABLE_ML": "false",
        "MODEL_DIR": str(folder / "models"),
        "LOTTO_API_URL": "http://127.0.0.1:9/unreachable",
        "ENVIRONMENT": "test",
        # The page polls health; on a CI machine running three test files on two cores a
        # SQLite probe has taken longer than the default half second (a 503 in the console).
        "HEALTH_TIMEOUT_SECONDS": "0.9",
    }
    if draws is not None:
        _run(["data", "import", str(draws)], env, folder)
        backtest = ["--from", "1181", "--to", "1200", "--tickets", "20"]
        _run(["backtest", *backtest, "--strategies", "uniform,statistical,popularity"], env, folder)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "jinlotto", "serve", "--port", str(port)],
        env=env,
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_healthy(url, process)
        paths = set(httpx.get(f"{url}/openapi.json").json()["paths"])
        yield Server(url=url, paths=paths, database_url=database_url)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, shared_draws_path: Path) -> Iterator[Server]:
    """``jinlotto serve`` over draws 1-1200 with a stored backtest of draws 1181-1200."""
    yield from _serve(tmp_path_factory.mktemp("served"), draws=shared_draws_path)


@pytest.fixture(scope="session")
def empty_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``jinlotto serve`` over an empty database."""
    yield from _serve(tmp_path_factory.mktemp("empty"), draws=None)


# Package scope: Playwright's sync API keeps an event loop running in the main thread until it
# stops, and the tests after these ones call asyncio.run().
@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless (``apt-get install chromium``; .ci/run installs it)."""
    if not CHROMIUM.exists() and shutil.which("chromium") is None:
        pytest.fail("Chromium is missing: install Debian's package with `apt-get install chromium`")
    launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@dataclass
class Watch:
    """What a page did that a user would notice: errors, and where its requests went."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    hosts: set[str] = field(default_factory=set)
    api_calls: list[str] = field(default_factory=list)


class PageFactory:
    """Opens pages in fresh contexts (no cookies), each watched, all checked at the end."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.watches: list[Watch] = []
        self.contexts: list[BrowserContext] = []
        self.refusals: set[str] = set()

    def allow_refusal(self, path: str) -> None:
        """A test that provokes a 4xx on ``path`` on purpose: Chromium logs it as an error."""
        self.refusals.add(path)

    def open(
        self,
        server: Server,
        *,
        viewport: ViewportSize = PHONE,
        path: str = "/",
        visitor_key: str | None = None,
    ) -> Page:
        """A visitor's page, loaded until every section has started: a new visitor, or the one
        whose ``jl_uid`` cookie holds ``visitor_key``."""
        context = self.browser.new_context(viewport=viewport)
        if visitor_key is not None:
            context.add_cookies([{"name": VISITOR_COOKIE, "value": visitor_key, "url": server.url}])
        self.contexts.append(context)
        page = context.new_page()
        watch = Watch()
        self.watches.append(watch)
        page.on("console", lambda message: self._console(watch, server, message))
        page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
        page.on("request", lambda request: _request(watch, request.url))
        page.goto(server.url + path)
        page.wait_for_selector("body[data-ready='1']", timeout=20_000)
        return page

    def watch(self, index: int = -1) -> Watch:
        return self.watches[index]

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        for watch in self.watches:
            assert watch.page_errors == []
            assert watch.console_errors == []
            assert watch.hosts <= {"127.0.0.1"}, f"requests left the machine: {watch.hosts}"

    def _console(self, watch: Watch, server: Server, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        path = urlsplit(message.location.get("url", "")).path
        refused = message.text.startswith("Failed to load resource: the server responded")
        # An endpoint this server does not offer yet answers 404 and the page works without
        # it, but Chromium still logs the 404.
        missing = "status of 404" in message.text and path not in server.paths
        if refused and path.startswith("/api/") and (missing or path in self.refusals):
            return
        watch.console_errors.append(f"{message.text} ({path})")


def _request(watch: Watch, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob"):
        return
    watch.hosts.add(parts.hostname or "")
    if parts.path.startswith("/api/"):
        watch.api_calls.append(parts.path + (f"?{parts.query}" if parts.query else ""))


@pytest.fixture
def pages(browser: Browser) -> Iterator[PageFactory]:
    """Open watched pages; after the test, none may have logged an error or left 127.0.0.1."""
    factory = PageFactory(browser)
    yield factory
    factory.close()


def new_visitor() -> str:
    """A visitor key as the server mints it, for a test to seed rows and set the cookie."""
    return secrets.token_urlsafe(VISITOR_KEY_BYTES)


def seed_numbers_for_draw_1200(server: Server, visitor_key: str) -> None:
    """Store the five games a visitor received on the Thursday before draw 1200, as the daily
    recommendation service stores them (ungraded: the weekly job has not run)."""
    settings = Settings(_env_file=None, environment="test", database_url=server.database_url)  # type: ignore[call-arg]
    database = Database.open(settings)
    try:
        store_recommendation(
            database,
            visitor_key=visitor_key,
            draw_no=1200,
            created_at=datetime(2025, 11, 27, 3, 0, tzinfo=UTC),
            games=GAMES_1200[:5],
        )
    finally:
        database.close()


def screenshot(page: Page, name: str) -> Path:
    """Save a screenshot of what the visitor sees now under ``build/screenshots``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
