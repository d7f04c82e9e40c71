"""Saved models and which one is active, both kept in the database so every process and machine
serves the same model without sharing a folder.

Saving writes the model file under ``MODEL_DIR`` first (atomically, :mod:`jinlotto.registry.store`)
and then one row holding its bytes, sha256 and metadata. ``MODEL_DIR`` is this machine's copy:
a copy whose sha256 differs from the row's is fetched again, and a row whose bytes do not match
its own sha256 is refused. A valid file only this machine holds (saved before models were stored
in the database) is stored when it is imported, activated or loaded.

``activate`` appends a row to ``model_activations``; the newest row not rolled back names the
active model. ``rollback`` marks the current row rolled back and returns the model that is
active again. Services only ``flush``; the caller's transaction commits.

Serving a model needs only its forecast for the stored history (``model_forecasts``): the
first process that has both stores it, and every other process and machine reads it instead
of loading the model, so none of them imports scikit-learn.
"""

import hashlib
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.db.models import ModelArtefactRecord
from jinlotto.db.repositories import activations
from jinlotto.db.repositories import artefacts as artefact_repo
from jinlotto.db.repositories import forecasts as forecast_repo
from jinlotto.domain.history import History
from jinlotto.errors import ModelError, NotFoundError
from jinlotto.registry import store
from jinlotto.strategies.base import Strategy
from jinlotto.strategies.confidence import ConfidenceWeights

if TYPE_CHECKING:
    from jinlotto.strategies.ml import Forecast, PositionModels, Predictor

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


def save(
    database: Database,
    settings: Settings,
    model: Any,
    metadata: dict[str, Any],
    *,
    activate: bool = False,
) -> Path:
    """Save a trained model under an unused name: its file here, then in one transaction its
    row (bytes, sha256, metadata) and, when ``activate``, its activation. Returns the file."""
    with database.sessions() as session:
        taken = artefact_repo.names(session)
    taken |= {path.stem for path in store.model_files(model_dir=settings.model_dir)}
    name = store.unused_name(taken)
    path = Path(store.save_model(model, name, metadata, model_dir=settings.model_dir))
    try:
        with database.transaction() as session:
            _store_file(session, name, path)
            if activate:
                activations.add(session, name, now=datetime.now(UTC))
    except IntegrityError as error:
        message = f"another process saved a model named {name} meanwhile; train again"
        raise ModelError(message) from error
    return path


def _store_file(session: Session, name: str, path: Path) -> ModelArtefactRecord:
    metadata = store.read_metadata(path) or {}
    content = path.read_bytes()
    sha256 = hashlib.sha256(content).hexdigest()
    if metadata.get("sha256") != sha256:
        raise ModelError(f"model file {path.name} changed while it was being stored")
    return artefact_repo.add(
        session, name, sha256=sha256, details=metadata, content=content, now=datetime.now(UTC)
    )


def _local_file(settings: Settings, name: str) -> Path:
    try:
        path = store.model_path(name, model_dir=settings.model_dir)
    except ValueError as error:
        raise NotFoundError(f"no model named {name!r}") from error
    if not path.is_file():
        raise NotFoundError(f"no model named {name!r} in the database or in {path.parent}")
    return path


def import_file(
    session: Session, settings: Settings, name: str, action: str
) -> ModelArtefactRecord:
    """Store the file of model ``name`` that only this machine's ``MODEL_DIR`` holds; refused
    with ``ModelError`` unless its metadata and sha256 vouch for it."""
    path = _local_file(settings, name)
    problem = store.model_problem(path)
    if problem is not None:
        raise ModelError(f"model {name} cannot be {action}: {problem}")
    record = _store_file(session, name, path)
    logger.warning("stored model %s, found only in %s, in the database", name, path.parent)
    return record


def import_local(database: Database, settings: Settings) -> dict[str, str | None]:
    """Store every model file of this machine that the database lacks; each name with why it
    was refused, or ``None`` when it was stored."""
    outcome: dict[str, str | None] = {}
    for path in store.model_files(model_dir=settings.model_dir):
        with database.transaction() as session:
            if artefact_repo.get(session, path.stem) is not None:
                continue
            try:
                import_file(session, settings, path.stem, "imported")
            except ModelError as error:
                outcome[path.stem] = error.message
            else:
                outcome[path.stem] = None
    return outcome


def _stored(session: Session, settings: Settings, name: str, action: str) -> ModelArtefactRecord:
    """The row of model ``name``, storing first a valid file only this machine holds."""
    row = artefact_repo.get(session, name)
    return row if row is not None else import_file(session, settings, name, action)


