"""One contract test over every registered strategy."""

import subprocess
import sys

import numpy as np
import pytest

from jinlotto.domain import combos
from jinlotto.domain.history import History
from jinlotto.errors import InvalidFilterError, NotFoundError
from jinlotto.strategies import registry
from jinlotto.strategies.base import Recommendation, Strategy
from jinlotto.strategies.filters import Filters

STRATEGIES = registry.available()


@pytest.fixture(scope="module")
def history(shared_history: History) -> History:
    """The newest 300 shared draws keep ML fits quick."""
    return shared_history.last(300)


def fitted(name: str, history: History) -> Strategy:
    return registry.create(name, random_state=0).fit(history)


def assert_valid_games(games: np.ndarray) -> None:
    assert games.dtype == np.int64
    assert games.shape[1] == 6
    assert ((games >= 1) & (games <= 45)).all()
    assert (np.diff(games, axis=1) > 0).all(), "numbers must be distinct and ascending"


@pytest.mark.parametrize("name", STRATEGIES)
def test_fit_returns_self_and_probabilities_sum_to_one(name: str, history: History) -> None:
    strategy = registry.create(name, random_state=0)
    assert strategy.fit(history) is strategy
    probabilities = strategy.number_probabilities()
    assert probabilities.shape == (45,)
    assert (probabilities >= 0).all()
    assert probabilities.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("name", STRATEGIES)
def test_sample_gives_valid_games_reproducibly(name: str, history: History) -> None:
    strategy = fitted(name, history)
    first = strategy.sample(100, np.random.default_rng(7))
    again = strategy.sample(100, np.random.default_rng(7))
    assert first.shape == (100, 6)
    assert_valid_games(first)
    np.testing.assert_array_equal(first, again)
    other = strategy.sample(100, np.random.default_rng(8))
    assert not np.array_equal(first, other)


@pytest.mark.parametrize("name", STRATEGIES)
def test_recommend_respects_filters(name: str, history: History) -> None:
    strategy = fitted(name, history)
    filters = Filters(fixed=(7, 13), excluded=(4, 44), sum_range=(100, 170), odd_range=(2, 4))
    recommendation = strategy.recommend(5, np.random.default_rng(3), filters)
    games = np.array([game.numbers for game in recommendation.games], dtype=np.int64)
    assert games.shape == (5, 6)
    assert_valid_games(games)
    assert len(set(map(tuple, games.tolist()))) == 5, "games within a set are distinct"
    assert np.isin([7, 13], games).all(axis=None)
    assert (games == 7).any(axis=1).all() and (games == 13).any(axis=1).all()
    assert not np.isin(games, [4, 44]).any()
    assert recommendation.relaxation_stage == 0
    assert ((combos.sums(games) >= 100) & (combos.sums(games) <= 170)).all()
    assert ((combos.odd_counts(games) >= 2) & (combos.odd_counts(games) <= 4)).all()
    past = combos.combination_keys(history.numbers)
    assert not np.isin(combos.combination_keys(games), past).any()
    for game in recommendation.games:
        assert 0.0 <= game.confidence <= 1.0
        assert game.analysis["sum"] == sum(game.numbers)
    assert recommendation.strategy == name


@pytest.mark.parametrize("name", STRATEGIES)
def test_same_seed_same_games(name: str, history: History) -> None:
    strategy = fitted(name, history)
    filters = Filters(min_ac=7)
    first = strategy.recommend(5, np.random.default_rng(42), filters)
    again = strategy.recommend(5, np.random.default_rng(42), filters)
    assert [g.numbers for g in first.games] == [g.numbers for g in again.games]
    assert [g.confidence for g in first.games] == [g.confidence for g in again.games]


