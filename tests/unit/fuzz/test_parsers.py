"""Every parser of outside input, fed arbitrary and half-broken input.

Each parser may refuse what it reads only with the error type it documents (an
``InvalidDrawError``/``FileFormatError`` for draw data, ``InvalidTicketError`` for QR text,
``InvalidFilterError`` for filters, ``InvalidImageError`` for photos), never with another
exception, and what it accepts is a valid draw, ticket or filter set. Inputs are real records
with fields removed or replaced by arbitrary JSON, or arbitrary text and bytes.
"""

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from tests.support.official_server import legacy_item, official_item
from tests.support.ticket_photos import encode, qr_image, ticket_url

from jinlotto.domain.draw import Draw
from jinlotto.errors import (
    FileFormatError,
    InvalidDrawError,
    InvalidFilterError,
    InvalidImageError,
    InvalidTicketError,
)
from jinlotto.ingest.csv_format import draws_to_csv, parse_csv
from jinlotto.ingest.files import parse_draw_file
from jinlotto.ingest.legacy import parse_legacy_draw, parse_legacy_reply
from jinlotto.ingest.mirror import parse_mirror_array, parse_mirror_draw
from jinlotto.ingest.official import parse_official_draw, parse_official_reply
from jinlotto.ingest.qr import parse_qr
from jinlotto.ingest.qr_image import read_qr_text
from jinlotto.strategies.filters import LIMITS, Filters

EXAMPLES = 300  # per parser
DRAW_ERRORS = (InvalidDrawError, FileFormatError)
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
# Numbers near the edges of what each field allows, so "almost valid" records are common.
edge_numbers = st.sampled_from([0, 1, 6, 45, 46, -1, 10**9, 2**31, 2**63, 1.0, 7.5, "7", True])
field_values = json_values | edge_numbers