def _copy_here(session: Session, settings: Settings, row: ModelArtefactRecord, action: str) -> Path:
    """This machine's file of ``row``'s model, fetched again unless it matches the row's sha256;
    a row whose bytes do not match its sha256 raises ``ModelError``."""
    path = store.model_path(row.model_name, model_dir=settings.model_dir)
    if _matches(path, row.sha256):
        return path
    content = artefact_repo.content(session, row.model_name) or b""
    if hashlib.sha256(content).hexdigest() != row.sha256:
        raise ModelError(
            f"model {row.model_name} cannot be {action}: "
            "its bytes in the database do not match their recorded sha256"
        )
    logger.info("fetched model %s from the database (%d bytes)", row.model_name, len(content))
    metadata = {**row.details, "sha256": row.sha256}
    return store.write_copy(row.model_name, content, metadata, model_dir=settings.model_dir)


def _matches(path: Path, sha256: str) -> bool:
    """Whether ``path`` is a valid model file (see ``store.model_problem``) of bytes ``sha256``."""
    if not path.is_file() or store.model_problem(path) is not None:
        return False
    return (store.read_metadata(path) or {}).get("sha256") == sha256


def _usable(session: Session, settings: Settings, name: str, action: str) -> Path:
    """The checked file of model ``name`` on this machine (see :func:`_copy_here`)."""
    return _copy_here(session, settings, _stored(session, settings, name, action), action)


def activate(session: Session, name: str, *, settings: Settings) -> None:
    """Make ``name`` the active model; its bytes must match their sha256."""
    _usable(session, settings, name, "activated")
    activations.add(session, name, now=datetime.now(UTC))
    logger.info("activated model %s", name)


def rollback(session: Session, *, settings: Settings) -> str:
    """Deactivate the active model and return the one that was active before it.

    Repeated activations of the same model are skipped, so the result always differs from the
    model rolled back; with no earlier model, ``NotFoundError``, and with an earlier model that
    is missing or not valid, ``ModelError``; either way nothing changes.
    """
    rows = activations.live(session)
    if not rows:
        raise NotFoundError("no model is active")
    current = rows[0].model_name
    earlier = next((row for row in rows if row.model_name != current), None)
    if earlier is None:
        raise NotFoundError(f"no model was active before {current}; nothing to roll back to")
    _usable(session, settings, earlier.model_name, "activated again")
    now = datetime.now(UTC)
    for row in rows:
        if row is earlier:
            break
        row.rolled_back_at = now
    session.flush()
    logger.info("rolled back model %s to %s", current, earlier.model_name)
    return earlier.model_name


def list_models(settings: Settings, session: Session) -> list[dict[str, Any]]:
    """Every saved model, newest first: its metadata summary, whether it is active, where it is
    (``in_database``; ``cached``: this machine's copy matches) and whether it is valid
    (``problem`` says why not). Removes what killed saves left behind."""
    store.remove_stale_temporaries(model_dir=settings.model_dir)
    active = active_model_name(session)
    rows = {row.model_name: row for row in artefact_repo.every(session)}
    listing = [_row_entry(settings, row) for row in rows.values()]
    for path in store.model_files(model_dir=settings.model_dir):
        if path.stem not in rows:
            listing.append(_file_entry(path))
    listing.sort(key=lambda entry: entry.pop("_at"), reverse=True)
    return [{**entry, "active": entry["name"] == active} for entry in listing]


def _summary(metadata: dict[str, Any]) -> dict[str, Any]:
    return {
        "saved_at": metadata.get("saved_at"),
        "estimator": metadata.get("hyperparameters", {}).get("estimator"),
        "training_draw_range": metadata.get("training_draw_range"),
        "model_version": metadata.get("model_version"),
    }


def _row_entry(settings: Settings, row: ModelArtefactRecord) -> dict[str, Any]:
    return {
        "name": row.model_name,
        "valid": True,
        "problem": None,
        "in_database": True,
        "cached": _cached(settings, row),
        **_summary(row.details),
        "file_size_bytes": row.size_bytes,
        "_at": row.saved_at.timestamp(),
    }


def _cached(settings: Settings, row: ModelArtefactRecord) -> bool:
    return _matches(store.model_path(row.model_name, model_dir=settings.model_dir), row.sha256)


def _file_entry(path: Path) -> dict[str, Any]:
    problem = store.model_problem(path)
    metadata = (store.read_metadata(path) or {}) if problem is None else {}
    return {
        "name": path.stem,
        "valid": problem is None,
        "problem": problem,
        "in_database": False,
        "cached": True,
        **_summary(metadata),
        "file_size_bytes": path.stat().st_size,
        "_at": path.stat().st_mtime,
    }


