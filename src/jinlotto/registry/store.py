"""Model files under ``MODEL_DIR``: atomic joblib saves, JSON metadata, backups, sha256 checks.

The database holds every saved model (:mod:`jinlotto.services.models`); these files are this
machine's copy of them, written when a model is saved here or fetched from the database.

Layout: ``trained/{name}.pkl``, ``metadata/{name}_metadata.json``, ``backups/`` (the previous
file and metadata of a name that is saved again). A model file is a pickle, so ``MODEL_DIR``
must only hold files this registry wrote; the sha256 check catches corruption and partial
copies, not a deliberate forgery. A model file without readable metadata recording its sha256,
or not matching it, is never loaded.

A save killed mid-write leaves a temporary file (:mod:`jinlotto.atomic`) behind; saving and
listing delete such files once no process is writing them (see
:func:`remove_stale_temporaries`).
"""

import hashlib
import json
import logging
import platform
import re
import shutil
from collections.abc import Collection
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import joblib

from jinlotto import __version__
from jinlotto.atomic import remove_abandoned_temporaries, write_atomically
from jinlotto.config import get_settings
from jinlotto.domain.schedule import KST
from jinlotto.errors import ModelError

logger = logging.getLogger(__name__)

NAME_PREFIX = "lotto_model_"
_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")
MmapMode = Literal["r", "r+", "w+", "c"]


def _root(model_dir: Path | None) -> Path:
    return Path(model_dir) if model_dir is not None else get_settings().model_dir


def _directories(root: Path) -> tuple[Path, Path, Path]:
    """``trained/``, ``metadata/`` and ``backups/`` of ``root``, created when missing."""
    folders = (root / "trained", root / "metadata", root / "backups")
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    return folders


def check_name(model_name: str) -> str:
    """``model_name`` if it is a safe file stem (letters, digits, ``_.-``), else ``ValueError``."""
    if not _NAME_PATTERN.match(model_name) or ".." in model_name:
        raise ValueError(f"invalid model name {model_name!r}")
    return model_name


def model_path(model_name: str, *, model_dir: Path | None = None) -> Path:
    """Where the model file of ``model_name`` lives."""
    return _root(model_dir) / "trained" / f"{check_name(model_name)}.pkl"


def metadata_path(model_path_: Path) -> Path:
    """The metadata file belonging to a model file."""
    return model_path_.parent.parent / "metadata" / f"{model_path_.stem}_metadata.json"


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def unused_name(taken: Collection[str]) -> str:
    """``lotto_model_YYYYMMDD`` (KST), with ``_HHMMSS`` and then a counter added while the name
    is in ``taken``."""
    now = datetime.now(KST)
    name = f"{NAME_PREFIX}{now:%Y%m%d}"
    if name in taken:
        name = f"{name}_{now:%H%M%S}"
    candidate, counter = name, 1
    while candidate in taken:
        counter += 1
        candidate = f"{name}_{counter}"
    return candidate


def library_versions() -> dict[str, str]:
    """Versions of the libraries a pickled model depends on."""
    import numpy
    import sklearn

    return {
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scikit-learn": sklearn.__version__,
        "joblib": joblib.__version__,
        "jinlotto": __version__,
    }


def _back_up(path: Path, backups: Path) -> None:
    stamp = datetime.now(KST).strftime("%Y%m%d_%H%M%S_%f")
    _copy_atomically(path, backups / f"{path.stem}_{stamp}.pkl")
    meta = metadata_path(path)
    if meta.exists():
        _copy_atomically(meta, backups / f"{path.stem}_{stamp}_metadata.json")
    logger.info("backed up %s before overwriting it", path.name)


def _copy_atomically(source: Path, target: Path) -> None:
    with source.open("rb") as original:
        write_atomically(target, lambda handle: shutil.copyfileobj(original, handle))


def remove_stale_temporaries(
    *, model_dir: Path | None = None, now: float | None = None
) -> list[Path]:
    """Delete the temporary files killed saves left under ``trained/``, ``metadata/`` and
    ``backups/`` (see :func:`jinlotto.atomic.remove_abandoned_temporaries`)."""
    root = _root(model_dir)
    removed = []
    for folder in (root / "trained", root / "metadata", root / "backups"):
        removed += remove_abandoned_temporaries(folder, now=now)
    return removed


