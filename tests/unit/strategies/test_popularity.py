"""The popularity model on the shared draws, and the strategy that keeps the odds uniform."""

import numpy as np
import pytest
from scipy.stats import spearmanr

from jinlotto.backtest.contestants import build_contestants
from jinlotto.backtest.engine import BacktestConfig, walk_forward
from jinlotto.backtest.report import build_report
from jinlotto.domain.history import History
from jinlotto.domain.prizes import tier_probabilities
from jinlotto.errors import ModelError
from jinlotto.strategies import registry
from jinlotto.strategies.popularity.features import PlayContext, patterns, winner_patterns
from jinlotto.strategies.popularity.model import (
    PopularityModel,
    fit_model,
    machine_share,
    training_data,
)
from jinlotto.strategies.popularity.prior import MIN_SUPPORT, apply_prior, support_bounds
from jinlotto.strategies.popularity.validation import fit_baseline, validate
from jinlotto.strategies.popularity.value import score_games


@pytest.fixture(scope="module")
def validation(shared_history: History) -> dict:
    return validate(shared_history)


@pytest.fixture(scope="module")
def model(shared_history: History) -> PopularityModel:
    return fit_model(shared_history)


def test_held_out_figures_stay_at_least_where_they_were(validation: dict) -> None:
    # Before the prior and the most-drawn feature: R2 0.222 / 0.487 / 0.657 for tiers 3-5,
    # Spearman 0.555 / 0.709 / 0.811 and a 1st-prize deviance of 473.5.
    assert validation["held_out"] == [978, 1200]
    tiers = validation["tiers"]
    for tier, r2, rho in (("3", 0.222, 0.555), ("4", 0.487, 0.709), ("5", 0.657, 0.811)):
        assert tiers[tier]["r2_log_ratio"] > r2
        assert tiers[tier]["spearman"] > rho
    assert tiers["5"]["deviance_explained"] > 0.5
    assert validation["first_prize"]["deviance"] < 473.5


def test_the_model_beats_the_per_number_baseline_in_every_tier(validation: dict) -> None:
    assert validation["beats_baseline"] is True
    for figures in validation["tiers"].values():
        assert figures["r2_log_ratio"] > figures["baseline"]["r2_log_ratio"]
        assert figures["spearman"] > figures["baseline"]["spearman"]
    # Per-number preferences alone already explain most of the tier-5 variance.
    assert validation["tiers"]["5"]["baseline"]["r2_log_ratio"] > 0.5


def test_validation_reports_the_baseline_of_a_direct_least_squares_fit(
    shared_history: History, validation: dict
) -> None:
    data = training_data(shared_history)
    cut = int(data.draw_nos.size * 0.8)
    design = np.hstack([data.indicators, np.ones((data.draw_nos.size, 1))])
    log_ratios = np.log(np.maximum(data.winners, 0.5) / data.exposure)
    weights, *_ = np.linalg.lstsq(design[:cut], log_ratios[:cut, 4], rcond=None)
    predicted = design[cut:] @ weights
    for tier in (3, 4, 5):
        observed = log_ratios[cut:, tier - 1]
        r2 = 1 - ((observed - predicted) ** 2).sum() / ((observed - observed.mean()) ** 2).sum()
        reported = validation["tiers"][str(tier)]["baseline"]
        assert reported["r2_log_ratio"] == pytest.approx(r2, abs=1e-9)
        assert reported["spearman"] == pytest.approx(spearmanr(observed, predicted)[0], abs=1e-9)


def test_the_baseline_is_the_least_squares_fit_of_45_weights_and_an_intercept() -> None:
    rng = np.random.default_rng(5)
    games = np.sort(np.argsort(rng.random((300, 45)), axis=1)[:, :6] + 1, axis=1)
    indicators = np.zeros((300, 45))
    indicators[np.repeat(np.arange(300), 6), games.ravel() - 1] = 1.0
    truth = rng.normal(0, 0.02, 45)
    log_ratios = indicators @ truth - 0.05 + rng.normal(0, 0.01, 300)
    train, test = slice(0, 200), slice(200, 300)
    baseline = fit_baseline(indicators[train], log_ratios[train])
    design = np.hstack([indicators, np.ones((300, 1))])
    weights, *_ = np.linalg.lstsq(design[train], log_ratios[train], rcond=None)
    assert baseline.predict(indicators[test]) == pytest.approx(design[test] @ weights, abs=1e-10)
    assert baseline.coef_.shape == (45,)


