"""The page's first load in headless Chromium, and ticket photo scans, against ``jinlotto serve``.

Setup: Debian's ``chromium`` (``apt-get install chromium``). Run:
``uv run python benchmarks/bench_page.py [--loads 5] [--scans 20]``.

It imports the shared draws 1-1200 into a temporary SQLite database, starts ``jinlotto serve``
(one worker, ``ENABLE_ML=false``) and prints:

- first load of ``/`` by a new visitor: bytes of HTML, JavaScript, CSS and fonts (images and
  API data excluded, API data printed apart) as sent (gzip) and uncompressed, from the browser's
  resource timing;
- time from navigation start to DOM interactive, to today's numbers on screen, and to every
  section loaded (median and worst of ``--loads`` fresh browser contexts);
- ``POST /api/tickets/scan`` of a 12-megapixel (4000x3000) JPEG phone photo of a ticket: median
  and p95 round trip on 127.0.0.1.

Goals: first load <= 150 kB uncompressed and <= 60 kB compressed; interactive in under 1 s;
scan of a 12-megapixel photo under 300 ms.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Page, sync_playwright

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))  # the ticket photo maker lives with the tests

from tests.support.processes import free_port, wait_healthy  # noqa: E402
from tests.support.ticket_photos import ticket_photo, ticket_url  # noqa: E402

SHARED = REPO_ROOT.parent / "shared" / "data" / "lotto645_draws.json"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PAGE_TYPES = {"navigation", "script", "link", "css", "font", "other"}
IMAGE_SUFFIXES = (".png", ".svg", ".ico", ".webp", ".jpg")

RESOURCES = """() => performance.getEntriesByType('navigation').concat(
    performance.getEntriesByType('resource')).map((entry) => ({
        name: entry.name, type: entry.initiatorType,
        sent: entry.encodedBodySize, raw: entry.decodedBodySize}))"""


def load_once(page: Page, url: str) -> dict[str, Any]:
    """One first visit: sizes by kind and the times that matter to a visitor."""
    page.goto(url)
    page.wait_for_function("() => document.body.dataset.todayReady === '1'", polling="raf")
    numbers_ms = page.evaluate("performance.now()")
    page.wait_for_function("() => document.body.dataset.ready === '1'", polling="raf")
    ready_ms = page.evaluate("performance.now()")
    timing = page.evaluate("performance.getEntriesByType('navigation')[0].domInteractive")
    entries = page.evaluate(RESOURCES)
    shell = [
        e
        for e in entries
        if e["type"] in PAGE_TYPES
        and "/api/" not in e["name"]
        and not e["name"].endswith(IMAGE_SUFFIXES)
    ]
    api = [e for e in entries if "/api/" in e["name"]]
    return {
        "sent": sum(e["sent"] for e in shell),
        "raw": sum(e["raw"] for e in shell),
        "files": len(shell),
        "names": sorted(e["name"].rsplit("/", 1)[-1] or "/" for e in shell),
        "api_sent": sum(e["sent"] for e in api),
        "dom_interactive_ms": timing,
        "numbers_ms": numbers_ms,
        "ready_ms": ready_ms,
    }


def measure_page(url: str, loads: int) -> None:
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        runs = []
        for _ in range(loads + 1):  # the first run warms the server's caches
            context = browser.new_context(viewport={"width": 390, "height": 844})
            runs.append(load_once(context.new_page(), url))
            context.close()
        browser.close()
    runs = runs[1:]
    first = runs[0]
    print(
        f"first load of /: {first['files']:.0f} files, {first['raw'] / 1000:.1f} kB uncompressed,"
        f" {first['sent'] / 1000:.1f} kB sent (gzip); API data {first['api_sent'] / 1000:.1f} kB"
    )
    print(f"  files: {', '.join(first['names'])}")
    for key, label in (
        ("dom_interactive_ms", "DOM interactive"),
        ("numbers_ms", "today's numbers shown"),
        ("ready_ms", "every section loaded"),
    ):
        values = [run[key] for run in runs]
        print(f"{label}: median {statistics.median(values):.0f} ms, worst {max(values):.0f} ms")


def measure_scan(url: str, scans: int) -> None:
    ticket = ticket_url(1200, [[1, 2, 4, 16, 20, 45], [3, 9, 18, 27, 36, 44]], kind="q")
    photo = ticket_photo(ticket, size=(4000, 3000), angle=6.0, grain=6)
    files = {"image": ("ticket.jpg", photo, "image/jpeg")}
    with httpx.Client(base_url=url, timeout=30) as client:
        assert client.post("/api/tickets/scan", files=files).status_code == 200  # warm up
        times = []
        for _ in range(scans):
            started = time.perf_counter()
            response = client.post("/api/tickets/scan", files=files)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.text
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(
        f"scan of a 12-megapixel photo ({len(photo) / 1e6:.1f} MB JPEG): "
        f"median {statistics.median(times):.0f} ms, p95 {p95:.0f} ms over {scans}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--scans", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        env = os.environ | {
            "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.db'}",
            "ENABLE_ML": "false",
            "MODEL_DIR": str(Path(folder) / "models"),
        }
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "jinlotto", "serve", "--port", str(port)]
        process = subprocess.Popen(
            [*command, "--import", str(SHARED)],
            env=env,
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_healthy(url, process)
            measure_page(url + "/", args.loads)
            measure_scan(url, args.scans)
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
