"""Atomic file writes: readers see the old file or the new one, never a part of either.

The content goes to a temporary file in the same folder (``.NAME.tmp-XXXX``), is flushed to disk
with fsync, and is renamed over the target. A failure removes the temporary file; a process
killed mid-write leaves it behind under that recognisable name.
"""

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from jinlotto.errors import JinlottoError

TEMPORARY_MARK = ".tmp-"


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
        os.close(descriptor)
        temporary = Path(name)
        yield temporary
        with temporary.open("rb+") as handle:
            os.fsync(handle.fileno())
        temporary.replace(target)
    except OSError as error:
        raise JinlottoError(f"cannot write {target}: {error.strerror or error}") from error
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
