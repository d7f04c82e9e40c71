"""The recommender's caches: one build per name at a time, outside any lock, others answering."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from jinlotto.config import Settings
from jinlotto.errors import ServiceBusyError
from jinlotto.services.recommender import Fitted, default_strategy


def test_a_slow_build_of_one_name_never_holds_up_another_name() -> None:
    cache: Fitted[str] = Fitted()
    release = threading.Event()
    started = threading.Event()

    def slow_fit() -> str:
        started.set()
        release.wait(10)
        return "popularity fitted"

    with ThreadPoolExecutor(max_workers=2) as pool:
        cold = pool.submit(cache.get, "popularity", 1, slow_fit)
        assert started.wait(10)
        # While popularity is being fitted, statistical is built and answered at once.
        assert cache.get("statistical", 1, lambda: "statistical fitted") == "statistical fitted"
        assert not cold.done()
        release.set()
        assert cold.result(10) == "popularity fitted"


def test_one_build_per_name_and_the_old_value_while_a_new_version_builds() -> None:
    cache: Fitted[str] = Fitted()
    builds: list[int] = []
    release = threading.Event()
    started = threading.Event()
    assert cache.get("history", 1, lambda: "v1") == "v1"

    def rebuild() -> str:
        builds.append(2)
        started.set()
        release.wait(10)
        return "v2"

    with ThreadPoolExecutor(max_workers=4) as pool:
        builder = pool.submit(cache.get, "history", 2, rebuild)
        assert started.wait(10)
        # Others asking for version 2 meanwhile get version 1 and start no second build.
        waiting = [pool.submit(cache.get, "history", 2, rebuild) for _ in range(3)]
        assert [future.result(10) for future in waiting] == ["v1"] * 3
        release.set()
        assert builder.result(10) == "v2"
    assert builds == [2]
    assert cache.get("history", 2, rebuild) == "v2"


def test_callers_with_nothing_built_yet_wait_for_the_one_build() -> None:
    cache: Fitted[str] = Fitted()
    builds: list[str] = []
    release = threading.Event()

    def build() -> str:
        builds.append("built")
        release.wait(10)
        return "fitted"

    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(cache.get, "ml", 1, build) for _ in range(4)]
        release.set()
        assert [future.result(10) for future in futures] == ["fitted"] * 4
    assert builds == ["built"]


def test_a_waiter_gives_up_on_a_build_that_never_ends() -> None:
    cache: Fitted[str] = Fitted(wait_seconds=0.05)
    started, release = threading.Event(), threading.Event()

    def stuck() -> str:  # e.g. the first reading of a database that stopped answering
        started.set()
        release.wait(10)
        return "state"

    with ThreadPoolExecutor(max_workers=1) as pool:
        builder = pool.submit(cache.get, "state", 1, stuck)
        assert started.wait(10)
        with pytest.raises(ServiceBusyError, match="try again shortly"):
            cache.get("state", 1, stuck)
        release.set()
        assert builder.result(10) == "state"


def test_a_failed_build_is_raised_and_tried_again_next_time() -> None:
    cache: Fitted[str] = Fitted()

    def broken() -> str:
        raise RuntimeError("model file corrupt")

    with pytest.raises(RuntimeError, match="corrupt"):
        cache.get("ml", 1, broken)
    assert cache.get("ml", 1, lambda: "repaired") == "repaired"


@pytest.mark.parametrize(
    ("enable_ml", "active", "expected"),
    [(True, "lotto_model_1", "unified"), (True, None, "statistical"), (False, "m", "statistical")],
)
def test_the_default_strategy(enable_ml: bool, active: str | None, expected: str) -> None:
    settings = Settings(_env_file=None, enable_ml=enable_ml)  # type: ignore[call-arg]
    assert default_strategy(settings, active) == expected
