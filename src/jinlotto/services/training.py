"""Train the per-position models on the stored history, save them, activate them; evaluate.

The weekly retraining goes through a gate (:func:`retrain_with_gate`): a retrained model
replaces the active one only if its held-out log-loss is at most ``RETRAIN_MARGIN`` worse.

Every score is out-of-sample and time-ordered: models are fitted on earlier draws and scored
on later ones. Beside each score stand two baselines: uniform (log-loss log 45, top-K hit rate
K/45) and the per-position frequencies of the training draws (a sorted position's number is far
from uniform: position 1 is usually small). A model that does not beat the per-position
baseline has learned nothing beyond the sorting.
"""

import logging
import math
import time
from dataclasses import asdict, dataclass
from itertools import product
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.errors import ModelError, NotFoundError
from jinlotto.services import models
from jinlotto.services.draws import load_history
from jinlotto.strategies.features import DEFAULT_WINDOW, MIN_DRAWS, training_set

logger = logging.getLogger(__name__)

TOP_K = 8
TEST_SHARE = 0.2
TUNING_SPLITS = 4
EVALUATION_SPLITS = 5
# The features' lead-in (MIN_DRAWS) plus 50 rows: fewer leaves folds too small to score.
MIN_HISTORY = MIN_DRAWS + 50
# How much higher (worse) the held-out log-loss of a retrained model may be than the active
# model's and still replace it, in nats of the mean per-position log-loss. One held-out score is
# a mean over the newest ~240 draws with a standard error of 0.04-0.06; on the real draws
# 1100-1200 the same training procedure's score moved by at most 0.02 from one 4-draw step to the
# next and by 0.10 in all. 0.10 is about two standard errors: new draws alone do not trip it,
# while a broken model does (an overfitted forest scores 12.7; uniform guessing is log 45 = 3.81).
RETRAIN_MARGIN = 0.10
TUNING_GRID: dict[str, dict[str, list[Any]]] = {
    "rf": {"max_depth": [4, 6, 8], "min_samples_leaf": [10, 25]},
    "hgb": {"max_depth": [2, 3], "learning_rate": [0.03, 0.1]},
    "logreg": {"C": [0.01, 0.05, 0.2]},
}


@dataclass(frozen=True, slots=True)
class TrainingResult:
    """What one training run produced."""

    model_name: str
    path: str
    estimator: str
    hyperparameters: dict[str, Any]
    training_draw_range: list[int]
    training_samples: int
    test_samples: int
    metrics: dict[str, Any]
    file_size_bytes: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return asdict(self)


def score_positions(
    classifiers: list[Any],
    features: NDArray[np.float64],
    targets: NDArray[np.int64],
    train_targets: NDArray[np.int64],
    top_k: int = TOP_K,
) -> dict[str, Any]:
    """Per-position log-loss and top-K hit rate of ``classifiers`` beside both baselines."""
    from jinlotto.strategies.ml import probabilities_45

    rows = np.arange(targets.shape[0])
    positions = []
    for position, classifier in enumerate(classifiers):
        truth = targets[:, position]
        model = probabilities_45(classifier, features)
        counts = np.bincount(train_targets[:, position] - 1, minlength=45) + 1.0
        marginal = np.broadcast_to(counts / counts.sum(), model.shape)
        positions.append(
            {
                "position": position + 1,
                "log_loss": _log_loss(model, rows, truth),
                "top_k_hit_rate": _top_k_hits(model, truth, top_k),
                "position_baseline_log_loss": _log_loss(marginal, rows, truth),
                "position_baseline_top_k_hit_rate": _top_k_hits(marginal, truth, top_k),
            }
        )
    summary = {
        key: round(float(np.mean([entry[key] for entry in positions])), 4)
        for key in positions[0]
        if key != "position"
    }
    return {
        "top_k": top_k,
        "samples": int(targets.shape[0]),
        "mean": summary,
        **_uniform_baselines(top_k),
        "positions": positions,
    }


def _uniform_baselines(top_k: int) -> dict[str, float]:
    return {
        "uniform_log_loss": round(math.log(45), 4),
        "uniform_top_k_hit_rate": round(top_k / 45, 4),
    }


def _log_loss(
    probabilities: NDArray[np.float64], rows: NDArray[np.int64], truth: NDArray[np.int64]
) -> float:
    # Clipped like scikit-learn's log_loss: a zero probability for the drawn number costs ~34.5.
    chosen = np.clip(probabilities[rows, truth - 1], 1e-15, 1.0)
    return round(float(-np.log(chosen).mean()), 4)


def _top_k_hits(probabilities: NDArray[np.float64], truth: NDArray[np.int64], top_k: int) -> float:
    top = np.argsort(-probabilities, axis=1, kind="stable")[:, :top_k] + 1
    return round(float((top == truth[:, np.newaxis]).any(axis=1).mean()), 4)


