"""Draw history as numpy arrays: what strategies, backtests and analyses read."""

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from jinlotto.domain.draw import TIERS, Draw, PrizeTier
from jinlotto.domain.prizes import PRICE_CHANGE_DRAW


@dataclass(frozen=True, slots=True)
class History:
    """Draws in ascending draw order as parallel arrays.

    ``numbers`` is ``(n, 6)`` sorted ascending; ``winners`` and ``prizes`` are ``(n, 5)`` for
    tiers 1..5 with ``-1`` where unknown; ``sales`` is KRW with ``-1`` where unknown.
    ``first_auto``, ``first_semi_auto`` and ``first_manual`` split the 1st-prize winners by how
    their games were chosen (machine, part machine, by hand), ``-1`` where unpublished.
    Slicing with :meth:`before` is the only way strategies see the past, so nothing they
    compute for draw t can include draw t.
    """

    draw_nos: NDArray[np.int64]
    dates: NDArray[np.datetime64]
    numbers: NDArray[np.int64]
    bonus: NDArray[np.int64]
    winners: NDArray[np.int64]
    prizes: NDArray[np.int64]
    sales: NDArray[np.int64]
    first_auto: NDArray[np.int64]
    first_semi_auto: NDArray[np.int64]
    first_manual: NDArray[np.int64]

    @classmethod
    def from_draws(cls, draws: Iterable[Draw]) -> "History":
        """Build arrays from draws (any order; sorted by draw number here)."""
        ordered = sorted(draws, key=lambda draw: draw.draw_no)
        count = len(ordered)

        def known(value: int | None) -> int:
            return -1 if value is None else value

        return cls(
            draw_nos=np.array([d.draw_no for d in ordered], dtype=np.int64),
            dates=np.array([d.draw_date for d in ordered], dtype="datetime64[D]"),
            numbers=np.array([d.numbers for d in ordered], dtype=np.int64).reshape(count, 6),
            bonus=np.array([d.bonus_no for d in ordered], dtype=np.int64),
            winners=np.array(
                [[known(t.winners) for t in d.tiers] for d in ordered], dtype=np.int64
            ).reshape(count, TIERS),
            prizes=np.array(
                [[known(t.prize) for t in d.tiers] for d in ordered], dtype=np.int64
            ).reshape(count, TIERS),
            sales=np.array([known(d.total_sales) for d in ordered], dtype=np.int64),
            first_auto=np.array([known(d.first_auto) for d in ordered], dtype=np.int64),
            first_semi_auto=np.array([known(d.first_semi_auto) for d in ordered], dtype=np.int64),
            first_manual=np.array([known(d.first_manual) for d in ordered], dtype=np.int64),
        )

    def __len__(self) -> int:
        return int(self.draw_nos.shape[0])

    def _take(self, rows: slice) -> "History":
        return History(
            draw_nos=self.draw_nos[rows],
            dates=self.dates[rows],
            numbers=self.numbers[rows],
            bonus=self.bonus[rows],
            winners=self.winners[rows],
            prizes=self.prizes[rows],
            sales=self.sales[rows],
            first_auto=self.first_auto[rows],
            first_semi_auto=self.first_semi_auto[rows],
            first_manual=self.first_manual[rows],
        )

    def before(self, draw_no: int) -> "History":
        """The draws strictly before ``draw_no``: all a model for that draw may see."""
        end = int(np.searchsorted(self.draw_nos, draw_no, side="left"))
        return self._take(slice(0, end))

    def last(self, count: int) -> "History":
        """The newest ``count`` draws."""
        return self._take(slice(max(len(self) - count, 0), len(self)))

    @property
    def latest_draw_no(self) -> int | None:
        """Number of the newest draw, ``None`` for an empty history."""
        return int(self.draw_nos[-1]) if len(self) else None

    def draw_at(self, row: int) -> Draw:
        """The draw at ``row`` as a domain object (``-1`` back to unknown)."""

        def known(value: np.int64) -> int | None:
            return None if value < 0 else int(value)

        numbers = tuple(int(number) for number in self.numbers[row])
        return Draw(
            draw_no=int(self.draw_nos[row]),
            draw_date=self.dates[row].astype(object),
            numbers=(numbers[0], numbers[1], numbers[2], numbers[3], numbers[4], numbers[5]),
            bonus_no=int(self.bonus[row]),
            tiers=tuple(
                PrizeTier(winners=known(self.winners[row, k]), prize=known(self.prizes[row, k]))
                for k in range(TIERS)
            ),
            total_sales=known(self.sales[row]),
            first_auto=known(self.first_auto[row]),
            first_semi_auto=known(self.first_semi_auto[row]),
            first_manual=known(self.first_manual[row]),
        )

    def latest_with_sales(self) -> int | None:
        """Row of the newest draw with known sales at today's price (from draw 88), if any."""
        rows = np.flatnonzero((self.sales > 0) & (self.draw_nos >= PRICE_CHANGE_DRAW))
        return int(rows[-1]) if rows.size else None

    def presence(self) -> NDArray[np.bool_]:
        """``(n, 46)`` boolean matrix: ``presence[i, k]`` is true when number k won in draw i.

        Column 0 is always false so that a number indexes its own column.
        """
        matrix = np.zeros((len(self), 46), dtype=np.bool_)
        rows = np.repeat(np.arange(len(self)), 6)
        matrix[rows, self.numbers.ravel()] = True
        return matrix
