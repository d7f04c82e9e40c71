"""Every behaviour of the model file registry."""

import json
import logging
import os
import re
import time
from pathlib import Path

import joblib
import numpy as np
import pytest

from jinlotto.atomic import ABANDONED_AFTER_SECONDS, TEMPORARY_MARK
from jinlotto.errors import ModelError
from jinlotto.registry import store


def sample_model() -> dict[str, object]:
    return {"weights": np.arange(1000, dtype=np.float64), "label": "작은 모델"}


def test_save_creates_folders_file_and_metadata(tmp_path: Path) -> None:
    metadata = {
        "hyperparameters": {"max_depth": 6},
        "training_draw_range": [1, 1200],
        "training_samples": 952,
        "test_samples": 238,
        "evaluation_metrics": {"log_loss": 3.5},
        "note": "한국어 메모",
    }
    path = Path(store.save_model(sample_model(), metadata=metadata, model_dir=tmp_path))

    for folder in ("trained", "metadata", "backups"):
        assert (tmp_path / folder).is_dir()
    assert path.parent == tmp_path / "trained"
    assert re.fullmatch(r"lotto_model_\d{8}\.pkl", path.name)
    meta_file = tmp_path / "metadata" / f"{path.stem}_metadata.json"
    text = meta_file.read_text(encoding="utf-8")
    assert "한국어 메모" in text, "non-ASCII is kept, not escaped"
    assert text.startswith('{\n  "')  # indent 2
    saved = json.loads(text)
    assert saved["sha256"] == store.sha256_of(path)
    assert saved["training_draw_range"] == [1, 1200]
    assert saved["training_samples"] == 952 and saved["test_samples"] == 238
    assert saved["evaluation_metrics"] == {"log_loss": 3.5}
    assert saved["saved_at"].endswith("+09:00"), "saved_at is KST"
    assert saved["model_type"] == "dict"
    assert saved["model_version"] == 1
    assert {"python", "numpy", "scikit-learn", "joblib"} <= set(saved["library_versions"])

    loaded = store.load_model(path)
    np.testing.assert_array_equal(loaded["weights"], np.arange(1000))
    assert loaded["label"] == "작은 모델"


def test_second_save_on_the_same_day_gets_a_time_suffix(tmp_path: Path) -> None:
    first = Path(store.save_model(sample_model(), metadata={}, model_dir=tmp_path))
    second = Path(store.save_model(sample_model(), metadata={}, model_dir=tmp_path))
    assert first != second
    assert re.fullmatch(r"lotto_model_\d{8}_\d{6}(_\d+)?\.pkl", second.name)
    assert first.is_file() and second.is_file()


def test_saving_over_a_name_backs_up_the_old_file(tmp_path: Path) -> None:
    store.save_model({"v": 1}, "lotto_model_custom", {"x": 1}, model_dir=tmp_path)
    path = store.save_model({"v": 2}, "lotto_model_custom", {"x": 2}, model_dir=tmp_path)

    assert store.load_model(path) == {"v": 2}
    backups = sorted((tmp_path / "backups").glob("lotto_model_custom_*.pkl"))
    assert len(backups) == 1
    assert joblib.load(backups[0]) == {"v": 1}
    assert len(list((tmp_path / "backups").glob("*_metadata.json"))) == 1
    assert store.read_metadata(path)["model_version"] == 2  # type: ignore[index]


def test_save_none_is_a_value_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"^Model cannot be None$"):
        store.save_model(None, model_dir=tmp_path)


def test_save_without_metadata_works_and_warns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="jinlotto.registry.store"):
        path = store.save_model({"v": 1}, model_dir=tmp_path)
    assert "without metadata" in caplog.text
    assert store.load_model(path) == {"v": 1}


def test_load_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "trained" / "lotto_model_20200101.pkl"
    with pytest.raises(
        FileNotFoundError, match=f"^Model file not found: {re.escape(str(missing))}$"
    ):
        store.load_model(missing)


def test_unreadable_file_is_an_os_error_wrapping_the_cause(tmp_path: Path) -> None:
    path = Path(store.save_model({"v": 1}, model_dir=tmp_path))
    path.write_bytes(b"not a pickle at all")
    meta = tmp_path / "metadata" / f"{path.stem}_metadata.json"
    record = json.loads(meta.read_text(encoding="utf-8"))
    record["sha256"] = store.sha256_of(path)  # checksum matches; the content is still unreadable
    meta.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(OSError, match="could not load model") as caught:
        store.load_model(path)
    assert caught.value.__cause__ is not None


def test_save_failure_is_an_os_error(tmp_path: Path) -> None:
    blocker = tmp_path / "models"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(OSError, match="could not save model") as caught:
        store.save_model({"v": 1}, model_dir=blocker)
    assert caught.value.__cause__ is not None


