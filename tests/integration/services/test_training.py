"""Training on the real shared draws end to end: database -> models -> registry -> active."""

import math
from pathlib import Path
from unittest.mock import ANY

import numpy as np
import pytest
from sqlalchemy import text
from tests.support.store import import_draws

from jinlotto.config import Settings
from jinlotto.db import migrate
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
        strategy = models.load_strategy(loaded, settings, result.model_name, shared_history, name)
        recommendation = strategy.recommend(5, np.random.default_rng(1), Filters(fixed=(7,)))
        assert len(recommendation.games) == 5
        assert all(7 in game.numbers for game in recommendation.games)
        assert all(0.4 <= game.confidence <= 0.8 for game in recommendation.games)
    ml = models.load_strategy(loaded, settings, result.model_name, shared_history, "ml")
    earlier = shared_history.before(1151)
    newer = models.load_strategy(loaded, settings, result.model_name, earlier, "ml")
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


def test_a_damaged_or_missing_local_copy_is_fetched_again_and_a_damaged_row_is_refused(
    loaded: Database, settings: Settings
) -> None:
    result = train_and_activate(loaded, settings)
    path = Path(result.path)
    original = path.read_bytes()
    with path.open("r+b") as handle:
        handle.seek(100)
        handle.write(b"\x00corrupt\x00")
    assert models.load_model(loaded, settings, result.model_name).trained_through == 1200
    assert path.read_bytes() == original, "the damaged copy was replaced by the database's"
    path.unlink()
    assert models.load_model(loaded, settings, result.model_name) is not None
    assert path.read_bytes() == original

    with loaded.transaction() as session:
        session.execute(text("UPDATE model_artefacts SET content = :junk"), {"junk": b"junk"})
    path.unlink()
    with pytest.raises(ModelError, match="do not match their recorded sha256"):
        models.load_model(loaded, settings, result.model_name)
    with loaded.transaction() as session, pytest.raises(ModelError, match="recorded sha256"):
        models.activate(session, result.model_name, settings=settings)
    assert not path.exists(), "a damaged row is never written into MODEL_DIR"


def test_a_model_trained_on_one_machine_is_served_from_another_machines_empty_folder(
    loaded: Database, settings: Settings, tmp_path: Path
) -> None:
    result = train_and_activate(loaded, settings)
    elsewhere = settings.model_copy(update={"model_dir": tmp_path / "elsewhere"})
    with loaded.sessions() as session:
        (before,) = models.list_models(elsewhere, session)
    assert (before["in_database"], before["cached"], before["active"]) == (True, False, True)
    model = models.load_model(loaded, elsewhere, result.model_name)
    assert model.trained_through == 1200
    copy = store.model_path(result.model_name, model_dir=elsewhere.model_dir)
    assert copy.read_bytes() == Path(result.path).read_bytes()
    with loaded.sessions() as session:
        (after,) = models.list_models(elsewhere, session)
        shown = models.show_model(elsewhere, session, result.model_name)
    assert (after["in_database"], after["cached"]) == (True, True)
    assert shown["path"] == str(copy) and shown["sha256"] == store.sha256_of(copy)


def test_the_migration_keeps_an_active_model_saved_before_models_were_stored(
    loaded: Database, settings: Settings, tmp_path: Path
) -> None:
    result = train_and_activate(loaded, settings)
    # Back to the schema before the model table, as a database upgraded from it is.
    migrate.downgrade(loaded.engine, "0007_rate_limits")
    migrate.upgrade(loaded.engine)
    elsewhere = settings.model_copy(update={"model_dir": tmp_path / "elsewhere"})
    with pytest.raises(ModelError, match="cannot be loaded: no model named"):
        models.load_model(loaded, elsewhere, result.model_name)
    with loaded.sessions() as session:
        (entry,) = models.list_models(settings, session)
    assert (entry["in_database"], entry["valid"], entry["active"]) == (False, True, True)

    # The machine holding the file stores it when it loads it; then every machine has it.
    assert models.load_model(loaded, settings, result.model_name).trained_through == 1200
    assert models.load_model(loaded, elsewhere, result.model_name).trained_through == 1200
    with loaded.sessions() as session:
        assert models.active_model_name(session) == result.model_name


def test_import_stores_valid_local_files_and_refuses_damaged_ones(
    loaded: Database, settings: Settings
) -> None:
    first = train_and_activate(loaded, settings)
    second = train_and_activate(loaded, settings, random_state=1)
    with loaded.transaction() as session:
        session.execute(text("DELETE FROM model_artefacts"))
    Path(second.path).write_bytes(b"not a model")
    assert models.import_local(loaded, settings) == {
        second.model_name: (
            f"model {second.model_name} cannot be imported: it does not match its recorded sha256"
        ),
        first.model_name: None,
    }
    assert models.import_local(loaded, settings) == {second.model_name: ANY}
    with loaded.sessions() as session:
        listing = {entry["name"]: entry for entry in models.list_models(settings, session)}
    assert listing[first.model_name]["in_database"] is True
    assert (listing[second.model_name]["in_database"], listing[second.model_name]["valid"]) == (
        False,
        False,
    )


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
