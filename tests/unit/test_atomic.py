"""Atomic writes: a reader sees the old file or the new one, and no temporary file is left."""

from pathlib import Path

import pytest

from jinlotto.atomic import write_atomically
from jinlotto.errors import JinlottoError


def test_atomic_write_replaces_content_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "draws.json"
    target.write_bytes(b"old")
    with target.open("rb") as reader:  # a reader that opened the file before the write
        write_atomically(target, b"new")
        assert reader.read() == b"old", "the old file was swapped out whole, not overwritten"
    assert target.read_bytes() == b"new"
    assert [path.name for path in tmp_path.iterdir()] == ["draws.json"]


def test_atomic_write_into_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(JinlottoError, match="cannot write"):
        write_atomically(tmp_path / "absent" / "draws.json", b"x")


def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "model.pkl"
    target.write_bytes(b"old")

    def broken(handle: object) -> None:
        raise RuntimeError("pickling failed")

    with pytest.raises(RuntimeError):
        write_atomically(target, broken)
    assert target.read_bytes() == b"old"
    assert [path.name for path in tmp_path.iterdir()] == ["model.pkl"]