def test_checksum_mismatch_is_refused(tmp_path: Path) -> None:
    path = Path(store.save_model({"v": 1}, metadata={}, model_dir=tmp_path))
    with path.open("ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(ModelError, match="sha256"):
        store.load_model(path)


def test_failed_write_leaves_the_previous_model_intact(tmp_path: Path) -> None:
    path = store.save_model({"v": 1}, "lotto_model_keep", {}, model_dir=tmp_path)

    class Unpicklable:
        def __reduce__(self) -> object:
            raise RuntimeError("cannot pickle this")

    with pytest.raises(OSError, match="cannot pickle this"):
        store.save_model(Unpicklable(), "lotto_model_keep", {}, model_dir=tmp_path)
    assert store.load_model(path) == {"v": 1}
    assert sorted(p.name for p in (tmp_path / "trained").iterdir()) == ["lotto_model_keep.pkl"]


def test_latest_model_path_by_modification_time(tmp_path: Path) -> None:
    assert store.get_latest_model_path(model_dir=tmp_path) is None
    older = store.save_model({"v": 1}, "lotto_model_b", {}, model_dir=tmp_path)
    newer = store.save_model({"v": 2}, "lotto_model_a", {}, model_dir=tmp_path)
    now = time.time()
    os.utime(older, (now - 100, now - 100))
    os.utime(newer, (now, now))
    assert store.get_latest_model_path(model_dir=tmp_path) == newer
    os.utime(older, (now + 100, now + 100))
    assert store.get_latest_model_path(model_dir=tmp_path) == older


def test_mmap_mode_load(tmp_path: Path) -> None:
    path = store.save_model(sample_model(), metadata={}, model_dir=tmp_path)
    loaded = store.load_model(path, mmap_mode="r")
    assert isinstance(loaded["weights"], np.memmap)
    np.testing.assert_array_equal(loaded["weights"], np.arange(1000))


@pytest.mark.parametrize("name", ["../escape", "a/b", "/", ".hidden"])
def test_unsafe_names_are_rejected(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match="invalid model name"):
        store.save_model({"v": 1}, name, model_dir=tmp_path)


def test_model_dir_defaults_to_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jinlotto.config import get_settings

    monkeypatch.setenv("MODEL_DIR", str(tmp_path / "configured"))
    get_settings.cache_clear()
    try:
        path = store.save_model({"v": 1}, "lotto_model_default", {})
        assert Path(path) == tmp_path / "configured" / "trained" / "lotto_model_default.pkl"
        assert store.get_latest_model_path() == path
    finally:
        get_settings.cache_clear()


def test_a_model_without_metadata_is_not_loaded(tmp_path: Path) -> None:
    path = Path(store.save_model({"v": 1}, "lotto_model_bare", {}, model_dir=tmp_path))
    store.metadata_path(path).unlink()
    assert store.model_problem(path) == "it has no metadata"
    with pytest.raises(
        ModelError, match=re.escape("lotto_model_bare.pkl is not loaded: it has no")
    ):
        store.load_model(path)


@pytest.mark.parametrize(
    ("metadata_text", "problem"),
    [
        ('{"model_name": "lotto_model_x"}', "its metadata records no sha256"),
        ('{"sha256": ', "its metadata cannot be read"),
        ("[1, 2]", "its metadata cannot be read"),
    ],
)
def test_a_model_with_unusable_metadata_is_not_loaded(
    tmp_path: Path, metadata_text: str, problem: str
) -> None:
    path = Path(store.save_model({"v": 1}, "lotto_model_x", {}, model_dir=tmp_path))
    store.metadata_path(path).write_text(metadata_text, encoding="utf-8")
    assert store.model_problem(path) == problem
    with pytest.raises(ModelError, match=problem):
        store.load_model(path)
    # Saving the name again still works, and numbers the version afresh.
    again = store.save_model({"v": 2}, "lotto_model_x", {}, model_dir=tmp_path)
    assert store.load_model(again) == {"v": 2}


def test_stale_temporaries_are_removed_only_past_the_grace_period(tmp_path: Path) -> None:
    store.save_model({"v": 1}, "lotto_model_kept", {}, model_dir=tmp_path)
    litter = [
        tmp_path / folder / f".lotto_model_killed.pkl{TEMPORARY_MARK}x1"
        for folder in ("trained", "metadata", "backups")
    ]
    for path in litter:
        path.write_bytes(b"half a file")
    written_at = litter[0].stat().st_mtime
    grace = ABANDONED_AFTER_SECONDS
    assert store.remove_stale_temporaries(model_dir=tmp_path, now=written_at + grace - 1) == []
    removed = store.remove_stale_temporaries(model_dir=tmp_path, now=written_at + grace + 1)
    assert sorted(removed) == sorted(litter)
    assert not any(path.exists() for path in litter)
    assert store.model_problem(tmp_path / "trained" / "lotto_model_kept.pkl") is None


def test_saving_removes_stale_temporaries(tmp_path: Path) -> None:
    (tmp_path / "trained").mkdir(parents=True)
    stale = tmp_path / "trained" / f".lotto_model_killed.pkl{TEMPORARY_MARK}x1"
    stale.write_bytes(b"half a file")
    old = time.time() - ABANDONED_AFTER_SECONDS - 10
    os.utime(stale, (old, old))  # left by a save killed ten seconds past the grace period
    store.save_model({"v": 1}, "lotto_model_next", {}, model_dir=tmp_path)
    assert not stale.exists()
