"""Draw files: format detection from content, parsing and export.

Readable formats: the mirror JSON array (the shared file's format), a JSON array of current or
legacy official objects, and CSV with the header of :mod:`jinlotto.ingest.csv_format`.
"""

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from jinlotto.domain.draw import Draw, check_unique
from jinlotto.errors import FileFormatError, InvalidDrawError
from jinlotto.ingest.csv_format import draws_to_csv, looks_like_csv, parse_csv_lines
from jinlotto.ingest.legacy import looks_like_legacy, parse_legacy_draw
from jinlotto.ingest.mirror import draw_to_mirror, looks_like_mirror, parse_mirror_draw
from jinlotto.ingest.official import looks_like_official, parse_official_draw

ExportFormat = Literal["json", "csv"]

_JSON_FORMATS: tuple[
    tuple[str, Callable[[Mapping[str, Any]], bool], Callable[[Mapping[str, Any]], Draw]], ...
] = (
    ("mirror JSON", looks_like_mirror, parse_mirror_draw),
    ("official JSON", looks_like_official, parse_official_draw),
    ("legacy official JSON", looks_like_legacy, parse_legacy_draw),
)


@dataclass(frozen=True)
class DrawFile:
    """The draws of a file, the format they were read in, and where each one was read."""

    format: str
    draws: list[Draw]
    places: list[str]  # "item 3" (JSON) or "line 4" (CSV), one per draw

    def place_of(self, draw_no: int) -> str:
        """Where the first record of draw ``draw_no`` is in the file."""
        for place, draw in zip(self.places, self.draws, strict=True):
            if draw.draw_no == draw_no:
                return place
        return f"draw {draw_no}"


def parse_draw_file(content: bytes) -> DrawFile:
    """The draws of a file's bytes, format detected from the content; nothing partial on any error.

    Raises :class:`FileFormatError` for an unreadable file and :class:`InvalidDrawError` naming
    the item or line, the draw and the field for an invalid record or for a draw that appears
    twice with different values.
    """
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileFormatError("the file is not UTF-8 text") from None
    stripped = text.lstrip()
    if not stripped:
        raise FileFormatError("the file is empty")
    if looks_like_csv(stripped):
        name = "CSV"
        located = [(f"line {line}", draw) for line, draw in parse_csv_lines(stripped)]
    elif stripped[0] in "[{":
        name, located = _parse_json(stripped)
    else:
        raise FileFormatError(
            "unknown file format: expected a JSON array of draws or CSV starting with the "
            f"header 'draw_no,date,...' (file starts {stripped[:40]!r})"
        )
    check_unique(located)
    return DrawFile(name, [draw for _, draw in located], [place for place, _ in located])


def _parse_json(text: str) -> tuple[str, list[tuple[str, Draw]]]:
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as error:
        raise FileFormatError(
            f"invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
        ) from None
    if not isinstance(payload, list):
        raise FileFormatError("a JSON draw file must be an array of draw objects")
    if not payload:
        return "JSON", []
    first = payload[0]
    for name, looks_like, parse in _JSON_FORMATS:
        if isinstance(first, Mapping) and looks_like(first):
            return name, _parse_items(payload, name, looks_like, parse)
    raise FileFormatError(
        "item 1 is not a draw in any known JSON format (mirror: draw_no, numbers; "
        "official: ltEpsd, tm1WnNo...; legacy: drwNo, drwtNo1...)"
    )


def _parse_items(
    payload: list[object],
    name: str,
    looks_like: Callable[[Mapping[str, Any]], bool],
    parse: Callable[[Mapping[str, Any]], Draw],
) -> list[tuple[str, Draw]]:
    located = []
    for position, item in enumerate(payload, start=1):
        if not isinstance(item, Mapping) or not looks_like(item):
            raise FileFormatError(f"item {position} is not a draw in {name} like item 1")
        try:
            located.append((f"item {position}", parse(item)))
        except InvalidDrawError as error:
            raise InvalidDrawError(
                f"item {position}: {error.message}", detail=error.detail
            ) from error
    return located


def export_bytes(draws: Iterable[Draw], fmt: ExportFormat) -> bytes:
    """Draws in an export format: the shared file's JSON array, or CSV."""
    if fmt == "csv":
        return draws_to_csv(draws).encode("utf-8")
    items = [draw_to_mirror(draw) for draw in draws]
    return (json.dumps(items, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
