"""``ml``: one classifier per sorted position predicting the next draw's number there.

This is the original JinLotto design, kept as an honest experiment: the features
(``jinlotto.strategies.features``) carry no information about independent draws, so the
classifiers mostly learn where each sorted position usually falls. ``jinlotto evaluate`` shows
their out-of-sample scores beside the uniform and per-position baselines.

Hyperparameters are chosen for size. A random forest stores a 45-class probability row in every
node; the original's unbounded trees (hundreds of nodes each, 100+ trees) grew to 50-100 MB per
position. Here each position has 30 trees of depth at most 6 with at least 15 samples per leaf:
about 0.4 MB per position and a fit of well under a second, and deeper trees only fit noise.

Serving needs only a model's :class:`Forecast` for the newest history: six rows of 45
probabilities. It is stored in the database, so a process that finds it never imports
scikit-learn (about 85 MB and a second or two of start-up); scikit-learn is imported where a
model is trained or asked to predict.
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from jinlotto.domain import combos
from jinlotto.domain.history import History
from jinlotto.errors import ModelError
from jinlotto.strategies.base import FloatArray, IntArray, Strategy, gumbel_noise
from jinlotto.strategies.confidence import ConfidenceWeights
from jinlotto.strategies.features import DEFAULT_WINDOW, MIN_DRAWS, latest_features, training_set

if TYPE_CHECKING:
    from sklearn.base import ClassifierMixin

Estimator = Literal["rf", "hgb", "logreg"]
ESTIMATORS: tuple[str, ...] = ("rf", "hgb", "logreg")
DEFAULT_PARAMS: dict[str, dict[str, Any]] = {
    "rf": {"n_estimators": 30, "max_depth": 6, "min_samples_leaf": 15, "max_features": "sqrt"},
    "hgb": {"max_iter": 20, "max_depth": 3, "learning_rate": 0.05, "early_stopping": False},
    "logreg": {"C": 0.05, "max_iter": 200, "tol": 1e-3},
}
MIN_TRAINING_DRAWS = 30


def make_classifier(estimator: str, params: dict[str, Any], random_state: int | None) -> Any:
    """An unfitted classifier of kind ``estimator`` with ``params`` over the defaults."""
    if estimator not in ESTIMATORS:
        raise ModelError(f"unknown estimator {estimator!r}; choose one of {', '.join(ESTIMATORS)}")
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    merged = {**DEFAULT_PARAMS[estimator], **params}
    if estimator == "rf":
        return RandomForestClassifier(**merged, n_jobs=1, random_state=random_state)
    if estimator == "hgb":
        return HistGradientBoostingClassifier(**merged, random_state=random_state)
    return make_pipeline(StandardScaler(), LogisticRegression(**merged, random_state=random_state))


def probabilities_45(classifier: "ClassifierMixin", features: FloatArray) -> FloatArray:
    """``(m, 45)`` class probabilities with column k - 1 for number k.

    A number never seen at this position in training is not among ``classes_`` and gets 0.
    """
    known = classifier.predict_proba(features)
    full = np.zeros((features.shape[0], 45))
    full[:, np.asarray(classifier.classes_, dtype=np.int64) - 1] = known
    return full


@dataclass
class PositionModels:
    """The saved artifact: six fitted classifiers and what is needed to feed them."""

    estimator: str
    params: dict[str, Any]
    window: int
    classifiers: list[Any]
    first_draw_no: int
    trained_through: int
    samples: int
    feature_version: int = 1
    extra: dict[str, Any] = field(default_factory=dict)

    def predict(self, history: History) -> FloatArray:
        """``(6, 45)`` probabilities of each position of the draw after ``history``'s newest."""
        if len(history) < MIN_DRAWS:
            raise ModelError(f"the ml strategy needs at least {MIN_DRAWS} draws")
        from threadpoolctl import threadpool_limits

        row = latest_features(history, self.window)
        with threadpool_limits(limits=1):
            return np.vstack([probabilities_45(model, row) for model in self.classifiers])


class Predictor(Protocol):
    """What :class:`MLStrategy` needs of a model: the next draw's position probabilities."""

    def predict(self, history: History) -> FloatArray:
        """``(6, 45)`` probabilities of each position of the draw after ``history``'s newest."""
        ...


@dataclass(frozen=True)
class Forecast:
    """A model's :meth:`PositionModels.predict` for one history (its draw count and newest
    draw): all that serving the model needs, without scikit-learn."""

    draws: int
    newest_draw_no: int
    probabilities: FloatArray  # (6, 45)

    @classmethod
    def of(cls, model: Predictor, history: History) -> "Forecast":
        """What ``model`` predicts after ``history``."""
        return cls(len(history), int(history.draw_nos[-1]), model.predict(history))

    def predict(self, history: History) -> FloatArray:
        """The stored probabilities, for the history they were made from only."""
        if (len(history), int(history.draw_nos[-1])) != (self.draws, self.newest_draw_no):
            raise ModelError(
                f"the forecast was made after draw {self.newest_draw_no} of {self.draws} draws; "
                f"the history has {len(history)} ending at draw {int(history.draw_nos[-1])}"
            )
        return self.probabilities


