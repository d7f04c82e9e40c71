"""Walk-forward backtest: at every evaluated draw, fit on the past only, play, and score.

For draw t every strategy is given ``history.before(t)`` and nothing else; the draw itself is
read only afterwards, to score the games. Each strategy is a *contestant*: a callable that
takes the past and whether to re-learn its slow parts (every ``retrain_every`` evaluated draws)
and returns a fitted player. See :mod:`jinlotto.backtest.contestants`.
"""

import logging
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import threadpool_limits

from jinlotto.domain.draw import Draw
from jinlotto.domain.grading import match_games, prize_table
from jinlotto.domain.history import History
from jinlotto.domain.prizes import game_price, sole_winner_estimate, tier_probabilities
from jinlotto.errors import JinlottoError

logger = logging.getLogger(__name__)

IntArray = NDArray[np.int64]


class Player(Protocol):
    """A fitted strategy as the backtest sees it: it only has to ``sample`` games."""

    def sample(self, m: int, rng: np.random.Generator) -> IntArray: ...


Contestant = Callable[[History, bool], Player]
"""Given the past and whether to re-learn slow parts, a player fitted on that past only."""


@dataclass(frozen=True, slots=True)
class BacktestConfig:
    """Which draws to evaluate and how many games each strategy plays per draw."""

    first_draw: int
    last_draw: int
    tickets: int = 100
    seed: int = 0
    retrain_every: int = 10


@dataclass(slots=True)
class StrategyTally:
    """Raw results of one strategy: per-draw match counts, ranks, prizes and spending."""

    match_counts: IntArray  # (draws, 7): games with 0..6 matches at each evaluated draw
    rank_counts: IntArray = field(default_factory=lambda: np.zeros(6, dtype=np.int64))
    prize_total: int = 0
    cost_total: int = 0
    chance_prize_total: float = 0.0  # what the same games would win on average by chance


@dataclass(frozen=True, slots=True)
class BacktestResult:
    """Every strategy's tally over the evaluated draws, with the settings that produced it."""

    config: BacktestConfig
    draw_nos: IntArray
    tallies: dict[str, StrategyTally]


def game_rng(seed: int, draw_no: int, name: str) -> np.random.Generator:
    """The generator of one strategy at one draw: same seed, same games, whatever else runs."""
    return np.random.default_rng([seed, draw_no, zlib.crc32(name.encode())])


def evaluated_draws(history: History, config: BacktestConfig) -> IntArray:
    """Draw numbers to evaluate; refuses a range with no draw or with no past before it."""
    if config.tickets < 1:
        raise JinlottoError(f"tickets per draw must be at least 1, got {config.tickets}")
    if config.retrain_every < 1:
        raise JinlottoError(f"retrain interval must be at least 1, got {config.retrain_every}")
    if config.first_draw > config.last_draw:
        raise JinlottoError(
            f"the first draw {config.first_draw} comes after the last {config.last_draw}"
        )
    inside = (history.draw_nos >= config.first_draw) & (history.draw_nos <= config.last_draw)
    draw_nos = history.draw_nos[inside]
    if draw_nos.size == 0:
        raise JinlottoError(f"no stored draw between {config.first_draw} and {config.last_draw}")
    if len(history.before(int(draw_nos[0]))) < 2:
        raise JinlottoError("the backtest needs at least two draws before the first one evaluated")
    return draw_nos


def walk_forward(
    history: History,
    contestants: Mapping[str, Contestant],
    config: BacktestConfig,
    progress: Callable[[int], None] | None = None,
) -> BacktestResult:
    """Play every strategy at every evaluated draw, fitted on the draws before it only.

    ``progress`` is called with the number of draws done after each draw.
    """
    draw_nos = evaluated_draws(history, config)
    # Every fit here is a small dense problem: extra BLAS threads only fight over the cores.
    with threadpool_limits(limits=1):
        tallies = _play(history, contestants, config, draw_nos, progress)
    logger.info("backtest of %d draws x %d strategies done", draw_nos.size, len(contestants))
    return BacktestResult(config=config, draw_nos=draw_nos, tallies=tallies)


def _play(
    history: History,
    contestants: Mapping[str, Contestant],
    config: BacktestConfig,
    draw_nos: IntArray,
    progress: Callable[[int], None] | None,
) -> dict[str, StrategyTally]:
    tallies = {
        name: StrategyTally(match_counts=np.zeros((draw_nos.size, 7), dtype=np.int64))
        for name in contestants
    }
    for index, draw_no in enumerate(draw_nos.tolist()):
        past = history.before(draw_no)
        row = len(past)  # the draw's own row: read only to score, after the games exist
        relearn = index % config.retrain_every == 0
        for name, contestant in contestants.items():
            player = contestant(past, relearn)
            games = player.sample(config.tickets, game_rng(config.seed, draw_no, name))
            _score(tallies[name], index, games, history, row)
        if progress is not None:
            progress(index + 1)
    return tallies


def backtest_prizes(draw: Draw) -> IntArray:
    """``(6,)`` KRW one game of each rank 0..5 is paid at ``draw`` in a backtest.

    The grading rule's prizes (published, or fixed by the rules of the draw's time); where a pool
    tier has none, because nobody won it, what a lone winner would have taken.
    """
    amounts = [
        prize.amount if prize.amount is not None else sole_winner_estimate(draw, rank)
        for rank, prize in enumerate(prize_table(draw))
    ]
    return np.array(amounts, dtype=np.int64)


def _score(tally: StrategyTally, index: int, games: IntArray, history: History, row: int) -> None:
    draw = history.draw_at(row)
    matched, _, ranks = match_games(games, draw)
    amounts = backtest_prizes(draw)
    tally.match_counts[index] = np.bincount(matched, minlength=7)
    tally.rank_counts += np.bincount(ranks, minlength=6)
    tally.prize_total += int(amounts[ranks].sum())
    tally.cost_total += games.shape[0] * game_price(draw.draw_no)
    tally.chance_prize_total += games.shape[0] * float(np.dot(tier_probabilities(), amounts[1:]))
