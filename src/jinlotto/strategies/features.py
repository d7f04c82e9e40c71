"""Features of the ``ml`` strategy, one row per draw, built only from that draw and earlier ones.

Row t (describing the history up to and including draw t, used to predict draw t + 1):

- ``pos{p}_ma5`` / ``pos{p}_ma10`` for sorted positions p = 1..6: the mean number at that
  position over the last 5 / 10 draws;
- ``freq_1`` ... ``freq_45``: how often each number was drawn in the last ``window`` draws
  (a share: wins divided by the draws in the window);
- ``odd_count``: how many numbers of draw t are odd.

Rows exist from the 10th draw on (the 10-draw average needs 10 draws).
"""

import numpy as np
from numpy.typing import NDArray

from jinlotto.domain import combos
from jinlotto.domain.history import History

FloatArray = NDArray[np.float64]
MIN_DRAWS = 10
DEFAULT_WINDOW = 50

FEATURE_NAMES: tuple[str, ...] = (
    *(f"pos{p}_ma{span}" for span in (5, 10) for p in range(1, 7)),
    *(f"freq_{k}" for k in range(1, 46)),
    "odd_count",
)


def _trailing_means(values: FloatArray, span: int) -> FloatArray:
    """Mean of the last ``span`` rows at every row from ``span - 1`` on (cumulative sums)."""
    totals = np.cumsum(np.vstack([np.zeros((1, values.shape[1])), values]), axis=0)
    means: FloatArray = (totals[span:] - totals[:-span]) / span
    return means


def feature_matrix(history: History, window: int = DEFAULT_WINDOW) -> FloatArray:
    """``(len(history) - 9, 58)`` features of draws 10..n (row i describes draw i + 10).

    An empty matrix when the history holds fewer than ``MIN_DRAWS`` draws.
    """
    count = len(history)
    if count < MIN_DRAWS:
        return np.zeros((0, len(FEATURE_NAMES)))
    numbers = history.numbers.astype(np.float64)
    ma5 = _trailing_means(numbers, 5)[MIN_DRAWS - 5 :]
    ma10 = _trailing_means(numbers, 10)
    presence = np.vstack([np.zeros((1, 45)), history.presence()[:, 1:].astype(np.float64)])
    totals = np.cumsum(presence, axis=0)[MIN_DRAWS:]  # wins up to and including each row
    rows = np.arange(MIN_DRAWS, count + 1)
    starts = np.maximum(rows - window, 0)
    in_window = totals - np.cumsum(presence, axis=0)[starts]
    frequencies = in_window / (rows - starts)[:, np.newaxis]
    odd = combos.odd_counts(history.numbers[MIN_DRAWS - 1 :]).astype(np.float64)
    return np.hstack([ma5, ma10, frequencies, odd[:, np.newaxis]])


def training_set(
    history: History, window: int = DEFAULT_WINDOW
) -> tuple[FloatArray, NDArray[np.int64]]:
    """Features of each draw and the next draw's sorted numbers ``(samples, 6)`` as targets."""
    features = feature_matrix(history, window)[:-1]
    targets = history.numbers[MIN_DRAWS:]
    return features, targets.astype(np.int64)


def latest_features(history: History, window: int = DEFAULT_WINDOW) -> FloatArray:
    """``(1, 58)`` features of the newest draw: the input for predicting the next draw.

    Only the newest ``max(window, 10)`` draws are read, so this is cheap on any history.
    """
    recent = history.last(max(window, MIN_DRAWS))
    return feature_matrix(recent, window)[-1:]