def test_first_prize_winners_are_over_dispersed_and_the_model_is_calibrated(
    validation: dict,
) -> None:
    jackpot = validation["first_prize"]
    assert jackpot["dispersion_uniform_play"] > 2.0  # Poisson would give 1
    assert jackpot["dispersion_model"] < jackpot["dispersion_uniform_play"]
    groups = jackpot["groups"]
    # The quarter predicted most popular really had more winners per expected game.
    observed_rate = [
        g["observed_winners"] / g["predicted_winners"] * g["mean_predicted_ratio"] for g in groups
    ]
    assert observed_rate[-1] > observed_rate[0]
    for group in groups:
        assert group["observed_winners"] == pytest.approx(group["predicted_winners"], rel=0.15)


def test_tier5_ratios_span_the_documented_range(shared_history: History) -> None:
    data = training_data(shared_history)
    ratios = data.winners[:, 4] / data.exposure[:, 4]
    assert np.percentile(ratios, 1) > 0.85 and np.percentile(ratios, 99) < 1.25


def test_winner_features_use_only_earlier_draws(shared_history: History) -> None:
    full = winner_patterns(shared_history)
    for draw_no in (500, 1000, 1200):
        past = shared_history.before(draw_no)
        row = shared_history.numbers[len(past) : len(past) + 1]
        alone = patterns(row, PlayContext.from_history(past))
        assert full[len(past) - 1] == pytest.approx(alone[0])


def test_machine_share_comes_from_the_published_split_of_earlier_draws(
    shared_history: History,
) -> None:
    assert machine_share(shared_history.before(262)) == 0.0  # no split published before 262
    share = machine_share(shared_history)
    # 65.9 % auto and 2.7 % semi-auto among 8,626 1st-prize winners of draws 262-1200.
    assert share == pytest.approx(0.659 + 0.027 / 2, abs=0.001)
    recent = shared_history.before(1000)
    assert fit_model(recent).machine_share == machine_share(recent) != share


def test_machine_picked_winners_are_poisson_and_chosen_ones_cluster(validation: dict) -> None:
    jackpot = validation["first_prize"]
    assert jackpot["dispersion_auto_winners"] < 1.3  # uniform picks: Poisson, dispersion 1
    assert jackpot["dispersion_chosen_winners"] > 3.0  # shared favourite combinations


def test_fitted_floor_is_above_the_machine_share_and_predicts_held_out_draws_better(
    validation: dict,
) -> None:
    jackpot = validation["first_prize"]
    assert 0.6 < jackpot["machine_share"] < jackpot["floor"] < 1.0
    assert jackpot["deviance"] < jackpot["deviance_floor_at_machine_share"]
    assert jackpot["deviance_floor_at_machine_share"] < jackpot["deviance_constant_rate"]


def test_popularity_games_have_fewer_expected_cowinners_down_to_the_floor(
    shared_history: History,
) -> None:
    strategy = registry.create("popularity", random_state=0).fit(shared_history)
    rng = np.random.default_rng(0)
    games = strategy.sample(500, rng)
    model, context = strategy.model_, strategy.play_context_
    chosen = model.popularity_index(model.ratios(games, context))
    reference_mean = model.reference_ratios[:, 0].mean()
    # Machine picks land on every combination alike, so no game gets below the machine share
    # (0.67): the 0.6x once hoped for is out of reach. The fitted floor (0.88 of an average
    # game) is this model's bound; chosen games reach 0.89 on average.
    assert (chosen >= model.floors()[0] / reference_mean - 1e-12).all()
    assert not model.judge(games, context).extrapolated.any()  # never an unmeasured pattern
    assert model.floors()[0] >= model.machine_share
    assert chosen.mean() < 0.93
    random_games = registry.create("uniform").fit(shared_history).sample(500, rng)
    assert model.popularity_index(model.ratios(random_games, context)).mean() == pytest.approx(
        1.0, abs=0.03
    )


