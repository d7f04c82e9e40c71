"""Model files: atomic, checksummed saves with metadata and backups."""

from jinlotto.registry.store import (
    get_latest_model_path,
    load_model,
    model_files,
    model_path,
    read_metadata,
    save_model,
)

__all__ = [
    "get_latest_model_path",
    "load_model",
    "model_files",
    "model_path",
    "read_metadata",
    "save_model",
]
