"""Atomic file writes: readers see the old file or the new one, never a part of either.

The content goes to a temporary file in the same folder (``.NAME.tmp-XXXX``), is flushed to disk
with fsync, and is renamed over the target. A failure removes the temporary file; a process
killed mid-write leaves it behind under that recognisable name.
"""

import os
import tempfile
from collections.abc import Callable
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
    temporary: Path | None = None
    try:
        descriptor, name = tempfile.mkstemp(
            dir=target.resolve().parent, prefix=temporary_prefix(target)
        )
        temporary = Path(name)
        with os.fdopen(descriptor, "wb") as handle:
            if isinstance(content, bytes):
                handle.write(content)
            else:
                content(handle)
            handle.flush()
            os.fsync(handle.fileno())
        temporary.replace(target)
    except OSError as error:
        raise JinlottoError(f"cannot write {target}: {error.strerror or error}") from error
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