def metadata_of(session: Session, settings: Settings, name: str) -> dict[str, Any]:
    """The metadata saved with model ``name`` (the database's, else this machine's file's)."""
    row = artefact_repo.get(session, name)
    if row is not None:
        return {**row.details, "sha256": row.sha256}
    return store.read_metadata(_local_file(settings, name)) or {}


def show_model(settings: Settings, session: Session, name: str) -> dict[str, Any]:
    """The full metadata of one saved model, where it is stored and this machine's copy."""
    row = artefact_repo.get(session, name)
    if row is None:
        path: Path | None = _local_file(settings, name)
    else:
        path = store.model_path(name, model_dir=settings.model_dir)
        path = path if _matches(path, row.sha256) else None
    return {
        "name": name,
        "in_database": row is not None,
        "path": None if path is None else str(path),
        **metadata_of(session, settings, name),
    }


def load_model(database: Database, settings: Settings, name: str) -> "PositionModels":
    """The saved position models of ``name``, fetched into ``MODEL_DIR`` when this machine has no
    matching copy; a missing, corrupt or foreign model raises ``ModelError``."""
    from jinlotto.strategies.ml import PositionModels

    try:
        path = _checked_copy(database, settings, name)
        model = store.load_model(path)
    except ModelError:
        raise
    except (NotFoundError, OSError, ValueError) as error:
        raise ModelError(f"model {name} cannot be loaded: {error}") from error
    if not isinstance(model, PositionModels):
        raise ModelError(f"model {name} is not a JinLotto position model")
    return model


def _checked_copy(database: Database, settings: Settings, name: str) -> Path:
    try:
        with database.transaction() as session:
            return _usable(session, settings, name, "loaded")
    except IntegrityError:  # another process stored the same local file meanwhile
        with database.transaction() as session:
            return _usable(session, settings, name, "loaded")


def load_forecast(
    database: Database, settings: Settings, name: str, history: History
) -> "Forecast":
    """Model ``name``'s forecast after ``history``: the stored one, else made from the model
    (which imports scikit-learn) and stored for every other process."""
    from jinlotto.strategies.ml import Forecast

    draws, newest = len(history), int(history.draw_nos[-1])
    with database.sessions() as session:
        stored = forecast_repo.find(session, name, draws=draws, newest_draw_no=newest)
    if stored is not None:
        return Forecast(draws, newest, _probabilities(stored))
    return store_forecast(database, name, load_model(database, settings, name), history)


def store_forecast(
    database: Database, name: str, model: "Predictor", history: History
) -> "Forecast":
    """Store what ``model`` (saved as ``name``) predicts after ``history``, unless stored."""
    from jinlotto.strategies.ml import Forecast

    forecast = Forecast.of(model, history)
    with database.transaction() as session:
        forecast_repo.add_if_absent(
            session,
            name,
            draws=forecast.draws,
            newest_draw_no=forecast.newest_draw_no,
            probabilities=forecast.probabilities.astype("<f8").tobytes(),
            now=datetime.now(UTC),
        )
    logger.info("model %s forecast stored after draw %d", name, forecast.newest_draw_no)
    return forecast


def _probabilities(stored: bytes) -> np.ndarray:
    probabilities = np.frombuffer(stored, dtype="<f8")
    if probabilities.size != 6 * 45 or not np.isfinite(probabilities).all():
        raise ModelError("a stored forecast is not six rows of 45 probabilities")
    return probabilities.reshape(6, 45).astype(np.float64)


def load_strategy(
    database: Database,
    settings: Settings,
    name: str,
    history: History,
    strategy: Literal["ml", "unified"],
) -> Strategy:
    """Strategy ``strategy`` using saved model ``name``, fitted on ``history`` without training.

    It needs only the model's forecast for ``history`` (:func:`load_forecast`), so this is cheap.
    """
    from jinlotto.strategies.ml import MLStrategy
    from jinlotto.strategies.unified import UnifiedStrategy

    forecast = load_forecast(database, settings, name, history)
    weights = weights_from_settings(settings)
    chosen: Strategy
    if strategy == "ml":
        chosen = MLStrategy(model=forecast, confidence_weights=weights)
    elif strategy == "unified":
        chosen = UnifiedStrategy(model=forecast, confidence_weights=weights)
    else:
        raise NotFoundError(f"strategy {strategy!r} does not use a trained model")
    return chosen.fit(history)
