"""Which model is active, kept in the database so every process and machine agrees.

``activate`` appends a row to ``model_activations``; the newest row not rolled back names the
active model. ``rollback`` marks the current row rolled back and returns the model that is
active again. Services only ``flush``; the caller's transaction commits.
"""

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy.orm import Session

from jinlotto.config import Settings
from jinlotto.db.repositories import activations
from jinlotto.domain.history import History
from jinlotto.errors import ModelError, NotFoundError
from jinlotto.registry import store
from jinlotto.strategies.base import Strategy
from jinlotto.strategies.confidence import ConfidenceWeights

if TYPE_CHECKING:
    from jinlotto.strategies.ml import PositionModels

logger = logging.getLogger(__name__)


def weights_from_settings(settings: Settings) -> ConfidenceWeights:
    """The confidence formula's constants from the ``CONF_*`` settings."""
    return ConfidenceWeights(
        base=settings.conf_base,
        minimum=settings.conf_min,
        maximum=settings.conf_max,
        consensus=settings.conf_w_consensus,
        hot=settings.conf_w_hot,
        entropy=settings.conf_w_entropy,
    )


def active_model_name(session: Session) -> str | None:
    """Name of the active model, ``None`` before any model was activated."""
    current = activations.current(session)
    return current.model_name if current else None


def _model_file(settings: Settings, name: str) -> Path:
    try:
        path = store.model_path(name, model_dir=settings.model_dir)
    except ValueError as error:
        raise NotFoundError(f"no model named {name!r}") from error
    if not path.is_file():
        raise NotFoundError(f"no model named {name!r} in {path.parent}")
    return path


def _usable_model_file(settings: Settings, name: str, action: str) -> Path:
    """The file of model ``name``, refused with ``ModelError`` unless its metadata and sha256
    vouch for it."""
    path = _model_file(settings, name)
    problem = store.model_problem(path)
    if problem is not None:
        raise ModelError(f"model {name} cannot be {action}: {problem}")
    return path


def activate(session: Session, name: str, *, settings: Settings) -> None:
    """Make ``name`` the active model; it must exist with valid metadata and checksum."""
    _usable_model_file(settings, name, "activated")
    activations.add(session, name, now=datetime.now(UTC))
    logger.info("activated model %s", name)


def rollback(session: Session, *, settings: Settings) -> str:
    """Deactivate the active model and return the one that was active before it.

    Repeated activations of the same model are skipped, so the result always differs from the
    model rolled back; with no earlier model, ``NotFoundError``, and with an earlier model whose
    file is missing or not valid, ``ModelError``; either way nothing changes.
    """
    rows = activations.live(session)
    if not rows:
        raise NotFoundError("no model is active")
    current = rows[0].model_name
    earlier = next((row for row in rows if row.model_name != current), None)
    if earlier is None:
        raise NotFoundError(f"no model was active before {current}; nothing to roll back to")
    _usable_model_file(settings, earlier.model_name, "activated again")
    now = datetime.now(UTC)
    for row in rows:
        if row is earlier:
            break
        row.rolled_back_at = now
    session.flush()
    logger.info("rolled back model %s to %s", current, earlier.model_name)
    return earlier.model_name


def list_models(settings: Settings, session: Session) -> list[dict[str, Any]]:
    """Every saved model, newest first, with its metadata summary, whether it is active, and
    whether it is valid (``problem`` says why not). Removes what killed saves left behind."""
    store.remove_stale_temporaries(model_dir=settings.model_dir)
    active = active_model_name(session)
    listing = []
    for path in store.model_files(model_dir=settings.model_dir):
        problem = store.model_problem(path)
        metadata = (store.read_metadata(path) or {}) if problem is None else {}
        listing.append(
            {
                "name": path.stem,
                "active": path.stem == active,
                "valid": problem is None,
                "problem": problem,
                "saved_at": metadata.get("saved_at"),
                "estimator": metadata.get("hyperparameters", {}).get("estimator"),
                "training_draw_range": metadata.get("training_draw_range"),
                "file_size_bytes": path.stat().st_size,
                "model_version": metadata.get("model_version"),
            }
        )
    return listing


def show_model(settings: Settings, name: str) -> dict[str, Any]:
    """The full metadata of one saved model."""
    path = _model_file(settings, name)
    return {"name": name, "path": str(path), **(store.read_metadata(path) or {})}


def load_model(settings: Settings, name: str) -> "PositionModels":
    """The saved position models of ``name``; a missing, corrupt or foreign file raises
    ``ModelError``."""
    from jinlotto.strategies.ml import PositionModels

    path = store.model_path(name, model_dir=settings.model_dir)
    try:
        model = store.load_model(path)
    except ModelError:
        raise
    except (OSError, ValueError) as error:
        raise ModelError(f"model {name} cannot be loaded: {error}") from error
    if not isinstance(model, PositionModels):
        raise ModelError(f"model {name} is not a JinLotto position model")
    return model


def load_strategy(
    settings: Settings, name: str, history: History, strategy: Literal["ml", "unified"]
) -> Strategy:
    """Strategy ``strategy`` using saved model ``name``, fitted on ``history`` without training.

    Only the prediction features of the newest draws are computed, so this is cheap.
    """
    from jinlotto.strategies.ml import MLStrategy
    from jinlotto.strategies.unified import UnifiedStrategy

    model = load_model(settings, name)
    weights = weights_from_settings(settings)
    chosen: Strategy
    if strategy == "ml":
        chosen = MLStrategy(model=model, confidence_weights=weights)
    elif strategy == "unified":
        chosen = UnifiedStrategy(model=model, confidence_weights=weights)
    else:
        raise NotFoundError(f"strategy {strategy!r} does not use a trained model")
    return chosen.fit(history)