def test_scores_state_cowinners_prize_and_never_beat_the_ticket(
    shared_history: History, model: PopularityModel
) -> None:
    context = PlayContext.from_history(shared_history)
    sales = int(shared_history.sales[-1])
    games = np.array([[1, 2, 3, 4, 5, 6], [3, 10, 17, 24, 31, 38], [5, 12, 23, 31, 38, 44]])
    scores = score_games(model, games, context, sales, 1200)
    first_expected = sales / 1000 * tier_probabilities()[0]
    for score in scores:
        assert score["expected_cowinners"]["1"] == pytest.approx(
            first_expected * score["popularity_index"] * model.reference_ratios[:, 0].mean()
        )
        assert 0 < score["expected_prize_per_1000"] < 1000
        assert 300 < score["random_game_prize_per_1000"] < 1000
    assert [score["extrapolated"] for score in scores] == [True, True, False]
    assert scores[2]["reason"] is None


PRIOR_GAMES = {
    "a run": ([1, 2, 3, 4, 5, 6], "pairs of consecutive numbers (a run such as 1-2-3): 5"),
    "multiples of seven": (
        [7, 14, 21, 28, 35, 42],
        "evenly spaced triples (a progression such as 7-14-21): 6",
    ),
    "a slip column": ([3, 10, 17, 24, 31, 38], "numbers in one column of the play slip: 6"),
    "months of dates": ([2, 4, 7, 9, 11, 12], "numbers of 12 or below (months): 6 (measured 0-5)"),
}


@pytest.mark.parametrize("name", sorted(PRIOR_GAMES))
def test_patterns_past_winners_never_had_get_the_prior_not_good_value(
    shared_history: History, model: PopularityModel, name: str
) -> None:
    numbers, pattern = PRIOR_GAMES[name]
    context = PlayContext.from_history(shared_history)
    games = np.array([numbers])
    score = score_games(model, games, context, int(shared_history.sales[-1]), 1200)[0]
    assert score["extrapolated"] is True
    assert score["popularity_index"] >= 1.0
    assert score["expected_prize_per_1000"] <= score["random_game_prize_per_1000"]
    assert pattern in score["reason"]
    assert "a prior, not a measurement" in score["reason"]
    assert "most played" in score["reason"]


def test_the_previous_draw_and_the_most_drawn_numbers_get_the_prior(
    shared_history: History, model: PopularityModel
) -> None:
    context = PlayContext.from_history(shared_history)
    games = np.array([shared_history.numbers[-1], context.most_drawn])
    scores = score_games(model, games, context, int(shared_history.sales[-1]), 1200)
    assert "numbers of the previous draw: 6" in scores[0]["reason"]
    assert "shared with one past winning combination: 6" in scores[0]["reason"]
    assert "among the six drawn most often so far: 6" in scores[1]["reason"]
    for score in scores:
        assert score["extrapolated"] and score["popularity_index"] >= 1.0


def test_ordinary_games_are_measured_and_the_prior_only_bounds_shared_tiers(
    shared_history: History, model: PopularityModel
) -> None:
    context = PlayContext.from_history(shared_history)
    random_games = (
        registry.create("uniform").fit(shared_history).sample(2000, np.random.default_rng(1))
    )
    judgement = model.judge(random_games, context)
    # Patterns too rare among winners to be measured are rare among random games too.
    assert judgement.extrapolated.mean() < 0.01
    assert model.reasons(judgement).count(None) == (~judgement.extrapolated).sum()
    average = model.reference_ratios.mean(axis=0)
    extrapolated = judgement.ratios[judgement.extrapolated]
    assert (extrapolated[:, :3] >= average[:3] - 1e-12).all()


