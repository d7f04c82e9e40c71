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
    parsed = parse_draw_file(shared_draws_path.read_bytes())
    assert (parsed.format, parsed.draws) == ("mirror JSON", shared_draws)
    assert parsed.places[:2] == ["item 1", "item 2"]


def test_official_array_is_detected(
    shared_raw: list[dict[str, Any]], shared_draws: list[Draw]
) -> None:
    content = encoded([official_item(raw) for raw in shared_raw[:50]])
    parsed = parse_draw_file(content)
    assert (parsed.format, parsed.draws) == ("official JSON", shared_draws[:50])


def test_legacy_array_is_detected(shared_raw: list[dict[str, Any]]) -> None:
    parsed = parse_draw_file(encoded([legacy_item(raw) for raw in shared_raw[:3]]))
    assert parsed.format == "legacy official JSON"
    assert [draw.draw_no for draw in parsed.draws] == [1, 2, 3]


def test_csv_with_byte_order_mark_is_detected(shared_draws: list[Draw]) -> None:
    content = "\ufeff".encode() + draws_to_csv(shared_draws[:10]).encode()
    parsed = parse_draw_file(content)
    assert (parsed.format, parsed.draws) == ("CSV", shared_draws[:10])
    assert parsed.places[:2] == ["line 2", "line 3"]


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


def test_a_draw_twice_with_different_values_names_both_items_and_the_field(
    shared_raw: list[dict[str, Any]],
) -> None:
    divisions = [dict(division) for division in shared_raw[0]["divisions"]]
    divisions[1]["prize"] += 1
    other = {**shared_raw[0], "divisions": divisions}
    with pytest.raises(InvalidDrawError) as caught:
        parse_draw_file(encoded([shared_raw[0], shared_raw[1], other]))
    assert caught.value.message == (
        "item 3: draw 1 appears again (first at item 1) with another tier 2 prize"
    )


def test_a_draw_twice_in_a_csv_names_the_line(shared_draws: list[Draw]) -> None:
    text = draws_to_csv(shared_draws[:2])
    changed = text.splitlines()[1].replace(",10,23,29,33,37,40,", ",10,23,29,33,37,41,")
    with pytest.raises(
        InvalidDrawError, match=r"^line 4: draw 1 appears again \(first at line 2\)"
    ):
        parse_draw_file((text + changed + "\n").encode())


def test_a_draw_repeated_identically_is_read_once_per_record(
    shared_raw: list[dict[str, Any]],
) -> None:
    assert len(parse_draw_file(encoded([shared_raw[0], shared_raw[0]])).draws) == 2