@pytest.mark.parametrize("name", STRATEGIES)
def test_games_within_a_set_are_distinct_even_when_few_are_possible(
    name: str, history: History
) -> None:
    # 1-5 fixed and 10-45 excluded leave four games (with 6, 7, 8 or 9): candidates repeat
    # them over and over, and only distinct ones may be returned.
    narrow = Filters(fixed=(1, 2, 3, 4, 5), excluded=tuple(range(10, 46)))
    recommendation = fitted(name, history).recommend(4, np.random.default_rng(1), narrow)
    assert sorted(game.numbers[5] for game in recommendation.games) == [6, 7, 8, 9]


@pytest.mark.parametrize("name", STRATEGIES)
def test_random_state_seeds_the_games_when_no_generator_is_given(
    name: str, history: History
) -> None:
    def games(seed: int | None) -> list[tuple[int, ...]]:
        strategy = registry.create(name, random_state=seed).fit(history)
        return [game.numbers for game in strategy.recommend(5).games]

    assert games(11) == games(11)
    assert games(11) != games(12)


@pytest.mark.parametrize("name", STRATEGIES)
def test_invalid_filters_rejected(name: str, history: History) -> None:
    strategy = fitted(name, history)
    rng = np.random.default_rng(0)
    # 1-5 fixed and 9-45 excluded leave only 1-5 with 6, 7 or 8: three games, not five.
    narrow = Filters(fixed=(1, 2, 3, 4, 5), excluded=tuple(range(9, 46)))
    with pytest.raises(InvalidFilterError, match="allow only 3 distinct games; 5 asked"):
        strategy.recommend(5, rng, narrow)


@pytest.mark.parametrize("name", STRATEGIES)
def test_impossible_shape_filters_are_relaxed_and_reported(name: str, history: History) -> None:
    strategy = fitted(name, history)
    filters = Filters(fixed=(1, 2, 3, 4, 5), sum_range=(250, 255))
    recommendation = strategy.recommend(3, np.random.default_rng(0), filters)
    assert recommendation.relaxation_stage >= 2
    assert "sum_range" in recommendation.relaxed
    assert all(game.numbers[:5] == (1, 2, 3, 4, 5) for game in recommendation.games)


def test_unknown_strategy_lists_the_known_ones() -> None:
    with pytest.raises(NotFoundError, match="uniform"):
        registry.create("crystal-ball")


def test_non_ml_strategies_never_import_scikit_learn() -> None:
    code = (
        "import sys, numpy as np\n"
        "from jinlotto.domain.history import History\n"
        "from jinlotto.strategies import registry\n"
        "for name in ('uniform', 'statistical'):\n"
        "    strategy = registry.create(name).fit(History.from_draws([]))\n"
        "    strategy.recommend(5, np.random.default_rng(0))\n"
        "print('sklearn' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("name", STRATEGIES)
def test_recommendations_made_together_are_like_ones_made_one_by_one(
    name: str, history: History
) -> None:
    strategy = fitted(name, history)
    together = strategy.recommend_many(300, 5, np.random.default_rng(11))
    alone = [strategy.recommend(5, np.random.default_rng(seed)) for seed in range(300)]
    assert len(together) == 300
    assert len({str([game.numbers for game in made.games]) for made in together}) == 300
    past = combos.combination_keys(history.numbers)
    for made in together:
        games = np.array([game.numbers for game in made.games], dtype=np.int64)
        assert_valid_games(games)
        assert len({game.numbers for game in made.games}) == 5
        assert not np.isin(combos.combination_keys(games), past).any()
        assert made.strategy == name and made.relaxation_stage == 0
        for game in made.games:  # the same confidence and analysis as a single set gets
            assert 0.0 <= game.confidence <= 1.0
            assert game.analysis.keys() == alone[0].games[0].analysis.keys()
    # Each number comes up as often either way (a few per cent of sampling noise).
    shares = [_number_shares(made) for made in (together, alone)]
    assert np.abs(shares[0] - shares[1]).sum() / 2 < 0.06


def _number_shares(recommendations: list[Recommendation]) -> np.ndarray:
    numbers = [n for made in recommendations for game in made.games for n in game.numbers]
    counts = np.bincount(numbers, minlength=46)[1:]
    return counts / counts.sum()
