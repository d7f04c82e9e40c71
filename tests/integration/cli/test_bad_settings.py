"""A setting with a value JinLotto cannot use stops a command with one line naming it."""

import os
from pathlib import Path

import pytest
from tests.support.cli import cli_runner, error_message


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        (
            {"DATABASE_POOL_SIZE": "0"},
            "bad setting DATABASE_POOL_SIZE: Input should be greater than or equal to 1",
        ),
        ({"PORT": "eighty"}, "bad setting PORT: Input should be a valid integer"),
        (
            {"ENVIRONMENT": "production", "ADMIN_TOKEN": "short-secret"},
            "bad setting ADMIN_TOKEN must be at least 16 characters in production",
        ),
    ],
)
def test_a_bad_setting_is_one_line_naming_it(
    tmp_path: Path, variables: dict[str, str], expected: str
) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'j.db'}", **variables}
    result = cli_runner(env, tmp_path, timeout=60)("data", "status")
    message = error_message(result)
    assert message.startswith(expected)
    assert "short-secret" not in result.stderr
