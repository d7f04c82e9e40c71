"""The strategy contract: a scikit-learn style estimator that turns a history into games.

A strategy's ``__init__`` only stores keyword hyperparameters (always ``random_state``);
``fit(history)`` learns everything from ``history`` and returns ``self``; fitted attributes end
in ``_``. Because everything a strategy uses comes from the history given to ``fit``, a backtest
that fits on ``history.before(t)`` cannot look ahead.

Subclasses implement ``_fit`` and ``number_probabilities``; they may override ``sample`` (a
faster or structured sampler), ``consensus`` and ``diversity_mask``.
"""

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Self

import numpy as np
from numpy.typing import NDArray

from jinlotto.domain import combos
from jinlotto.domain.history import History
from jinlotto.errors import InvalidFilterError, ModelError
from jinlotto.strategies.analysis import analyse, build_context
from jinlotto.strategies.confidence import ConfidenceWeights, confidences, number_shares
from jinlotto.strategies.filters import SHAPE_FILTERS, FilterContext, Filters

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

# Candidates per try start small (a few games rarely need more) and double on every try that
# comes up short: up to 16,320 candidates per relaxation stage before moving to the next, which
# bounds the search under filters that cannot be met jointly to a few milliseconds of CPU
# (``benchmarks/bench_engine.py`` measures it). A filter set met by fewer than about one game
# in 3,000 is relaxed.
FIRST_BATCH, LARGEST_BATCH = 64, 8192
MAX_TRIES = 8
TOP_CANDIDATES = 8  # "top candidates" for the consensus ratio
STAGE_DIVERSITY, STAGE_SHAPE, STAGE_UNWEIGHTED = 1, 2, 3


@dataclass(frozen=True, slots=True)
class Game:
    """One recommended game: six ascending numbers, its confidence and its analysis."""

    numbers: tuple[int, ...]
    confidence: float
    analysis: dict[str, object]


@dataclass(slots=True)
class Recommendation:
    """Games from one strategy, with the relaxation stage that was needed to find them.

    ``relaxation_stage`` is 0 when the filters were met as given, 1 when the strategy's
    diversity constraints were dropped, 2 when the shape filters were dropped too and 3 when the
    strategy's weights were ignored as well (see ``jinlotto.strategies.filters``); ``relaxed``
    names what was relaxed.
    """

    games: list[Game]
    strategy: str
    relaxation_stage: int
    relaxed: list[str]


def relaxation_stage(relaxed: Sequence[str]) -> int:
    """The stage a :attr:`Recommendation.relaxed` list was reached at (0 when nothing was)."""
    if "strategy_weights" in relaxed:
        return STAGE_UNWEIGHTED
    if any(name in SHAPE_FILTERS for name in relaxed):
        return STAGE_SHAPE
    return STAGE_DIVERSITY if "diversity" in relaxed else 0


def gumbel_noise(rng: np.random.Generator, shape: tuple[int, int]) -> FloatArray:
    """Standard Gumbel keys: ``-log(E)`` of standard exponentials is exactly Gumbel(0, 1), and
    numpy draws exponentials (ziggurat) three times faster than it draws Gumbels."""
    noise: FloatArray = -np.log(rng.standard_exponential(shape))
    return noise


def gumbel_games(
    log_weights: FloatArray, m: int, rng: np.random.Generator, fixed: tuple[int, ...] = ()
) -> IntArray:
    """``m`` ascending games: ``fixed`` plus numbers drawn without replacement by weight.

    ``log_weights`` is ``(45,)``; ``-inf`` marks numbers that must not be drawn. Adding Gumbel
    noise and keeping the largest keys samples without replacement in proportion to the weights;
    when every drawable number weighs the same, plain uniform keys do the same, faster.
    """
    need = 6 - len(fixed)
    drawable = np.isfinite(log_weights)
    if np.ptp(log_weights[drawable]) == 0:
        keys = np.where(drawable, rng.random((m, 45)), -np.inf)
    else:
        keys = log_weights[np.newaxis, :] + gumbel_noise(rng, (m, 45))
    games = np.argpartition(-keys, need - 1, axis=1)[:, :need] + 1  # at most 5 are fixed
    if fixed:
        held = np.broadcast_to(np.asarray(fixed, dtype=np.int64), (m, len(fixed)))
        games = np.concatenate([held, games], axis=1)
    return np.sort(games, axis=1).astype(np.int64)