def _mutated(bases: list[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """A real record with a few fields dropped, replaced by arbitrary values, or added."""
    keys = sorted({key for base in bases for key in base})

    def mutate(base: dict[str, Any], changes: dict[str, Any], dropped: set[str]) -> dict[str, Any]:
        return {**{k: v for k, v in base.items() if k not in dropped}, **changes}

    return st.builds(
        mutate,
        st.sampled_from(bases),
        st.dictionaries(st.sampled_from(keys) | st.text(max_size=6), field_values, max_size=3),
        st.sets(st.sampled_from(keys), max_size=2),
    )


def _refuses_only_with(
    errors: tuple[type[Exception], ...], parse: Callable[[Any], object], value: object
) -> object:
    try:
        return parse(value)
    except errors as error:
        assert error.args and str(error.args[0]), "an error says what is wrong"
        return None


def _is_draw(value: object) -> None:
    if value is not None:
        assert isinstance(value, Draw)
        assert len(set(value.numbers)) == 6 and all(1 <= n <= 45 for n in value.numbers)
        assert 1 <= value.bonus_no <= 45 and value.bonus_no not in value.numbers


@pytest.fixture(scope="module")
def mirror_items(shared_raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return shared_raw[::97]  # a dozen real draws across the years


def test_official_records_and_replies(mirror_items: list[dict[str, Any]]) -> None:
    bases = [official_item(raw) for raw in mirror_items]

    @FUZZ
    @given(item=_mutated(bases), wrap=st.integers(0, 2), junk=json_values)
    def check(item: dict[str, Any], wrap: int, junk: object) -> None:
        _is_draw(_refuses_only_with(DRAW_ERRORS, parse_official_draw, item))
        reply = [junk, {"resultCode": None, "data": {"list": [item]}}, {"data": junk}][wrap]
        parsed = _refuses_only_with(DRAW_ERRORS, lambda r: parse_official_reply(r, 1), reply)
        _is_draw(parsed)

    check()


def test_legacy_records_and_replies(mirror_items: list[dict[str, Any]]) -> None:
    bases = [legacy_item(raw) for raw in mirror_items]

    @FUZZ
    @given(item=_mutated(bases), junk=json_values)
    def check(item: dict[str, Any], junk: object) -> None:
        _is_draw(_refuses_only_with(DRAW_ERRORS, parse_legacy_draw, item))
        _is_draw(_refuses_only_with(DRAW_ERRORS, parse_legacy_reply, item))
        _is_draw(_refuses_only_with(DRAW_ERRORS, parse_legacy_reply, junk))

    check()


def test_mirror_records_and_arrays(mirror_items: list[dict[str, Any]]) -> None:
    @FUZZ
    @given(items=st.lists(_mutated(mirror_items), max_size=3), junk=json_values)
    def check(items: list[dict[str, Any]], junk: object) -> None:
        for item in items:
            _is_draw(_refuses_only_with(DRAW_ERRORS, parse_mirror_draw, item))
        for payload in (items, junk, [*items, junk]):
            parsed = _refuses_only_with(DRAW_ERRORS, parse_mirror_array, payload)
            for draw in parsed or []:  # type: ignore[attr-defined]
                _is_draw(draw)

    check()


def _csv_lines(draws: list[Draw]) -> st.SearchStrategy[str]:
    """The CSV of real draws with lines cut, cells replaced or lines added."""
    lines = draws_to_csv(draws).splitlines()

    def edit(position: int, cut: int, text: str, keep: bool) -> str:
        edited = list(lines)
        index = position % len(edited)
        line = edited[index]
        edited[index] = (line[:cut] + text + line[cut + len(text) :]) if keep else text
        return "\n".join(edited)

    return st.builds(
        edit, st.integers(0, 50), st.integers(0, 200), st.text(max_size=20), st.booleans()
    )


def test_csv_text(shared_draws: list[Draw]) -> None:
    @FUZZ
    @given(text=_csv_lines(shared_draws[:5]) | st.text(max_size=300))
    def check(text: str) -> None:
        parsed = _refuses_only_with(DRAW_ERRORS, parse_csv, text)
        for draw in parsed or []:  # type: ignore[attr-defined]
            _is_draw(draw)

    check()


def test_draw_files_of_any_bytes(
    mirror_items: list[dict[str, Any]], shared_draws: list[Draw]
) -> None:
    documents = st.lists(_mutated(mirror_items), max_size=3).map(
        lambda items: json.dumps(items).encode()
    ) | st.lists(_mutated([official_item(raw) for raw in mirror_items]), max_size=3).map(
        lambda items: json.dumps(items).encode()
    )
    contents = (
        documents
        | _csv_lines(shared_draws[:5]).map(str.encode)
        | st.binary(max_size=300)
        | st.text(max_size=300).map(lambda text: text.encode("utf-8", "surrogatepass"))
    )

    @FUZZ
    @given(content=contents)
    def check(content: bytes) -> None:
        parsed = _refuses_only_with(DRAW_ERRORS, parse_draw_file, content)
        for draw in getattr(parsed, "draws", []):
            _is_draw(draw)

    check()


qr_texts = (
    st.text(max_size=120)
    | st.from_regex(r"\A\d{4}([mqx]\d{12}){0,6}\d{0,12}\Z")
    | st.builds(
        lambda host, query: f"https://{host}/qr.do?{query}",
        st.sampled_from(["m.dhlottery.co.kr", "qr.nlotto.co.kr", "evil.example", ""]),
        st.text(max_size=60),
    )
)


@FUZZ
@given(text=qr_texts)
def test_qr_text(text: str) -> None:
    ticket = _refuses_only_with((InvalidTicketError,), parse_qr, text)
    if ticket is not None:
        games = ticket.games  # type: ignore[attr-defined]
        assert 1 <= len(games) <= 5
        assert all(len(set(game.numbers)) == 6 for game in games)


filter_names = st.sampled_from(
    [*LIMITS, "fixed", "excluded", "exclude_past_winners", "no_such_option"]
)


@FUZZ
@given(options=st.dictionaries(filter_names | st.text(max_size=6), field_values, max_size=5))
def test_filter_mappings(options: dict[str, Any]) -> None:
    filters = _refuses_only_with((InvalidFilterError,), Filters.from_mapping, options)
    if filters is not None:
        assert isinstance(filters, Filters)
        assert not set(filters.fixed) & set(filters.excluded)  # type: ignore[attr-defined]


def _photo_bytes() -> st.SearchStrategy[bytes]:
    """Real PNG/JPEG/WebP files of small QR codes, cut or with bytes flipped, or any bytes."""
    encoded = {
        kind: encode(qr_image(ticket_url(1200, [[1, 2, 3, 4, 5, 6]]), scale=2), kind)
        for kind in ("png", "jpeg", "webp")
    }
    tiny = io.BytesIO()
    Image.new("RGB", (3, 2)).save(tiny, "GIF")

    def damage(data: bytes, cut: int, flips: list[tuple[int, int]]) -> bytes:
        damaged = bytearray(data[: max(cut, 8)])
        for position, value in flips:
            damaged[position % len(damaged)] = value
        return bytes(damaged)

    return st.builds(
        damage,
        st.sampled_from([*encoded.values(), tiny.getvalue()]),
        st.integers(0, 5000),
        st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 255)), max_size=4),
    ) | st.binary(max_size=200)


@settings(FUZZ, max_examples=EXAMPLES // 3)
@given(data=_photo_bytes())
def test_uploaded_photos(data: bytes) -> None:
    text = _refuses_only_with((InvalidImageError,), read_qr_text, data)
    assert text is None or isinstance(text, str)
