"""Draw files: the format is detected from content, and a bad file yields nothing at all."""

import json
from pathlib import Path
from typing import Any

import pytest
from tests.support.official_server import legacy_item, official_item

from jinlotto.domain.draw import Draw
from jinlotto.errors import FileFormatError, InvalidDrawError
from jinlotto.ingest.csv_format import draws_to_csv
from jinlotto.ingest.files import export_bytes, parse_draw_file


def encoded(payload: object) -> bytes:
    return json.dumps(payload).encode()


def test_mirror_array_is_detected(shared_draws_path: Path, shared_draws: list[Draw]) -> None:
    assert parse_draw_file(shared_draws_path.read_bytes()) == ("mirror JSON", shared_draws)


def test_official_array_is_detected(
    shared_raw: list[dict[str, Any]], shared_draws: list[Draw]
) -> None:
    content = encoded([official_item(raw) for raw in shared_raw[:50]])
    assert parse_draw_file(content) == ("official JSON", shared_draws[:50])


def test_legacy_array_is_detected(shared_raw: list[dict[str, Any]]) -> None:
    name, draws = parse_draw_file(encoded([legacy_item(raw) for raw in shared_raw[:3]]))
    assert name == "legacy official JSON"
    assert [draw.draw_no for draw in draws] == [1, 2, 3]


def test_csv_with_byte_order_mark_is_detected(shared_draws: list[Draw]) -> None:
    content = "\ufeff".encode() + draws_to_csv(shared_draws[:10]).encode()
    assert parse_draw_file(content) == ("CSV", shared_draws[:10])


def test_export_json_is_the_shared_file(
    shared_raw: list[dict[str, Any]], shared_draws: list[Draw]
) -> None:
    assert json.loads(export_bytes(shared_draws, "json")) == shared_raw


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"hello,world\n1,2\n", "unknown file format"),
        (b'[{"draw_no": 1,', "invalid JSON at line 1"),
        (b'{"draw_no": 1}', "must be an array"),
        (b'[{"id": 1}]', "item 1 is not a draw in any known JSON format"),
        (b"[1, 2]", "item 1 is not a draw"),
    ],
)
def test_unreadable_files_are_file_format_errors(content: bytes, message: str) -> None:
    with pytest.raises(FileFormatError) as caught:
        parse_draw_file(content)
    assert message in caught.value.message


def test_mixed_formats_name_the_odd_item(shared_raw: list[dict[str, Any]]) -> None:
    content = encoded([shared_raw[0], official_item(shared_raw[1])])
    with pytest.raises(FileFormatError, match="item 2 is not a draw in mirror JSON"):
        parse_draw_file(content)


def test_an_invalid_record_names_item_draw_and_field(shared_raw: list[dict[str, Any]]) -> None:
    broken = [*shared_raw[:7], {**shared_raw[7], "bonus_no": 99}, *shared_raw[8:10]]
    with pytest.raises(InvalidDrawError) as caught:
        parse_draw_file(encoded(broken))
    assert caught.value.message == "item 8: draw 8: bonus_no must be within 1-45, got 99"


def test_a_draw_twice_with_different_numbers_is_refused(shared_raw: list[dict[str, Any]]) -> None:
    twice = [shared_raw[0], {**shared_raw[0], "numbers": [1, 2, 3, 4, 5, 6]}]
    with pytest.raises(FileFormatError, match="draw 1 appears twice with different values"):
        parse_draw_file(encoded(twice))
