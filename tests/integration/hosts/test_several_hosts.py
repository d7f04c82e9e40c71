"""Three app hosts sharing nothing but a PostgreSQL database on a fourth, over a network of
namespaces (tests/support/hosts.py): they agree on every visitor's daily games, serve the model
trained on any one of them, see activations and rollbacks within seconds, and lose nothing when
one of them is killed mid-load."""

import itertools
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from tests.support import netns
from tests.support.hosts import Hosts

from jinlotto.db.models import RecommendationRecord

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(netns.unavailable() is not None, reason=str(netns.unavailable())),
]

# Seen within seconds: STATE_REFRESH_SECONDS is 1, and loading a model takes well under a second.
SEEN_WITHIN = 10.0
_visitor_numbers = itertools.count()


def new_visitor() -> str:
    return f"{next(_visitor_numbers):032d}"


def ask(url: str, visitor: str) -> dict[str, Any]:
    response = httpx.post(
        f"{url}/api/predict", json={}, headers={"cookie": f"jl_uid={visitor}"}, timeout=30
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def stored(hosts: Hosts) -> dict[str, list[list[int]]]:
    """Every stored row's games by visitor (each visitor asks with the default options)."""
    database = hosts.database()
    try:
        with database.sessions() as session:
            rows = session.scalars(select(RecommendationRecord)).all()
            by_visitor: dict[str, list[list[int]]] = {}
            for row in rows:
                assert row.visitor_key not in by_visitor, "two rows for one visitor and day"
                by_visitor[row.visitor_key] = [game["numbers"] for game in row.games]
            return by_visitor
    finally:
        database.close()


def served_model(hosts: Hosts, app: str) -> str | None:
    """The model a new visitor of ``app`` is answered with."""
    return ask(hosts.urls[app], new_visitor())["model_version"]


def wait_until_served(hosts: Hosts, model: str, apps: list[str]) -> float:
    """Seconds until every host in ``apps`` answers new visitors with ``model``."""
    started = time.monotonic()
    pending = set(apps)
    while pending:
        pending = {app for app in pending if served_model(hosts, app) != model}
        elapsed = time.monotonic() - started
        assert elapsed < SEEN_WITHIN, f"{sorted(pending)} still not serving {model}"
        time.sleep(0.1)
    return time.monotonic() - started


def trained(hosts: Hosts, app: str) -> str:
    result = hosts.run(app, "train", "--json")
    assert result.returncode == 0, result.stderr
    name: str = json.loads(result.stdout)["model_name"]
    return name


@pytest.fixture(scope="module")
def topology(
    tmp_path_factory: pytest.TempPathFactory, shared_draws_path: Path
) -> Iterator[tuple[Hosts, str]]:
    """The hosts serving, the model trained on app1 active; the test thread in the client
    namespace."""
    workdir = tmp_path_factory.mktemp("hosts")
    with Hosts(apps=3, workdir=workdir, draws=shared_draws_path) as hosts:
        # A model exists before the servers start, so none of them trains one by itself.
        first_model = trained(hosts, "app1")
        hosts.start()
        with hosts.network.inside("client"):
            yield hosts, first_model


@pytest.fixture
def hosts(topology: tuple[Hosts, str]) -> Hosts:
    return topology[0]


def test_concurrent_visitors_over_every_host_get_one_stored_set_each(hosts: Hosts) -> None:
    visitors = [new_visitor() for _ in range(12)]
    apps = list(hosts.urls)
    jobs = [(hosts.urls[apps[i % 3]], visitor) for visitor in visitors for i in range(6)]
    with ThreadPoolExecutor(max_workers=18) as pool:
        answers = list(pool.map(lambda job: ask(*job), jobs))
    rows = stored(hosts)
    for visitor in visitors:
        replies = [answer for (_, who), answer in zip(jobs, answers, strict=True) if who == visitor]
        assert len(replies) == 6 and all(reply == replies[0] for reply in replies)
        assert rows[visitor] == replies[0]["sets"]


def test_a_model_trained_and_switched_on_one_host_is_served_by_every_host(
    topology: tuple[Hosts, str],
) -> None:
    hosts, first = topology
    assert wait_until_served(hosts, first, list(hosts.urls)) < SEEN_WITHIN
    for app in ("app2", "app3"):  # served from the forecast the training host stored
        assert not (hosts.model_dir(app) / "trained" / f"{first}.pkl").exists()

    second = trained(hosts, "app2")
    assert second != first
    activation = wait_until_served(hosts, second, list(hosts.urls))
    listing = json.loads(hosts.run("app3", "models", "list", "--json").stdout)
    assert {(entry["name"], entry["in_database"], entry["cached"]) for entry in listing} == {
        (first, True, False),  # app3 serves both without either file
        (second, True, False),
    }

    result = hosts.run("app3", "models", "rollback", "--json")
    assert json.loads(result.stdout) == {"active": first}, result.stderr
    rollback = wait_until_served(hosts, first, list(hosts.urls))
    print(
        f"every host served the new model {activation:.1f} s after training ended there "
        f"and the previous one {rollback:.1f} s after a rollback on another host"
    )


def test_a_host_killed_mid_load_loses_no_answered_visitor(hosts: Hosts) -> None:
    answered: dict[str, list[list[int]]] = {}
    after_kill: list[tuple[str, int]] = []
    killed = threading.Event()
    lock = threading.Lock()

    def visit(app: str) -> None:
        for _ in range(40 if app != "app3" else 400):
            visitor = new_visitor()
            was_killed = killed.is_set()
            try:
                response = httpx.post(
                    f"{hosts.urls[app]}/api/predict",
                    json={},
                    headers={"cookie": f"jl_uid={visitor}"},
                    timeout=30,
                )
            except httpx.HTTPError:
                if app == "app3":
                    return  # the killed host stops answering
                raise
            with lock:
                if response.status_code == 200:
                    answered[visitor] = response.json()["sets"]
                if was_killed and app != "app3":
                    after_kill.append((app, response.status_code))
            if app == "app3" and killed.is_set():
                return

    with ThreadPoolExecutor(max_workers=6) as pool:
        futures = [pool.submit(visit, app) for app in ("app1", "app2", "app3") * 2]
        time.sleep(1.0)
        hosts.kill("app3")
        killed.set()
        for future in futures:
            future.result()
    rows = stored(hosts)
    assert answered and all(rows[visitor] == sets for visitor, sets in answered.items())
    assert after_kill and all(status == 200 for _, status in after_kill)
    assert {app for app, _ in after_kill} == {"app1", "app2"}
