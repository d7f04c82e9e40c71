"""``jinlotto db diagram`` and ``jinlotto config reference`` as a user runs them."""

import os
from pathlib import Path

from tests.support.cli import cli_runner, error_message

from jinlotto.generated import markers


def test_write_fills_the_marked_section_keeps_the_rest_and_names_missing_markers(
    tmp_path: Path,
) -> None:
    jinlotto = cli_runner({**os.environ, "ADMIN_TOKEN": "never-printed-token-0123"}, tmp_path)
    begin, end = markers("jinlotto config reference")
    document = tmp_path / "CONFIG.md"
    document.write_text(f"# Mine\n\n{begin}\nold\n{end}\n\nkept\n", encoding="utf-8")

    first = jinlotto("config", "reference", "--write", str(document))
    second = jinlotto("config", "reference", "--write", str(document))

    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == f"{document}: updated"
    assert second.stdout.strip() == f"{document}: up to date"
    text = document.read_text(encoding="utf-8")
    assert text.startswith(f"# Mine\n\n{begin}\n| Variable |")
    assert text.endswith(f"{end}\n\nkept\n")
    assert "never-printed-token" not in text
    diagram = jinlotto("db", "diagram", "--write", str(document))
    assert "markers of `jinlotto db diagram` are missing" in error_message(diagram)
    assert document.read_text(encoding="utf-8") == text
