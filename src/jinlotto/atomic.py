"""Atomic file writes: readers see the old file or the new one, never a part of either.

The content goes to a temporary file in the same folder (``.NAME.tmp-XXXX``), is flushed to disk
with fsync, and is renamed over the target. A failure removes the temporary file; a process
killed mid-write leaves it behind under that recognisable name. The writing process holds an
exclusive ``flock`` on the temporary file until it is renamed, and the kernel drops the lock with
the process, so :func:`remove_abandoned_temporaries` can tell litter from a file being written.
"""

import fcntl
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from jinlotto.errors import JinlottoError

logger = logging.getLogger(__name__)

TEMPORARY_MARK = ".tmp-"
# A writer locks its temporary file right after creating it; this much older and unlocked, the
# file belongs to no writer.
ABANDONED_AFTER_SECONDS = 60.0


def temporary_prefix(target: Path) -> str:
    """The name every temporary file for ``target`` starts with."""
    return f".{target.name}{TEMPORARY_MARK}"


def write_atomically(target: Path, content: bytes | Callable[[IO[bytes]], object]) -> None:
    """Write ``content`` (bytes, or a function writing to a binary handle) to ``target``.

    Raises :class:`JinlottoError` naming the file when it cannot be written.
    """
    with atomic_path(target) as temporary, temporary.open("wb") as handle:
        if isinstance(content, bytes):
            handle.write(content)
        else:
            content(handle)


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A new temporary file beside ``target`` for a writer that needs a file name (SQLite's
    backup API); when the block succeeds the file is synced to disk and renamed over ``target``.

    Raises :class:`JinlottoError` naming the file when it cannot be written.
    """
    temporary: Path | None = None
    try:
        descriptor, name = tempfile.mkstemp(
            dir=target.resolve().parent, prefix=temporary_prefix(target)
        )
        temporary = Path(name)
        with os.fdopen(descriptor, "rb+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)  # held until renamed (closing releases it)
            yield temporary
            os.fsync(handle.fileno())
            temporary.replace(target)
    except OSError as error:
        raise JinlottoError(f"cannot write {target}: {error.strerror or error}") from error
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)


def remove_abandoned_temporaries(
    folder: Path, *, now: float | None = None, grace_seconds: float = ABANDONED_AFTER_SECONDS
) -> list[Path]:
    """Delete the temporary files killed writes left in ``folder``: older than ``grace_seconds``
    (by modification time, at ``now``, default the current time) and locked by no writer."""
    moment = time.time() if now is None else now
    removed = []
    for path in sorted(folder.glob(f".*{TEMPORARY_MARK}*")) if folder.is_dir() else []:
        if _remove_if_abandoned(path, older_than=moment - grace_seconds):
            logger.warning("removed %s, left by a write that did not finish", path)
            removed.append(path)
    return removed


def _remove_if_abandoned(path: Path, *, older_than: float) -> bool:
    try:
        if path.stat().st_mtime > older_than:
            return False
        with path.open("rb") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # another process is writing it
                return False
            path.unlink()
            return True
    except FileNotFoundError:  # renamed or removed meanwhile
        return False
