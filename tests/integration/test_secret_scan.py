"""The secret scan CI and the pre-commit hook run (detect-secrets with the committed baseline):
a newly added secret fails it, the same file without the secret passes.

The planted values are put together at run time, so that this file holds none of them.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
HOOK = Path(sys.executable).with_name("detect-secrets-hook")
SCAN = "detect-secrets-hook --baseline .secrets.baseline"

PLANTED = {
    "AWS Access Key": "AWS_ACCESS_KEY_ID=" + "AKIA" + "ZQ3DRXMNV7TPLW2K",
    "Slack Token": "SLACK_WEBHOOK_URL=https://hooks.slack.com/services/"
    + "/".join(("T" + "04QX8M2KD", "B" + "07LRH3ZP1N", "q8Vw2kT9xLm3" + "Rp7YbN4cJ6Hd")),
    "Basic Auth Credentials": "DATABASE_URL=postgresql://jinlotto:"
    + "Vb7q-2mXk9"
    + "@db.example.org/jinlotto",
}


def _scan(folder: Path, name: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(HOOK), "--baseline", ".secrets.baseline", name],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder with a copy of the committed baseline (the hook may rewrite its baseline)."""
    shutil.copy(REPO / ".secrets.baseline", tmp_path / ".secrets.baseline")
    return tmp_path


@pytest.mark.parametrize("kind", sorted(PLANTED))
def test_a_new_secret_fails_the_scan(folder: Path, kind: str) -> None:
    (folder / "settings.env").write_text(f"ENVIRONMENT=production\n{PLANTED[kind]}\n")
    (folder / "clean.env").write_text("ENVIRONMENT=production\nLOG_LEVEL=INFO\n")

    planted = _scan(folder, "settings.env")
    clean = _scan(folder, "clean.env")

    assert planted.returncode == 1, planted.stdout
    assert f"Secret Type: {kind}" in planted.stdout
    assert "Location:    settings.env:2" in planted.stdout
    assert clean.returncode == 0, clean.stdout


def test_ci_and_the_pre_commit_hook_run_this_scan() -> None:
    assert SCAN in (REPO / ".ci" / "run").read_text()
    assert f"entry: uv run --frozen {SCAN}" in (REPO / ".pre-commit-config.yaml").read_text()
