"""Descriptive statistics of the draw history for ``/api/analysis/statistical``.

They describe the past only. Draws are independent and uniform, so none of these figures changes
the chance of any number in the next draw; the expected values under uniform play are given
beside the observed ones so that readers can see how ordinary the deviations are.
"""

import threading
from collections import OrderedDict
from math import comb
from typing import Any

import numpy as np
from numpy.typing import NDArray

from jinlotto.backtest.audit import odd_count_probabilities, sum_probabilities
from jinlotto.domain import combos
from jinlotto.domain.history import History
from jinlotto.domain.prizes import TOTAL_COMBINATIONS

RECENT_DRAWS = 50
HOT_COLD_COUNT = 6
TOP_PAIRS = 10
SUM_BIN_WIDTH = 20
WINDOWS_KEPT = 8  # "last N draws" variants cached beside the whole history
HONEST_NOTE = (
    "These figures describe past draws only. Every draw is independent and uniformly random, "
    "so no number is 'due' and no pattern raises the chance of winning."
)


def statistics(history: History) -> dict[str, Any]:
    """Every statistic the analysis endpoint reports, from the whole history given."""
    if len(history) == 0:
        return {"draws": 0, "note": HONEST_NOTE}
    games = history.numbers
    presence = history.presence()
    recent = presence[-RECENT_DRAWS:]
    return {
        "draws": len(history),
        "first_draw_no": int(history.draw_nos[0]),
        "latest_draw_no": history.latest_draw_no,
        "note": HONEST_NOTE,
        "frequencies": _frequencies(presence),
        "hot_cold": _hot_cold(recent),
        "gaps": _gaps(presence),
        "top_pairs": _top_pairs(presence),
        "odd_even": _distribution(combos.odd_counts(games), 7, "odd"),
        "low_high": _distribution(combos.low_counts(games), 7, "low"),
        "sums": _sums(combos.sums(games)),
        "ac_values": _distribution(combos.ac_values(games), 11, "ac"),
        "end_digits": _end_digits(games),
        "zones": _labelled_totals(combos.zone_counts(games), combos.ZONE_LABELS),
        "colours": _labelled_totals(combos.colour_counts(games), combos.COLOUR_LABELS),
        "expected": _expected(len(history)),
    }


def _frequencies(presence: NDArray[np.bool_]) -> dict[str, Any]:
    counts = presence[:, 1:].sum(axis=0)
    return {
        "counts": {str(number): int(count) for number, count in enumerate(counts, start=1)},
        "expected_each": round(presence.shape[0] * 6 / 45, 2),
    }


def _hot_cold(recent: NDArray[np.bool_]) -> dict[str, Any]:
    counts = recent[:, 1:].sum(axis=0)
    order = np.argsort(-counts, kind="stable")
    return {
        "window": int(recent.shape[0]),
        "hot": [int(i) + 1 for i in order[:HOT_COLD_COUNT]],
        "cold": [int(i) + 1 for i in order[::-1][:HOT_COLD_COUNT]],
        "expected_each": round(recent.shape[0] * 6 / 45, 2),
    }


def _gaps(presence: NDArray[np.bool_]) -> dict[str, int | None]:
    """Draws since each number last won (``None`` if it never has)."""
    seen = presence[:, 1:].sum(axis=0) > 0
    since = np.argmax(presence[::-1, 1:], axis=0)  # rows back to the newest appearance
    return {
        str(number): (int(since[number - 1]) if seen[number - 1] else None)
        for number in range(1, 46)
    }


def _top_pairs(presence: NDArray[np.bool_]) -> list[dict[str, Any]]:
    matrix = presence[:, 1:].astype(np.int64)
    together = np.triu(matrix.T @ matrix, k=1)
    flat = np.argsort(-together, axis=None, kind="stable")[:TOP_PAIRS]
    rows, cols = np.unravel_index(flat, together.shape)
    return [
        {"pair": [int(r) + 1, int(c) + 1], "count": int(together[r, c])}
        for r, c in zip(rows, cols, strict=True)
    ]


def _distribution(values: NDArray[np.int64], size: int, name: str) -> dict[str, int]:
    counts = np.bincount(values, minlength=size)
    return {f"{name}_{value}": int(count) for value, count in enumerate(counts)}


def _sums(values: NDArray[np.int64]) -> dict[str, Any]:
    edges = np.arange(20, 261, SUM_BIN_WIDTH)
    counts, _ = np.histogram(values, bins=edges)
    return {
        "mean": round(float(values.mean()), 2),
        "expected_mean": 138.0,  # 6 × 23, the mean of a uniformly random game
        "bins": {
            f"{lo + 1}-{lo + SUM_BIN_WIDTH}": int(c) for lo, c in zip(edges, counts, strict=False)
        },
    }


def _end_digits(games: NDArray[np.int64]) -> dict[str, Any]:
    counts = np.bincount((games % 10).ravel(), minlength=10)
    return {
        "counts": {str(digit): int(count) for digit, count in enumerate(counts)},
        "max_shared": _distribution(combos.max_same_end_digit(games), 7, "shared"),
    }


def _expected(draws: int) -> dict[str, Any]:
    """What ``draws`` fair draws give on average, for each distribution above."""
    low = np.array([comb(combos.LOW_MAX, k) * comb(45 - combos.LOW_MAX, 6 - k) for k in range(7)])
    sums = sum_probabilities()
    edges = np.arange(20, 261, SUM_BIN_WIDTH)
    return {
        "odd_even": _scaled(odd_count_probabilities(), draws, "odd"),
        "low_high": _scaled(low / TOTAL_COMBINATIONS, draws, "low"),
        "sum_bins": {
            f"{lo + 1}-{lo + SUM_BIN_WIDTH}": round(draws * float(sums[lo + 1 : lo + 21].sum()), 2)
            for lo in edges[:-1]
        },
        # A number is drawn with chance 6/45, so it waits (45 - 6) / 6 draws on average.
        "gap_mean": round((45 - 6) / 6, 2),
        # Both numbers of a pair are drawn with chance C(43, 4) / C(45, 6) = 1/66.
        "pair_count": round(draws * comb(43, 4) / TOTAL_COMBINATIONS, 2),
    }


def _scaled(probabilities: NDArray[np.float64], draws: int, name: str) -> dict[str, float]:
    return {f"{name}_{k}": round(draws * float(p), 2) for k, p in enumerate(probabilities)}


def _labelled_totals(counts: NDArray[np.int64], labels: tuple[str, ...]) -> dict[str, int]:
    return {label: int(total) for label, total in zip(labels, counts.sum(axis=0), strict=True)}


class AnalysisCache:
    """Statistics of the newest history (or its last N draws), recomputed when a draw arrives."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: tuple[int, int | None] | None = None
        self._values: OrderedDict[int | None, dict[str, Any]] = OrderedDict()

    def get(self, history: History, *, last: int | None = None) -> dict[str, Any]:
        """Statistics of ``history`` (its newest ``last`` draws when given), reused while its
        draw count and newest draw are unchanged."""
        version = (len(history), history.latest_draw_no)
        window = None if last is None or last >= len(history) else last
        with self._lock:
            if self._version != version:
                self._values.clear()
                self._version = version
            if window not in self._values:
                self._values[window] = statistics(
                    history if window is None else history.last(window)
                )
                while len(self._values) > WINDOWS_KEPT:
                    self._values.popitem(last=False)
            self._values.move_to_end(window)
            return self._values[window]