def tune_hyperparameters(
    features: NDArray[np.float64],
    targets: NDArray[np.int64],
    estimator: str,
    random_state: int,
) -> dict[str, Any]:
    """The grid point with the lowest mean log-loss over ``TimeSeriesSplit`` folds."""
    from jinlotto.strategies.ml import DEFAULT_PARAMS

    grid = TUNING_GRID[estimator]
    best: tuple[float, dict[str, Any]] | None = None
    for values in product(*grid.values()):
        params = {**DEFAULT_PARAMS[estimator], **dict(zip(grid, values, strict=True))}
        folds = _walk_forward(features, targets, estimator, params, random_state, TUNING_SPLITS)
        loss = float(np.mean([fold["mean"]["log_loss"] for fold in folds]))
        logger.info("tuning %s %s: mean log-loss %.4f", estimator, params, loss)
        if best is None or loss < best[0]:
            best = (loss, params)
    assert best is not None  # the grid is never empty
    return best[1]


def _walk_forward(
    features: NDArray[np.float64],
    targets: NDArray[np.int64],
    estimator: str,
    params: dict[str, Any],
    random_state: int,
    splits: int,
) -> list[dict[str, Any]]:
    """Scores of ``params`` fitted on each ``TimeSeriesSplit`` training part, on the next part."""
    from sklearn.model_selection import TimeSeriesSplit

    from jinlotto.strategies.ml import fit_classifiers

    folds = []
    for train, test in TimeSeriesSplit(n_splits=splits).split(features):
        fitted = fit_classifiers(features[train], targets[train], estimator, params, random_state)
        folds.append(score_positions(fitted, features[test], targets[test], targets[train]))
    return folds


def train_model(
    database: Database,
    settings: Settings,
    *,
    estimator: str = "rf",
    params: dict[str, Any] | None = None,
    tune: bool = False,
    random_state: int = 0,
    activate: bool = False,
) -> TrainingResult:
    """Train on every stored draw, score on a held-out later part, and save (see
    :func:`jinlotto.services.models.save`; with ``activate``, activated in the same transaction).

    ``params`` override the estimator's defaults; ``tune`` picks them instead.
    """
    from jinlotto.strategies.ml import (
        DEFAULT_PARAMS,
        ESTIMATORS,
        fit_classifiers,
        train_position_models,
    )

    if estimator not in ESTIMATORS:
        raise ModelError(f"unknown estimator {estimator!r}; choose one of {', '.join(ESTIMATORS)}")
    started = time.perf_counter()
    history = load_history(database)
    if len(history) < MIN_HISTORY:
        raise ModelError(
            f"training needs at least {MIN_HISTORY} stored draws, found {len(history)}"
        )
    features, targets = training_set(history, DEFAULT_WINDOW)
    if tune:
        params = tune_hyperparameters(features, targets, estimator, random_state)
    else:
        params = {**DEFAULT_PARAMS[estimator], **(params or {})}
    split = int(features.shape[0] * (1 - TEST_SHARE))
    held_out = fit_classifiers(features[:split], targets[:split], estimator, params, random_state)
    metrics = score_positions(held_out, features[split:], targets[split:], targets[:split])
    model = train_position_models(
        history, estimator=estimator, params=params, random_state=random_state
    )
    draw_range = [model.first_draw_no, model.trained_through]
    path = models.save(
        database,
        settings,
        model,
        {
            "model_type": f"PositionModels[{estimator}]",
            "hyperparameters": {"estimator": estimator, "window": DEFAULT_WINDOW, **params},
            "training_draw_range": draw_range,
            "training_samples": split,
            "test_samples": int(features.shape[0] - split),
            "final_fit_samples": model.samples,
            "evaluation_metrics": metrics,
            "tuned": tune,
        },
        activate=activate,
    )
    models.store_forecast(database, path.stem, model, history)  # what serving it needs
    return TrainingResult(
        model_name=path.stem,
        path=str(path),
        estimator=estimator,
        hyperparameters=params,
        training_draw_range=draw_range,
        training_samples=split,
        test_samples=int(features.shape[0] - split),
        metrics=metrics,
        file_size_bytes=path.stat().st_size,
        seconds=round(time.perf_counter() - started, 2),
    )


def train_and_activate(
    database: Database,
    settings: Settings,
    *,
    estimator: str = "rf",
    tune: bool = False,
    random_state: int = 0,
) -> TrainingResult:
    """Train, save and make the new model the active one (:func:`train_model`)."""
    return train_model(
        database, settings, estimator=estimator, tune=tune, random_state=random_state, activate=True
    )


@dataclass(frozen=True, slots=True)
class RetrainOutcome:
    """A retrained candidate and whether it replaced the active model."""

    candidate: str
    candidate_log_loss: float
    previous: str | None
    previous_log_loss: float | None
    activated: bool
    margin: float = RETRAIN_MARGIN

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return asdict(self)