def test_support_is_where_enough_winners_reached_a_value() -> None:
    values = np.array([0.0] * 10 + [1.0] * 4 + [2.0] + [-1.0] * 4)[:, np.newaxis]
    low, high = support_bounds(values)
    assert MIN_SUPPORT == 5
    # Five winners had 1 or more (four 1s and a 2); only one had 2. Four had -1: too few.
    assert (low[0], high[0]) == (0.0, 1.0)


def test_the_prior_raises_tiers_1_to_3_of_extrapolated_games_only() -> None:
    ratios = np.array([[0.5, 0.6, 0.7, 0.8, 0.9], [0.5, 0.6, 0.7, 0.8, 0.9], [2.0] * 5])
    average = np.array([0.9, 0.95, 1.0, 1.0, 1.0])
    bounded = apply_prior(ratios, np.array([True, False, True]), average)
    assert bounded[0].tolist() == [0.9, 0.95, 1.0, 0.8, 0.9]
    assert bounded[1].tolist() == ratios[1].tolist()
    assert bounded[2].tolist() == [2.0] * 5  # above average already: kept


def test_held_out_winners_beyond_the_support_were_more_popular_than_uniform(
    validation: dict,
) -> None:
    beyond = validation["extrapolated"]
    assert len(beyond["draws"]) >= 3
    assert beyond["observed_winners"] > 1.3 * beyond["uniform_play_winners"]
    assert beyond["predicted_winners"] >= beyond["uniform_play_winners"] * 0.9


def test_too_little_history_is_refused_with_a_message(shared_history: History) -> None:
    with pytest.raises(ModelError, match="needs 100 draws"):
        fit_model(shared_history.before(150))


def test_backtest_of_popularity_matches_like_chance(shared_history: History) -> None:
    contestants = build_contestants(["uniform", "popularity"], 11)
    config = BacktestConfig(1101, 1200, tickets=100, seed=11)
    figures = build_report(walk_forward(shared_history, contestants, config))["strategies"]
    low, high = figures["popularity"]["ci95"]
    assert low <= 0.8 <= high
    difference = figures["popularity"]["difference_from_uniform"]["ci95"]
    assert difference[0] <= 0 <= difference[1]
    assert figures["popularity"]["p_value"] > 0.01


def test_recommendations_carry_popularity_figures_and_respect_filters(
    shared_history: History,
) -> None:
    from jinlotto.strategies.filters import Filters

    strategy = registry.create("popularity", random_state=0).fit(shared_history)
    plain = strategy.recommend(5, np.random.default_rng(3))
    for game in plain.games:
        figures = game.analysis["popularity"]
        assert figures["popularity_index"] < 1.0
        assert figures["extrapolated"] is False and figures["reason"] is None
        assert set(figures["expected_cowinners"]) == {"1", "2", "3"}
        assert figures["expected_prize_per_1000"] < figures["ticket_price_per_1000"]
    fixed = strategy.recommend(5, np.random.default_rng(3), Filters(fixed=(7,), excluded=(1, 2)))
    assert fixed.relaxation_stage == 0
    for game in fixed.games:
        assert 7 in game.numbers and not {1, 2} & set(game.numbers)
    indexes = [game.analysis["popularity"]["popularity_index"] for game in fixed.games]
    assert np.mean(indexes) < 0.97  # still chosen among candidates with the fixed number


def test_an_extrapolated_game_is_chosen_only_when_every_candidate_is_one(
    shared_history: History,
) -> None:
    from jinlotto.strategies.filters import Filters

    strategy = registry.create("popularity", random_state=0).fit(shared_history)
    # Any game holding 1-5 has four consecutive pairs, more than enough winners ever had.
    forced = strategy.recommend(3, np.random.default_rng(4), Filters(fixed=(1, 2, 3, 4, 5)))
    for game in forced.games:
        figures = game.analysis["popularity"]
        assert figures["extrapolated"] is True
        assert figures["popularity_index"] >= 1.0
        assert "pairs of consecutive numbers (a run such as 1-2-3)" in figures["reason"]