def fit_classifiers(
    features: FloatArray,
    targets: IntArray,
    estimator: str,
    params: dict[str, Any],
    random_state: int | None,
) -> list[Any]:
    """One fitted classifier per sorted position.

    Fitting runs on one thread: the data are small, and OpenMP threads spinning on a busy
    2-core machine made gradient boosting 50 times slower.
    """
    from sklearn.base import clone
    from threadpoolctl import threadpool_limits

    template = make_classifier(estimator, params, random_state)
    with threadpool_limits(limits=1):
        return [clone(template).fit(features, targets[:, position]) for position in range(6)]


def train_position_models(
    history: History,
    *,
    estimator: str = "rf",
    params: dict[str, Any] | None = None,
    window: int = DEFAULT_WINDOW,
    random_state: int | None = None,
) -> PositionModels:
    """Fit the six position classifiers on every (features of draw t, draw t + 1) pair."""
    if len(history) < MIN_TRAINING_DRAWS:
        raise ModelError(f"training needs at least {MIN_TRAINING_DRAWS} draws, got {len(history)}")
    features, targets = training_set(history, window)
    chosen = {**DEFAULT_PARAMS.get(estimator, {}), **(params or {})}
    return PositionModels(
        estimator=estimator,
        params=chosen,
        window=window,
        classifiers=fit_classifiers(features, targets, estimator, chosen, random_state),
        first_draw_no=int(history.draw_nos[0]),
        trained_through=int(history.draw_nos[-1]),
        samples=int(features.shape[0]),
    )


def balanced_mask(games: IntArray) -> NDArray[np.bool_]:
    """The diversity constraints: 2-4 odd numbers, 3+ zones used, no run longer than 2."""
    odd = combos.odd_counts(games)
    zones_used = (combos.zone_counts(games) > 0).sum(axis=1)
    mask: NDArray[np.bool_] = (
        (odd >= 2) & (odd <= 4) & (zones_used >= 3) & (combos.max_consecutive_runs(games) <= 2)
    )
    return mask


def top_candidates(position_probabilities: FloatArray, top_k: int) -> IntArray:
    """``(6, top_k)`` numbers with the highest probability at each position."""
    order = np.argsort(-position_probabilities, axis=1, kind="stable")[:, :top_k]
    return (order + 1).astype(np.int64)


class MLStrategy(Strategy):
    """Samples each sorted position from its classifier's ``top_k`` candidates.

    Games are then made valid (a number drawn for two positions is replaced by one drawn by the
    averaged position probabilities) and must meet the diversity constraints of
    :func:`balanced_mask`. With fixed or excluded numbers, games are drawn by the averaged
    probabilities instead. Passing a trained ``model`` (a :class:`PositionModels`, or its
    :class:`Forecast` for the history) makes ``fit`` use its prediction, without retraining.
    Confidence consensus is the share of positions whose number is one of that position's
    ``top_k`` candidates.
    """

    name = "ml"
    has_diversity = True

    def __init__(
        self,
        *,
        estimator: Estimator = "rf",
        params: dict[str, Any] | None = None,
        window: int = DEFAULT_WINDOW,
        top_k: int = 8,
        model: Predictor | None = None,
        random_state: int | None = None,
        confidence_weights: ConfidenceWeights | None = None,
    ) -> None:
        super().__init__(random_state=random_state, confidence_weights=confidence_weights)
        self.estimator = estimator
        self.params = params
        self.window = window
        self.top_k = top_k
        self.model = model

    def _fit(self, history: History) -> None:
        self.model_: Predictor = self.model or train_position_models(
            history,
            estimator=self.estimator,
            params=self.params,
            window=self.window,
            random_state=self.random_state,
        )
        self.position_probabilities_: FloatArray = self.model_.predict(history)
        self.candidates_: IntArray = top_candidates(self.position_probabilities_, self.top_k)
        self.probabilities_: FloatArray = self.position_probabilities_.mean(axis=0)

    def number_probabilities(self) -> FloatArray:
        """The six position distributions averaged (each sums to 1, so the mean does too)."""
        return self.probabilities_

    def sample(self, m: int, rng: np.random.Generator) -> IntArray:
        """``(m, 6)`` games: each position drawn from its top candidates, then made distinct."""
        weights = np.take_along_axis(self.position_probabilities_, self.candidates_ - 1, axis=1)
        cumulative = np.cumsum(weights / weights.sum(axis=1, keepdims=True), axis=1)
        draws = rng.random((m, 6))
        picks = (draws[:, :, np.newaxis] > cumulative[np.newaxis, :, :]).sum(axis=2)
        picks = np.minimum(picks, self.top_k - 1)
        chosen = self.candidates_[np.arange(6), picks]
        # Chosen numbers outrank every other key; duplicates leave room that is filled by weight.
        keys = self.log_weights_ + gumbel_noise(rng, (m, 45))
        np.put_along_axis(keys, chosen - 1, np.inf, axis=1)
        games = np.argpartition(-keys, 5, axis=1)[:, :6] + 1
        return np.sort(games, axis=1).astype(np.int64)

    def consensus(self, games: IntArray) -> FloatArray:
        """Share of positions whose number is among that position's top candidates."""
        hits = (games[:, :, np.newaxis] == self.candidates_[np.newaxis, :, :]).any(axis=2)
        ratios: FloatArray = hits.mean(axis=1)
        return ratios

    def diversity_mask(self, games: IntArray) -> NDArray[np.bool_]:
        """Odd/even balance, zone coverage and at most 2 consecutive (:func:`balanced_mask`)."""
        return balanced_mask(games)