def retrain_with_gate(
    database: Database,
    settings: Settings,
    *,
    estimator: str | None = None,
    params: dict[str, Any] | None = None,
) -> RetrainOutcome:
    """Retrain on every stored draw and activate the result only if it is not worse.

    The candidate uses the active model's estimator and hyperparameters unless others are given.
    It replaces the active model when its held-out log-loss is at most ``RETRAIN_MARGIN`` above
    the one recorded for the active model (or when none is active or recorded); otherwise it is
    saved but the active model stays.
    """
    with database.sessions() as session:
        previous = models.active_model_name(session)
        recorded = _recorded_training(session, settings, previous)
    if estimator is None and recorded is not None:
        estimator = recorded.estimator
        params = recorded.params if params is None else params
    result = train_model(database, settings, estimator=estimator or "rf", params=params)
    candidate_loss = float(result.metrics["mean"]["log_loss"])
    previous_loss = recorded.log_loss if recorded is not None else None
    activated = previous_loss is None or candidate_loss <= previous_loss + RETRAIN_MARGIN
    if activated:
        with database.transaction() as session:
            models.activate(session, result.model_name, settings=settings)
    else:
        logger.warning(
            "kept model %s: candidate %s held-out log-loss %.4f is worse than %.4f by more "
            "than %.2f",
            previous,
            result.model_name,
            candidate_loss,
            previous_loss,
            RETRAIN_MARGIN,
        )
        if previous is not None:  # its forecast for the newest draws, made here for everyone
            models.load_forecast(database, settings, previous, load_history(database))
    return RetrainOutcome(
        candidate=result.model_name,
        candidate_log_loss=candidate_loss,
        previous=previous,
        previous_log_loss=previous_loss,
        activated=activated,
    )


@dataclass(frozen=True, slots=True)
class _Recorded:
    """What a saved model's metadata says about how it was trained and scored."""

    estimator: str
    params: dict[str, Any]
    log_loss: float


def _recorded_training(session: Session, settings: Settings, name: str | None) -> _Recorded | None:
    """Estimator, hyperparameters and held-out log-loss saved with model ``name``, if known."""
    if name is None:
        return None
    try:
        metadata = models.metadata_of(session, settings, name)
    except NotFoundError:
        metadata = {}
    try:
        params = dict(metadata["hyperparameters"])
        loss = float(metadata["evaluation_metrics"]["mean"]["log_loss"])
    except (KeyError, TypeError, ValueError):
        logger.warning("model %s has no recorded held-out score; a retrained one replaces it", name)
        return None
    estimator = str(params.pop("estimator", "rf"))
    params.pop("window", None)
    return _Recorded(estimator, params, loss)


def evaluate_active(database: Database, settings: Settings) -> dict[str, Any]:
    """Walk-forward scores of the active model's configuration on the stored history.

    The active model's estimator and hyperparameters are refitted on each ``TimeSeriesSplit``
    training part and scored on the following part; the folds' scores are averaged. Draws
    stored after the model was trained also score the saved model itself (``since_training``,
    ``None`` when there are none).
    """
    with database.sessions() as session:
        name = models.active_model_name(session)
    if name is None:
        raise ModelError("no model is active; train one with `jinlotto train`")
    model = models.load_model(database, settings, name)
    history = load_history(database)
    features, targets = training_set(history, model.window)
    if len(history) < MIN_HISTORY:
        raise ModelError(
            f"evaluation needs at least {MIN_HISTORY} stored draws, found {len(history)}"
        )
    folds = _walk_forward(features, targets, model.estimator, model.params, 0, EVALUATION_SPLITS)
    mean = {
        key: round(float(np.mean([f["mean"][key] for f in folds])), 4) for key in folds[0]["mean"]
    }
    return {
        "model_name": name,
        "estimator": model.estimator,
        "hyperparameters": model.params,
        "folds": len(folds),
        "test_samples": int(sum(f["samples"] for f in folds)),
        "top_k": TOP_K,
        "mean": mean,
        **_uniform_baselines(TOP_K),
        "beats_position_baseline": mean["log_loss"] < mean["position_baseline_log_loss"],
        "since_training": _since_training(model, history.draw_nos, features, targets),
    }


def _since_training(
    model: Any,
    draw_nos: NDArray[np.int64],
    features: NDArray[np.float64],
    targets: NDArray[np.int64],
) -> dict[str, Any] | None:
    """Scores of the saved model on the draws it never saw (targets are draws 11..n)."""
    newer = draw_nos[MIN_DRAWS:] > model.trained_through
    if not newer.any():
        return None
    return score_positions(model.classifiers, features[newer], targets[newer], targets[~newer])