def uniform_games(m: int, rng: np.random.Generator) -> IntArray:
    """``(m, 6)`` uniformly random ascending games (the smallest 6 of 45 random keys)."""
    keys = rng.random((m, 45))
    return np.sort(np.argpartition(keys, 5, axis=1)[:, :6] + 1, axis=1).astype(np.int64)


class Strategy(ABC):
    """Base of every recommender (see the module docstring for the contract)."""

    name: ClassVar[str]
    has_diversity: ClassVar[bool] = False
    candidates_per_game: int = 1  # candidates :meth:`_choose` needs for each game it keeps

    def __init__(
        self,
        *,
        random_state: int | None = None,
        confidence_weights: ConfidenceWeights | None = None,
    ) -> None:
        self.random_state = random_state
        self.confidence_weights = confidence_weights

    def fit(self, history: History) -> Self:
        """Learn from ``history`` (draws in ascending order) and return ``self``."""
        self.context_: FilterContext = build_context(history)
        self._fit(history)
        # What every request would otherwise recompute from the fixed probabilities.
        probabilities = self.number_probabilities()
        self.log_weights_: FloatArray = _log_weights(probabilities)
        order = np.argsort(-probabilities, kind="stable")[:TOP_CANDIDATES]
        self.top_numbers_: IntArray = order[probabilities[order] > 1 / 45 + 1e-12] + 1
        return self

    @abstractmethod
    def _fit(self, history: History) -> None:
        """Learn the strategy's own fitted attributes from ``history``."""

    @abstractmethod
    def number_probabilities(self) -> FloatArray:
        """``(45,)`` weights of numbers 1..45 for the next draw, summing to 1."""

    def sample(self, m: int, rng: np.random.Generator) -> IntArray:
        """``(m, 6)`` ascending unfiltered games drawn by the number probabilities."""
        return gumbel_games(self.log_weights_, m, rng)

    def _propose(self, m: int, rng: np.random.Generator) -> IntArray:
        """``m`` candidate games for :meth:`recommend` to filter (by default :meth:`sample`)."""
        return self.sample(m, rng)

    def _choose(self, passing: IntArray) -> IntArray:
        """The games to keep among candidates that passed the filters (all, by default)."""
        return passing

    def consensus(self, games: IntArray) -> FloatArray:
        """Share of each game's numbers among the strategy's top candidates.

        Top candidates are the ``TOP_CANDIDATES`` most probable numbers that are more probable
        than 1/45; a strategy without preferences has none.
        """
        return number_shares(games, self.top_numbers_)

    def diversity_mask(self, games: IntArray) -> NDArray[np.bool_]:
        """Which games meet the strategy's own diversity constraints (all, by default)."""
        return np.ones(games.shape[0], dtype=np.bool_)

    def recommend(
        self, n: int, rng: np.random.Generator | None = None, filters: Filters | None = None
    ) -> Recommendation:
        """``n`` distinct games meeting ``filters``, relaxing them in stages when needed.

        Without ``rng`` the games are drawn from ``random_state`` (scikit-learn's convention:
        the same ``random_state`` gives the same games; ``None`` gives fresh ones).
        """
        if not hasattr(self, "context_"):
            raise ModelError(f"strategy {self.name!r} is not fitted")
        rng = rng if rng is not None else np.random.default_rng(self.random_state)
        filters = filters or Filters()
        _check_enough_combinations(filters, n)
        strict, loose = self._search_shaped(n, rng, filters)
        if strict.shape[0] >= n:
            return self._finish(strict[:n], 0, [])
        if self.has_diversity and loose.shape[0] >= n:
            return self._finish(loose[:n], STAGE_DIVERSITY, ["diversity"])
        games = loose
        for stage, relaxed in self._stages(filters):
            games = self._search(games, n, rng, filters, stage)
            if games.shape[0] >= n:
                return self._finish(games[:n], stage, relaxed)
        raise InvalidFilterError(
            f"only {games.shape[0]} of {n} games meet the fixed and excluded numbers "
            "without repeating a past 1st-prize combination",
            detail={"code": "too_few_new_games", "found": int(games.shape[0]), "asked": n},
        )

    def _stages(self, filters: Filters) -> list[tuple[int, list[str]]]:
        """The stages after the shaped ones: shape filters dropped, then weights ignored."""
        relaxed = ["diversity"] if self.has_diversity else []
        stages: list[tuple[int, list[str]]] = []
        shape = filters.active_shape_filters()
        if shape:
            relaxed = relaxed + shape
            stages.append((STAGE_SHAPE, relaxed))
        if np.ptp(self.number_probabilities()) > 0:
            stages.append((STAGE_UNWEIGHTED, [*relaxed, "strategy_weights"]))
        return stages

    def _search_shaped(
        self, n: int, rng: np.random.Generator, filters: Filters
    ) -> tuple[IntArray, IntArray]:
        """Games meeting every filter with and without the diversity rules, from one stream of
        candidates: stages 0 and 1 share one budget. The second is complete only when the first
        holds fewer than ``n``."""
        strict = loose = np.zeros((0, 6), dtype=np.int64)
        for batch in self._batches(n):
            candidates = self._candidates(batch, rng, filters, 0)
            passing = candidates[filters.mask(candidates, self.context_)]
            chosen = self._choose(passing)
            strict = _distinct(np.concatenate([strict, chosen[self.diversity_mask(chosen)]]))
            if strict.shape[0] >= n:
                return strict, loose  # the loose games are only needed when these fall short
            if self.has_diversity:
                loose = _distinct(np.concatenate([loose, chosen]))
        return strict, _distinct(np.concatenate([strict, loose]))

    def _search(
        self, found: IntArray, n: int, rng: np.random.Generator, filters: Filters, stage: int
    ) -> IntArray:
        for batch in self._batches(n):
            candidates = self._candidates(batch, rng, filters, stage)
            keep = filters.mask(candidates, self.context_, shape=False)
            found = _distinct(np.concatenate([found, self._choose(candidates[keep])]))
            if found.shape[0] >= n:
                break
        return found

    def _batches(self, n: int) -> list[int]:
        """Candidate counts of the tries of one search: doubling, up to ``LARGEST_BATCH``."""
        batch = max(FIRST_BATCH, 4 * n * self.candidates_per_game)
        sizes = []
        for _ in range(MAX_TRIES):
            sizes.append(batch)
            batch = min(2 * batch, LARGEST_BATCH)
        return sizes

    def _candidates(
        self, m: int, rng: np.random.Generator, filters: Filters, stage: int
    ) -> IntArray:
        if stage >= STAGE_UNWEIGHTED:
            weights = np.full(45, 1 / 45)
        elif not filters.fixed and not filters.excluded:
            return self._propose(m, rng)
        else:
            weights = self.number_probabilities()
        log_weights = _log_weights(weights)
        # Fixed numbers are placed directly; excluded ones can never be drawn.
        blocked = np.asarray(filters.fixed + filters.excluded, dtype=np.int64)
        log_weights[blocked - 1] = -np.inf
        return gumbel_games(log_weights, m, rng, filters.fixed)

    def recommend_many(self, count: int, n: int, rng: np.random.Generator) -> list[Recommendation]:
        """``count`` recommendations of ``n`` games without filters, as ``count`` calls of
        :meth:`recommend` would make them: streams of candidates, each cut in turn into parts
        of ``n`` distinct games. The candidates are independent, so each part has the
        distribution of one :meth:`recommend`; numpy's cost per call is paid once for all.
        A stream holds twice the candidates the parts still missing need when every one
        passes (most do: the strategies' own rules turn away a quarter at most); parts that
        ``MAX_TRIES`` streams could not fill are made by :meth:`recommend`."""
        if not hasattr(self, "context_"):
            raise ModelError(f"strategy {self.name!r} is not fitted")
        filters = Filters()
        _check_enough_combinations(filters, n)
        parts: list[IntArray] = []
        for _ in range(MAX_TRIES):
            missing = count - len(parts)
            if missing <= 0:
                break
            size = max(FIRST_BATCH, 2 * missing * n * self.candidates_per_game)
            candidates = self._candidates(size, rng, filters, 0)
            chosen = self._choose(candidates[filters.mask(candidates, self.context_)])
            parts += _distinct_parts(chosen[self.diversity_mask(chosen)], n, missing)
        made = self._finish_many(parts, 0, []) if parts else []
        return made + [self.recommend(n, rng) for _ in range(count - len(made))]

    def _analyse(self, games: IntArray) -> list[dict[str, object]]:
        """The analysis of each game (see ``jinlotto.strategies.analysis``)."""
        return analyse(games, self.context_)

    def _finish(self, games: IntArray, stage: int, relaxed: list[str]) -> Recommendation:
        return self._finish_many([games], stage, relaxed)[0]

    def _finish_many(
        self, parts: list[IntArray], stage: int, relaxed: list[str]
    ) -> list[Recommendation]:
        """One recommendation per part, every part's confidence and analysis computed at once."""
        games = np.concatenate(parts)
        weights = self.confidence_weights or ConfidenceWeights()
        scores = confidences(
            games,
            self.number_probabilities(),
            self.consensus(games),
            self.context_.hot_numbers,
            weights,
        ).tolist()
        analyses = self._analyse(games)
        made = [
            Game(numbers=tuple(row), confidence=score, analysis=analysis)
            for row, score, analysis in zip(games.tolist(), scores, analyses, strict=True)
        ]
        ends = np.cumsum([part.shape[0] for part in parts]).tolist()
        return [
            Recommendation(
                games=made[end - part.shape[0] : end],
                strategy=self.name,
                relaxation_stage=stage,
                relaxed=list(relaxed),
            )
            for part, end in zip(parts, ends, strict=True)
        ]


