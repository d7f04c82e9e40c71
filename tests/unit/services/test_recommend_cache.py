"""The per-process cache of stored recommendations."""

from datetime import date

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
