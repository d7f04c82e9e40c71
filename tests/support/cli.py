"""Running ``jinlotto`` as a real process, the way a user does."""

import re
import subprocess
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

Result = subprocess.CompletedProcess[str]
Runner = Callable[..., Result]


def cli_runner(env: Mapping[str, str], cwd: Path, *, timeout: float = 300) -> Runner:
    """Run ``jinlotto ARGS`` in a fresh process with ``env`` plus any keyword extras."""

    def invoke(*args: str, **extra_env: str) -> Result:
        return subprocess.run(
            [sys.executable, "-m", "jinlotto", *args],
            capture_output=True,
            text=True,
            env={**env, **extra_env},
            cwd=cwd,
            timeout=timeout,
            check=False,
        )

    return invoke


def assert_fits(text: str, width: int = 80) -> None:
    """Every line of a command's output fits a terminal ``width`` columns wide."""
    long = [line for line in text.splitlines() if len(line) > width]
    assert not long, f"lines wider than {width} columns: {long}"


def error_message(result: Result) -> str:
    """The one-line ``error: ...`` message of a failed command, whitespace collapsed."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    # The message is the text after the last "error: " at a line start (rich may wrap it).
    message = re.split(r"(?m)^error: ", result.stderr)[-1]
    return " ".join(message.split())
