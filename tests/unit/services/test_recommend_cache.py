"""The per-process cache of stored recommendations."""

import gc
from dataclasses import replace
from datetime import date
from typing import Any

from jinlotto.services.recommend import DailyKey, DailyRecommendation, RecommendationCache


def _daily(strategy: str) -> DailyRecommendation:
    return DailyRecommendation(
        games=[{"numbers": [1, 2, 3, 4, 5, 6], "confidence": 0.5, "analysis": {}}],
        strategy=strategy,
        model_version=None,
        generated_for=date(2026, 3, 2),
        draw_no=1214,
        relaxed=[],
        generated_now=True,
    )


def _games() -> list[dict[str, Any]]:
    return [
        {
            "numbers": [3, 11, 19, 27, 38, 44],
            "confidence": 0.4375,
            "analysis": {"sum": 142, "zones": [1, 1, 1, 1, 2], "colours": [1, 1, 1, 1, 2]},
        }
        for _ in range(5)
    ]


def _key(visitor: str) -> DailyKey:
    return DailyKey(visitor, date(2026, 3, 2), "default:abc")


def test_the_least_recently_used_entry_leaves_first() -> None:
    cache = RecommendationCache(2)
    cache.put(_key("a"), _daily("statistical"))
    cache.put(_key("b"), _daily("uniform"))
    assert cache.get(_key("a")) is not None  # "a" is now the most recent
    cache.put(_key("c"), _daily("ml"))
    assert cache.get(_key("b")) is None
    assert cache.get(_key("a")) is not None and cache.get(_key("c")) is not None


def test_cached_copies_are_marked_as_read_back_and_size_zero_disables() -> None:
    cache = RecommendationCache(1)
    cache.put(_key("a"), _daily("statistical"))
    cached = cache.get(_key("a"))
    assert cached is not None and cached.generated_now is False
    assert cached.strategy == "statistical"
    off = RecommendationCache(0)
    off.put(_key("a"), _daily("statistical"))
    assert off.get(_key("a")) is None


def test_a_full_cache_adds_nothing_to_the_garbage_collectors_work() -> None:
    """Each full collection visits every tracked object: kept as nested dicts, a full cache
    paused the process for 40-100 ms at a time."""
    cache = RecommendationCache(1000)
    gc.collect()
    before = len(gc.get_objects())
    for visitor in range(1000):
        cache.put(_key(f"v{visitor}"), replace(_daily("unified"), games=_games(), relaxed=["sum"]))
    gc.collect()
    gc.collect()  # a tuple is untracked once a collection finds only untracked items in it
    assert len(gc.get_objects()) - before < 100
    cached = cache.get(_key("v999"))
    assert cached is not None and cached.games == _games() and cached.relaxed == ["sum"]
    cached.games[0]["numbers"].append(45)  # a caller's copy: the cache keeps its own
    assert cache.get(_key("v999")).games == _games()  # type: ignore[union-attr]
