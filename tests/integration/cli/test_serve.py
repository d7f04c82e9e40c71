"""``jinlotto serve`` as a real process: starts with no data and says how to load it."""

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from tests.support.processes import free_port, wait_healthy


def test_serve_starts_on_an_empty_database_and_tells_how_to_load_data(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}",
        "ENABLE_ML": "false",
        "LOTTO_API_URL": "http://127.0.0.1:9/unreachable",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "jinlotto", "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_healthy(url, process)
        health = httpx.get(f"{url}/api/health").json()
        predict = httpx.post(f"{url}/api/predict", json={})
        page = httpx.get(url)
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=20)
    assert health["draws"] == 0
    assert "jinlotto data import PATH" in health["hint"]
    assert predict.status_code == 503
    assert "jinlotto data update" in predict.json()["error"]
    assert page.status_code == 200
    assert "jinlotto data import PATH" in stderr.decode()


def test_serve_refuses_a_missing_import_file_with_a_message(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "jinlotto", "serve", "--import", str(tmp_path / "nope.json")],
        env=os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path / 'j.db'}"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "error: cannot read" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.postgres
def test_serve_refuses_an_unmigrated_postgres_in_one_line(
    postgres_url: str, tmp_path: Path
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "jinlotto", "serve"],
        env=os.environ | {"DATABASE_URL": postgres_url},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "error: the database schema is not up to date; run `jinlotto db upgrade` first"
    )
    assert "Traceback" not in done.stderr
