"""Walk-forward engine: fitted on the past only, reproducible, and cheating is caught."""

import numpy as np
import pytest

from jinlotto.backtest.contestants import build_contestants
from jinlotto.backtest.engine import BacktestConfig, Player, walk_forward
from jinlotto.backtest.report import build_report
from jinlotto.domain.history import History
from jinlotto.errors import JinlottoError, NotFoundError


class Fixed:
    """Plays the same given games whatever happens."""

    def __init__(self, games: np.ndarray) -> None:
        self.games = games

    def sample(self, m: int, rng: np.random.Generator) -> np.ndarray:
        return np.repeat(self.games, m, axis=0)


def test_every_contestant_sees_only_draws_before_the_one_it_plays(
    shared_history: History,
) -> None:
    seen: list[tuple[int, int]] = []
    next_draw = iter(range(1101, 1151))

    def spy(past: History, relearn: bool) -> Player:
        seen.append((next(next_draw), int(past.draw_nos[-1])))
        return Fixed(np.array([[1, 2, 3, 4, 5, 6]]))

    walk_forward(shared_history, {"spy": spy}, BacktestConfig(1101, 1150, tickets=5))
    assert [played for played, _ in seen] == list(range(1101, 1151))
    assert all(newest == played - 1 for played, newest in seen)


def test_a_strategy_that_peeks_at_the_draw_is_caught(shared_history: History) -> None:
    def cheat(past: History, relearn: bool) -> Player:
        # Reads the draw it is about to play from the full history: a look-ahead.
        upcoming = shared_history.numbers[len(past)]
        return Fixed(upcoming[np.newaxis, :])

    def honest(past: History, relearn: bool) -> Player:
        return Fixed(past.numbers[-1][np.newaxis, :])  # repeats the previous draw

    result = walk_forward(
        shared_history,
        {"uniform": build_contestants(["uniform"], 0)["uniform"], "cheat": cheat, "honest": honest},
        BacktestConfig(1001, 1100, tickets=10),
    )
    full = build_report(result)
    report = full["strategies"]
    assert report["cheat"]["mean_matches"] == 6.0
    assert report["cheat"]["look_ahead_suspected"]
    assert "look-ahead" in report["cheat"]["reading"]
    assert not report["honest"]["look_ahead_suspected"]
    assert not report["uniform"]["look_ahead_suspected"]
    assert "Above chance in this range: cheat." in " ".join(full["summary"])
    assert "No strategy matched more numbers than chance would." not in full["summary"]


def test_same_seed_same_report_and_a_new_seed_changes_it(shared_history: History) -> None:
    def run(seed: int) -> dict:
        contestants = build_contestants(["uniform", "statistical"], seed)
        config = BacktestConfig(1151, 1170, tickets=20, seed=seed)
        return build_report(walk_forward(shared_history, contestants, config))

    first, again, other = run(7), run(7), run(8)
    assert first == again
    assert first["strategies"]["uniform"] != other["strategies"]["uniform"]


def test_report_holds_every_figure_of_the_issue(shared_history: History) -> None:
    contestants = build_contestants(["uniform", "statistical"], 3)
    report = build_report(
        walk_forward(shared_history, contestants, BacktestConfig(1101, 1200, tickets=50, seed=3))
    )
    assert report["draws"] == 100
    for name, figures in report["strategies"].items():
        assert figures["games"] == 5000
        low, high = figures["ci95"]
        assert low < figures["mean_matches"] < high
        assert sum(figures["match_distribution"]) == pytest.approx(1.0)
        assert figures["expected_distribution"][1] == pytest.approx(0.4241, abs=1e-4)
        assert 0 <= figures["p_value"] <= 1
        assert set(figures["rank_counts"]) == {"1", "2", "3", "4", "5"}
        assert figures["expected_rank_counts"]["5"] == pytest.approx(5000 * 182_780 / 8_145_060)
        assert figures["return_per_1000"] >= 0
        if name == "uniform":
            assert figures["difference_from_uniform"] is None
        else:
            difference = figures["difference_from_uniform"]
            assert difference["ci95"][0] < difference["mean"] < difference["ci95"][1]
    assert len(report["summary"]) == 4  # a reading per strategy, a conclusion, returns
    assert "No strategy matched more numbers than chance would." in report["summary"]


def test_scoring_uses_real_prizes_and_the_price_of_the_time(shared_history: History) -> None:
    # Draw 87 (numbers 4 12 16 23 34 43, a 2,000 KRW game, 5th prize 10,000 KRW).
    def three_matches(past: History, relearn: bool) -> Player:
        return Fixed(np.array([[4, 12, 16, 1, 2, 3]]))

    result = walk_forward(
        shared_history, {"three": three_matches}, BacktestConfig(87, 87, tickets=2)
    )
    tally = result.tallies["three"]
    assert tally.rank_counts.tolist() == [0, 0, 0, 0, 0, 2]
    assert tally.prize_total == 20_000
    assert tally.cost_total == 4_000


def test_bad_ranges_and_names_are_refused_with_a_message(shared_history: History) -> None:
    contestants = build_contestants(["uniform"], 0)
    with pytest.raises(JinlottoError, match="comes after"):
        walk_forward(shared_history, contestants, BacktestConfig(1200, 1100))
    with pytest.raises(JinlottoError, match="no stored draw"):
        walk_forward(shared_history, contestants, BacktestConfig(1300, 1400))
    with pytest.raises(JinlottoError, match="at least 1"):
        walk_forward(shared_history, contestants, BacktestConfig(1100, 1101, tickets=0))
    with pytest.raises(NotFoundError, match="available"):
        build_contestants(["uniform", "astrology"], 0)


def test_slow_models_relearn_every_k_draws_but_always_read_the_newest_past(
    shared_history: History,
) -> None:
    inner = build_contestants(["popularity"], 0)["popularity"]
    seen: list[tuple[int, object, list[int]]] = []  # models kept alive: ids stay unique

    def watched(past: History, relearn: bool) -> Player:
        player = inner(past, relearn)
        seen.append((len(past), player.model_, player.play_context_.previous.tolist()))
        return player

    walk_forward(
        shared_history, {"popularity": watched}, BacktestConfig(1171, 1195, 5, retrain_every=10)
    )
    models = [id(model) for _, model, _ in seen]
    assert len(set(models[0:10])) == len(set(models[10:20])) == len(set(models[20:])) == 1
    assert len(set(models)) == 3
    for past_size, _, previous in seen:  # the previous draw is always the one just before t
        assert previous == shared_history.numbers[past_size - 1].tolist()
