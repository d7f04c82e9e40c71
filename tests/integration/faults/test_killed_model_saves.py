"""Model saves killed with SIGKILL: the litter is cleaned up, and what is left half-saved is
listed as invalid and can be neither activated nor loaded, while the previous model keeps working.
"""

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from tests.conftest import REPO_ROOT
from tests.support import store as import_store
from tests.support.cli import Runner, cli_runner, error_message
from tests.support.processes import poll_until

from jinlotto.atomic import ABANDONED_AFTER_SECONDS, TEMPORARY_MARK
from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.domain.draw import Draw
from jinlotto.errors import ModelError
from jinlotto.registry import store
from jinlotto.services import models

pytestmark = pytest.mark.slow

PAST_THE_GRACE = ABANDONED_AFTER_SECONDS + 1


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    return tmp_path / "models"


@pytest.fixture
def cli_env(tmp_path: Path, model_dir: Path, shared_draws: list[Draw]) -> dict[str, str]:
    """The environment of ``jinlotto`` processes: SQLite holding draws 1-1200, ``model_dir``."""
    url = f"sqlite:///{tmp_path / 'jinlotto.db'}"
    database = Database.open(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
    try:
        import_store.import_draws(database, shared_draws, source="test")
    finally:
        database.close()
    return {**os.environ, "DATABASE_URL": url, "MODEL_DIR": str(model_dir), "LOG_LEVEL": "ERROR"}


@pytest.fixture
def run(cli_env: dict[str, str], tmp_path: Path) -> Runner:
    return cli_runner(cli_env, tmp_path)


@pytest.fixture
def settings(model_dir: Path, cli_env: dict[str, str]) -> Settings:
    return Settings(_env_file=None, model_dir=model_dir, database_url=cli_env["DATABASE_URL"])  # type: ignore[call-arg]


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    handle = Database.open(settings)
    try:
        yield handle
    finally:
        handle.close()


def temporaries(model_dir: Path) -> list[Path]:
    return sorted(model_dir.glob(f"*/.*{TEMPORARY_MARK}*"))


def listing(run: Runner) -> dict[str, dict[str, object]]:
    result = run("models", "list", "--json")
    assert result.returncode == 0, result.stderr
    return {entry["name"]: entry for entry in json.loads(result.stdout)}


def active_model(run: Runner) -> str:
    return next(name for name, entry in listing(run).items() if entry["active"])


@contextmanager
def paused_writer(model_dir: Path, name: str, stage: str) -> Iterator[subprocess.Popen[str]]:
    """A process saving model ``name``, paused mid-save (see ``tests/support/model_writer.py``)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.model_writer", str(model_dir), name, stage],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    try:
        assert process.stdout is not None and process.stdout.readline() == "paused\n"
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)


def kill_training_while_it_writes(cli_env: dict[str, str], cwd: Path, model_dir: Path) -> int:
    """Start ``jinlotto train`` and SIGKILL it while its model file is being written; the number
    of training processes started."""
    for attempt in range(1, 4):  # the write lasts about 0.1 s; a busy machine may let one slip
        if _killed_while_writing(cli_env, cwd, model_dir):
            return attempt
    raise AssertionError("no training process could be killed while it wrote its model")


def _killed_while_writing(cli_env: dict[str, str], cwd: Path, model_dir: Path) -> bool:
    process = subprocess.Popen(
        [sys.executable, "-m", "jinlotto", "train"],
        env=cli_env,
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    poll_until(
        lambda: bool(temporaries(model_dir)) or process.poll() is not None,
        timeout=180,
        what="the model file being written",
        every=0.002,
    )
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    return process.returncode == -signal.SIGKILL and bool(temporaries(model_dir))


def test_a_training_killed_while_saving_leaves_the_previous_model_and_its_litter_is_cleaned(
    run: Runner,
    cli_env: dict[str, str],
    tmp_path: Path,
    model_dir: Path,
    settings: Settings,
    database: Database,
) -> None:
    assert run("train").returncode == 0
    previous = active_model(run)
    attempts = kill_training_while_it_writes(cli_env, tmp_path, model_dir)
    litter = temporaries(model_dir)
    assert litter, "the killed training left its temporary model file"
    entries = listing(run)
    assert entries.pop(previous)["valid"] is True
    assert all(entry["valid"] is False for entry in entries.values())  # a half-saved one, if any
    assert active_model(run) == previous
    assert all(entry["in_database"] is False for entry in entries.values())
    assert models.load_model(database, settings, previous) is not None
    elsewhere = settings.model_copy(update={"model_dir": tmp_path / "elsewhere"})
    assert models.load_model(database, elsewhere, previous) is not None
    # Within the grace period the file might still be another process's; past it, and with no
    # writer holding its lock, it is litter.
    assert store.remove_stale_temporaries(model_dir=model_dir) == []
    assert store.remove_stale_temporaries(
        model_dir=model_dir, now=time.time() + PAST_THE_GRACE
    ) == (litter)
    assert temporaries(model_dir) == []
    assert run("train").returncode == 0  # training works again, next to the previous model
    after = listing(run)
    assert all(entry["valid"] for name, entry in after.items() if name not in entries)
    print(
        f"killed: jinlotto train SIGKILLed while writing (training runs started: {attempts}); "
        f"left {[str(path.relative_to(model_dir)) for path in litter]}"
        f"{f' and {len(entries)} half-saved model(s), listed invalid' if entries else ''}; "
        f"{previous} stayed active and loadable; the litter was kept within the grace period "
        "and removed past it"
    )


def test_a_model_left_without_metadata_is_listed_invalid_and_cannot_be_activated_or_loaded(
    run: Runner, model_dir: Path, settings: Settings, database: Database
) -> None:
    with paused_writer(model_dir, "lotto_model_orphan", "metadata") as writer:
        os.kill(writer.pid, signal.SIGKILL)
    assert (model_dir / "trained" / "lotto_model_orphan.pkl").is_file()
    assert not (model_dir / "metadata" / "lotto_model_orphan_metadata.json").exists()

    entry = listing(run)["lotto_model_orphan"]
    assert (entry["valid"], entry["problem"]) == (False, "it has no metadata")
    table = run("models", "list", COLUMNS="80")
    assert table.returncode == 0, table.stderr
    assert table.stdout.splitlines()[:2] == [
        "lotto_model_orphan   (invalid)",
        "  it has no metadata: it cannot be activated or loaded",
    ]
    assert error_message(run("models", "activate", "lotto_model_orphan")) == (
        "model lotto_model_orphan cannot be activated: it has no metadata"
    )
    with pytest.raises(ModelError, match="it has no metadata"):
        models.load_model(database, settings, "lotto_model_orphan")


def test_a_model_whose_file_does_not_match_its_checksum_cannot_be_activated(
    run: Runner, model_dir: Path
) -> None:
    saved = Path(store.save_model({"v": 1}, "lotto_model_changed", {}, model_dir=model_dir))
    saved.write_bytes(saved.read_bytes() + b"\0")
    assert listing(run)["lotto_model_changed"]["problem"] == "it does not match its recorded sha256"
    message = error_message(run("models", "activate", "lotto_model_changed"))
    assert message == (
        "model lotto_model_changed cannot be activated: it does not match its recorded sha256"
    )


def test_cleaning_never_removes_a_file_another_process_is_writing(
    run: Runner, model_dir: Path
) -> None:
    with paused_writer(model_dir, "lotto_model_busy", "pickle") as writer:
        (being_written,) = temporaries(model_dir)
        far_future = time.time() + 100 * PAST_THE_GRACE
        assert store.remove_stale_temporaries(model_dir=model_dir, now=far_future) == []
        listing(run)  # listing cleans too, and must leave it alone
        assert being_written.exists()
        assert writer.stdin is not None
        writer.stdin.write("\n")
        writer.stdin.flush()
        output, _ = writer.communicate(timeout=30)
    assert output.startswith("saved ")
    assert listing(run)["lotto_model_busy"]["valid"] is True
    assert store.load_model(model_dir / "trained" / "lotto_model_busy.pkl") == {"v": 1}