def _log_weights(probabilities: FloatArray) -> FloatArray:
    # A tiny floor keeps zero-weight numbers drawable when fixed/excluded numbers need them.
    logs: FloatArray = np.log(np.asarray(probabilities, dtype=np.float64) + 1e-12)
    return logs


def _distinct(games: IntArray) -> IntArray:
    """``games`` without repeated combinations, first occurrences kept in order."""
    _, first = np.unique(combos.combination_keys(games), return_index=True)
    return games[np.sort(first)]


def _distinct_parts(games: IntArray, n: int, count: int) -> list[IntArray]:
    """Up to ``count`` consecutive parts of ``games``, each of ``n`` distinct combinations."""
    parts: list[IntArray] = []
    seen: set[int] = set()
    rows: list[int] = []
    for row, key in enumerate(combos.combination_keys(games).tolist()):
        if key in seen:
            continue
        seen.add(key)
        rows.append(row)
        if len(rows) == n:
            parts.append(games[rows])
            seen, rows = set(), []
            if len(parts) == count:
                break
    return parts


def _check_enough_combinations(filters: Filters, n: int) -> None:
    if n < 1:
        raise InvalidFilterError(
            f"the number of games must be at least 1, got {n}", detail={"code": "no_games"}
        )
    free = 45 - len(filters.excluded) - len(filters.fixed)
    possible = math.comb(free, 6 - len(filters.fixed))
    if possible < n:
        raise InvalidFilterError(
            f"the fixed and excluded numbers allow only {possible} distinct games; {n} asked",
            detail={"code": "too_few_games", "possible": possible, "asked": n},
        )
