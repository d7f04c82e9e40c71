"""Training on the real shared draws end to end: database -> models -> registry -> active."""

import math
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text
from tests.support.store import import_draws

from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.domain.draw import Draw
from jinlotto.domain.history import History
from jinlotto.errors import ModelError, NotFoundError
from jinlotto.registry import store
from jinlotto.services import models
from jinlotto.services.training import evaluate_active, train_and_activate
from jinlotto.strategies.filters import Filters


def test_training_saves_activates_and_reports_honest_metrics(
    loaded: Database, settings: Settings
) -> None:
    result = train_and_activate(loaded, settings)

    assert result.training_draw_range == [1, 1200]
    assert result.training_samples + result.test_samples == 1190  # draws 11..1200 as targets
    assert Path(result.path).is_file()
    assert result.file_size_bytes < 5_000_000
    with loaded.sessions() as session:
        assert models.active_model_name(session) == result.model_name
    metrics = result.metrics
    assert metrics["uniform_log_loss"] == pytest.approx(math.log(45), abs=1e-4)
    assert metrics["uniform_top_k_hit_rate"] == pytest.approx(8 / 45, abs=1e-4)
    assert len(metrics["positions"]) == 6
    assert metrics["samples"] == result.test_samples
    metadata = store.read_metadata(result.path)
    assert metadata is not None
    assert metadata["training_draw_range"] == [1, 1200]
    assert metadata["sha256"] == store.sha256_of(Path(result.path))
    assert metadata["evaluation_metrics"] == metrics
    assert result.to_dict()["model_name"] == result.model_name


def test_loaded_model_recommends_for_a_newer_history_without_retraining(
    loaded: Database, settings: Settings, shared_history: History, shared_draws: list[Draw]
) -> None:
    # Train on draws up to 1150 only, then recommend from the full history of 1200 draws.
    with loaded.transaction() as session:
        session.execute(text("DELETE FROM draws WHERE draw_no > 1150"))
    result = train_and_activate(loaded, settings)
    assert result.training_draw_range == [1, 1150]

    for name in ("ml", "unified"):
        strategy = models.load_strategy(settings, result.model_name, shared_history, name)
        recommendation = strategy.recommend(5, np.random.default_rng(1), Filters(fixed=(7,)))
        assert len(recommendation.games) == 5
        assert all(7 in game.numbers for game in recommendation.games)
        assert all(0.4 <= game.confidence <= 0.8 for game in recommendation.games)
    ml = models.load_strategy(settings, result.model_name, shared_history, "ml")
    newer = models.load_strategy(settings, result.model_name, shared_history.before(1151), "ml")
    # The prediction features come from the history given, so the newer draws change them.
    assert not np.allclose(ml.number_probabilities(), newer.number_probabilities())


def test_activate_and_rollback_are_shared_through_the_database(
    loaded: Database, settings: Settings
) -> None:
    first = train_and_activate(loaded, settings, estimator="rf")
    second = train_and_activate(loaded, settings, estimator="rf", random_state=1)
    assert first.model_name != second.model_name
    with loaded.transaction() as session:
        assert models.active_model_name(session) == second.model_name
        listing = models.list_models(settings, session)
    assert {entry["name"] for entry in listing} == {first.model_name, second.model_name}
    assert [entry["active"] for entry in listing if entry["name"] == second.model_name] == [True]

    with loaded.transaction() as session:
        assert models.rollback(session, settings=settings) == first.model_name
    with loaded.sessions() as session:
        assert models.active_model_name(session) == first.model_name
    with loaded.transaction() as session, pytest.raises(NotFoundError, match="nothing to roll"):
        models.rollback(session, settings=settings)
    with loaded.transaction() as session:
        models.activate(session, second.model_name, settings=settings)
    with loaded.sessions() as session:
        assert models.active_model_name(session) == second.model_name
    with loaded.transaction() as session, pytest.raises(NotFoundError, match="no model named"):
        models.activate(session, "lotto_model_19990101", settings=settings)


def test_corrupt_model_file_is_refused(loaded: Database, settings: Settings) -> None:
    result = train_and_activate(loaded, settings)
    with Path(result.path).open("r+b") as handle:
        handle.seek(100)
        handle.write(b"\x00corrupt\x00")
    with pytest.raises(ModelError, match="sha256"):
        models.load_strategy(settings, result.model_name, History.from_draws([]), "ml")
    Path(result.path).unlink()
    with pytest.raises(ModelError, match="not found"):
        models.load_strategy(settings, result.model_name, History.from_draws([]), "ml")


def test_tuned_training_uses_time_series_folds(loaded: Database, settings: Settings) -> None:
    result = train_and_activate(loaded, settings, tune=True)
    assert result.hyperparameters["max_depth"] in (4, 6, 8)
    assert result.hyperparameters["min_samples_leaf"] in (10, 25)
    metadata = store.read_metadata(result.path)
    assert metadata is not None and metadata["tuned"] is True


def test_evaluate_compares_with_both_baselines(loaded: Database, settings: Settings) -> None:
    with pytest.raises(ModelError, match="no model is active"):
        evaluate_active(loaded, settings)
    train_and_activate(loaded, settings)
    report = evaluate_active(loaded, settings)
    assert report["folds"] == 5
    assert report["uniform_log_loss"] == pytest.approx(math.log(45), abs=1e-4)
    mean = report["mean"]
    # Sorted positions are far from uniform, so the per-position baseline beats log 45 ...
    assert mean["position_baseline_log_loss"] < report["uniform_log_loss"]
    assert report["beats_position_baseline"] == (
        mean["log_loss"] < mean["position_baseline_log_loss"]
    )
    assert report["since_training"] is None, "the model has seen every stored draw"


def test_evaluate_scores_the_saved_model_on_draws_added_after_training(
    database: Database, settings: Settings, shared_draws: list[Draw]
) -> None:
    import_draws(database, shared_draws[:1150], source="file")
    train_and_activate(database, settings)
    import_draws(database, shared_draws[1150:], source="file")
    since = evaluate_active(database, settings)["since_training"]
    assert since is not None
    assert since["samples"] == 50
    assert len(since["positions"]) == 6


def test_training_refuses_too_little_history(database: Database, settings: Settings) -> None:
    with pytest.raises(ModelError, match="at least 60"):
        train_and_activate(database, settings)
    with pytest.raises(ModelError, match="unknown estimator"):
        train_and_activate(database, settings, estimator="svm")
