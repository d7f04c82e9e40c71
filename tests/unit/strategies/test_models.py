"""Statistical, ML and unified strategies: their own rules, on the real draws."""

import numpy as np
import pytest
from sklearn.tree import DecisionTreeClassifier

from jinlotto.domain.history import History
from jinlotto.errors import ModelError
from jinlotto.strategies.features import FEATURE_NAMES, feature_matrix, training_set
from jinlotto.strategies.ml import (
    ESTIMATORS,
    MLStrategy,
    balanced_mask,
    probabilities_45,
    train_position_models,
)
from jinlotto.strategies.statistical import StatisticalStrategy, decayed_frequencies
from jinlotto.strategies.unified import UnifiedStrategy
from jinlotto.strategies.uniform import UniformStrategy


@pytest.fixture(scope="module")
def recent(shared_history: History) -> History:
    return shared_history.last(300)


def test_decayed_frequencies_by_hand(shared_history: History) -> None:
    three = shared_history.last(3)
    counts = decayed_frequencies(three, half_life=1.0)
    # weights 0.25, 0.5, 1 for the oldest, middle and newest draw
    expected = np.zeros(45)
    for weight, numbers in zip((0.25, 0.5, 1.0), three.numbers, strict=True):
        expected[numbers - 1] += weight
    np.testing.assert_allclose(counts, expected)


def test_hot_and_cold_variants_keep_only_top_k(recent: History) -> None:
    frequency = StatisticalStrategy(variant="frequency").fit(recent)
    hot = StatisticalStrategy(variant="hot", top_k=8).fit(recent)
    cold = StatisticalStrategy(variant="cold", top_k=8).fit(recent)
    assert (hot.number_probabilities() > 0).sum() == 8
    assert (cold.number_probabilities() > 0).sum() == 8
    order = np.argsort(-frequency.frequencies_, kind="stable")
    assert set(np.flatnonzero(hot.number_probabilities())) == set(order[:8])
    assert set(np.flatnonzero(cold.number_probabilities())) == set(order[-8:])
    games = hot.sample(200, np.random.default_rng(0))
    assert np.isin(games - 1, order[:8]).all()


def test_statistical_without_history_is_uniform() -> None:
    strategy = StatisticalStrategy().fit(History.from_draws([]))
    np.testing.assert_allclose(strategy.number_probabilities(), np.full(45, 1 / 45))


def test_invalid_hyperparameters(recent: History) -> None:
    with pytest.raises(ValueError, match="half_life"):
        StatisticalStrategy(half_life=0).fit(recent)
    with pytest.raises(ValueError, match="top_k"):
        StatisticalStrategy(top_k=3).fit(recent)


def test_features_never_look_ahead(shared_history: History) -> None:
    full = feature_matrix(shared_history)
    cut = feature_matrix(shared_history.before(601))
    assert full.shape[1] == len(FEATURE_NAMES) == 58
    np.testing.assert_array_equal(full[: cut.shape[0]], cut)
    features, targets = training_set(shared_history)
    # the row describing draw t is paired with draw t + 1's numbers
    np.testing.assert_array_equal(targets[0], shared_history.numbers[10])
    assert features.shape[0] == targets.shape[0] == len(shared_history) - 10
    # the features paired with draw 601 as a target come from draws 1-600 alone
    np.testing.assert_array_equal(targets[590], shared_history.numbers[600])
    np.testing.assert_array_equal(features[590], cut[-1])


def test_unseen_classes_get_zero_probability_in_their_own_column() -> None:
    features = np.arange(30, dtype=np.float64).reshape(-1, 1)
    labels = np.array([3, 10, 40] * 10)
    classifier = DecisionTreeClassifier(random_state=0).fit(features, labels)
    full = probabilities_45(classifier, features[:3])
    assert full.shape == (3, 45)
    np.testing.assert_allclose(full.sum(axis=1), 1.0)
    assert set(np.flatnonzero(full.any(axis=0)) + 1) == {3, 10, 40}
    assert full[0, 2] == 1.0, "row 0 was labelled 3, so column 2 holds it"


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_every_estimator_trains_and_predicts(estimator: str, recent: History) -> None:
    model = train_position_models(recent.last(120), estimator=estimator, random_state=0)
    probabilities = model.predict(recent)
    assert probabilities.shape == (6, 45)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    assert model.trained_through == int(recent.draw_nos[-1])


def test_training_needs_enough_draws(recent: History) -> None:
    with pytest.raises(ModelError, match="at least 30"):
        train_position_models(recent.last(20))
    with pytest.raises(ModelError, match="unknown estimator"):
        train_position_models(recent, estimator="svm")


def test_balanced_mask_by_hand() -> None:
    games = np.array(
        [
            [3, 8, 15, 22, 31, 40],  # 3 odd, 5 zones, no run: kept
            [1, 2, 3, 15, 24, 36],  # run of 3
            [2, 4, 6, 18, 28, 38],  # no odd number
            [1, 3, 5, 7, 8, 9],  # one zone only
        ]
    )
    assert balanced_mask(games).tolist() == [True, False, False, False]


def test_ml_games_come_from_position_candidates(recent: History) -> None:
    strategy = MLStrategy(random_state=0).fit(recent)
    games = strategy.sample(500, np.random.default_rng(0))
    in_candidates = np.isin(games, strategy.candidates_)
    assert in_candidates.mean() > 0.9, "only duplicates are filled from outside the candidates"
    recommendation = strategy.recommend(5, np.random.default_rng(0))
    games = np.array([game.numbers for game in recommendation.games])
    assert balanced_mask(games).all(), "diversity constraints hold at stage 0"


def test_trained_model_is_reused_without_refitting(recent: History) -> None:
    model = train_position_models(recent.before(int(recent.draw_nos[-1])), random_state=0)
    strategy = MLStrategy(model=model).fit(recent)
    assert strategy.model_ is model
    with pytest.raises(ModelError, match="at least 10"):
        MLStrategy(model=model).fit(recent.last(5))


def test_unified_fills_a_narrow_blend_from_the_union(recent: History) -> None:
    narrow = UnifiedStrategy(top_k=6, min_candidates=40, random_state=0).fit(recent)
    assert narrow.candidates_.size == 40
    assert np.isin(narrow.stat_top_, narrow.candidates_).all()
    assert np.isin(narrow.ml_.candidates_, narrow.candidates_).all()
    outside = np.setdiff1d(np.arange(1, 46), narrow.candidates_)
    assert (narrow.number_probabilities()[outside - 1] == 0).all()
    with pytest.raises(ValueError, match="blend weights"):
        UnifiedStrategy(stat_weight=0, ml_weight=0).fit(recent)


def test_only_statistical_blend_equals_statistical_over_candidates(recent: History) -> None:
    unified = UnifiedStrategy(stat_weight=1.0, ml_weight=0.0, random_state=0).fit(recent)
    statistical = StatisticalStrategy().fit(recent).number_probabilities()
    mask = np.zeros(45, dtype=bool)
    mask[unified.candidates_ - 1] = True
    expected = np.where(mask, statistical, 0) / statistical[mask].sum()
    np.testing.assert_allclose(unified.number_probabilities(), expected)


def test_uniform_sample_is_close_to_uniform() -> None:
    strategy = UniformStrategy().fit(History.from_draws([]))
    games = strategy.sample(20_000, np.random.default_rng(0))
    counts = np.bincount(games.ravel(), minlength=46)[1:]
    expected = 20_000 * 6 / 45
    assert np.abs(counts - expected).max() < 5 * np.sqrt(expected)