def save_model(
    model: Any,
    model_name: str | None = None,
    metadata: dict[str, Any] | None = None,
    *,
    model_dir: Path | None = None,
) -> str:
    """Save ``model`` with joblib and write its metadata; returns the model file's path.

    The default name is :func:`unused_name` among the files here. Saving over an existing
    name first copies the old file to ``backups/``. Both files are written atomically. Errors
    other than ``ValueError`` are raised as ``OSError``.
    """
    if model is None:
        raise ValueError("Model cannot be None")
    if metadata is None:
        logger.warning("saving a model without metadata: only checksum and versions are kept")
    try:
        trained, _, backups = _directories(_root(model_dir))
        remove_stale_temporaries(model_dir=model_dir)
        name = check_name(model_name) if model_name else unused_name(_stems(trained))
        target = trained / f"{name}.pkl"
        previous = _previous_metadata(target)
        if target.exists():
            _back_up(target, backups)
        write_atomically(target, lambda handle: joblib.dump(model, handle))
        record = {
            **(metadata or {}),
            "model_name": name,
            "model_type": (metadata or {}).get("model_type", type(model).__name__),
            "saved_at": datetime.now(KST).isoformat(timespec="seconds"),
            "sha256": sha256_of(target),
            "file_size_bytes": target.stat().st_size,
            "library_versions": library_versions(),
            "model_version": int((previous or {}).get("model_version", 0)) + 1,
        }
        _write_metadata(target, record)
    except ValueError:
        raise
    except Exception as error:
        raise OSError(f"could not save model: {error}") from error
    logger.info("saved model %s (%d bytes)", name, record["file_size_bytes"])
    return str(target)


def _stems(trained: Path) -> set[str]:
    return {path.stem for path in trained.glob("*.pkl")}


def _write_metadata(target: Path, record: dict[str, Any]) -> None:
    text = json.dumps(record, ensure_ascii=False, indent=2, default=str)
    write_atomically(metadata_path(target), text.encode("utf-8"))


def write_copy(
    model_name: str, content: bytes, metadata: dict[str, Any], *, model_dir: Path | None = None
) -> Path:
    """Write a model file fetched from elsewhere and its metadata, both atomically, over any
    file of that name (no backup: the source keeps the original); returns the file's path."""
    _directories(_root(model_dir))
    target = model_path(model_name, model_dir=model_dir)
    write_atomically(target, content)
    _write_metadata(target, metadata)
    return target


def _read_json(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path.name} does not hold a JSON object")
    return data


def _previous_metadata(target: Path) -> dict[str, Any] | None:
    """The metadata of the file a save replaces, if it can be read (it only numbers versions)."""
    try:
        return _read_json(metadata_path(target)) if target.exists() else None
    except (OSError, ValueError):
        return None


def read_metadata(path: str | Path) -> dict[str, Any] | None:
    """The metadata of a model file, ``None`` when there is none.

    Unreadable metadata raises ``OSError`` or ``ValueError``.
    """
    return _read_json(metadata_path(Path(path)))


def model_problem(path: str | Path) -> str | None:
    """Why a model file must not be used, or ``None`` when its metadata vouches for it: the
    metadata is missing or unreadable, records no sha256, or records another one."""
    file = Path(path)
    try:
        metadata = read_metadata(file)
    except (OSError, ValueError):
        return "its metadata cannot be read"
    if metadata is None:
        return "it has no metadata"
    if not isinstance(metadata.get("sha256"), str):
        return "its metadata records no sha256"
    if metadata["sha256"] != sha256_of(file):
        return "it does not match its recorded sha256"
    return None


def load_model(path: str | Path, *, mmap_mode: MmapMode | None = None) -> Any:
    """Load a saved model after checking its sha256 against the metadata.

    A missing file raises ``FileNotFoundError("Model file not found: {path}")``; a file without
    valid metadata or not matching its sha256 raises ``ModelError`` (see :func:`model_problem`);
    any other failure is raised as ``OSError``.
    """
    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"Model file not found: {path}")
    try:
        problem = model_problem(file)
        if problem is not None:
            raise ModelError(f"model file {file.name} is not loaded: {problem}")
        return joblib.load(file, mmap_mode=mmap_mode)
    except ModelError:
        raise
    except Exception as error:
        raise OSError(f"could not load model {file.name}: {error}") from error


def model_files(*, model_dir: Path | None = None) -> list[Path]:
    """Every ``lotto_model_*.pkl`` under ``trained/``, newest modification first."""
    trained = _root(model_dir) / "trained"
    if not trained.is_dir():
        return []
    files = [path for path in trained.glob(f"{NAME_PREFIX}*.pkl") if path.is_file()]
    return sorted(files, key=lambda path: path.stat().st_mtime_ns, reverse=True)


def get_latest_model_path(*, model_dir: Path | None = None) -> str | None:
    """The newest ``lotto_model_*.pkl`` by modification time, ``None`` when there is none."""
    files = model_files(model_dir=model_dir)
    return str(files[0]) if files else None
