"""Draw use cases: import, update from a source, export, status, history.

Every write goes through :func:`import_draws`: a stored draw reported with different numbers,
bonus or date is kept and reported as a conflict, never overwritten; fields the stored draw
leaves unknown are filled in.
"""

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from jinlotto.atomic import write_atomically
from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.db.repositories import draws as draw_repo
from jinlotto.domain.draw import Draw, check_new_dates
from jinlotto.domain.schedule import kst_now, latest_held_draw, missing_recent, next_draw_no
from jinlotto.errors import (
    DataSourceError,
    FileFormatError,
    InvalidDrawError,
    JinlottoError,
    NoDrawDataError,
)
from jinlotto.ingest.files import ExportFormat, export_bytes, parse_draw_file

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from jinlotto.db.models import DrawRecord
    from jinlotto.domain.history import History

logger = logging.getLogger(__name__)

Progress = Callable[[int, int | None], None]
"""Called with (draws done, draws expected in all, when known)."""

SourceKind = Literal["official", "mirror"]
WRITE_CHUNK = 200
BATCH_PER_WORKER = 5
NO_DATA_MESSAGE = (
    "no draws are stored yet; load them with `jinlotto data import PATH` or `jinlotto data update`"
)


@dataclass(frozen=True)
class Conflict:
    """A stored draw that a source reports differently; the stored one was kept."""

    draw_no: int
    fields: list[str]
    stored: str
    reported: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        return asdict(self)


@dataclass
class ImportReport:
    """What one import or update did to the stored draws."""

    source: str
    added: int = 0
    filled: int = 0
    unchanged: int = 0
    conflicts: list[Conflict] = field(default_factory=list)

    @property
    def has_conflicts(self) -> bool:
        """Whether a source contradicted a stored draw."""
        return bool(self.conflicts)

    def merge(self, other: "ImportReport") -> None:
        """Add another batch's counts to this report."""
        self.added += other.added
        self.filled += other.filled
        self.unchanged += other.unchanged
        self.conflicts.extend(other.conflicts)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        return {
            "source": self.source,
            "added": self.added,
            "filled": self.filled,
            "unchanged": self.unchanged,
            "conflicts": [conflict.to_dict() for conflict in self.conflicts],
        }


@dataclass(frozen=True)
class Freshness:
    """Whether the stored draws keep up with the calendar."""

    next_draw_no: int  # the draw whose tickets are on sale
    missing_recent: int  # held draws newer than the newest stored one

    @property
    def stale(self) -> bool:
        """Held draws are missing."""
        return self.missing_recent > 0

    def notice(self, newest_stored: int | None) -> str | None:
        """The one line every surface shows while the data are stale, else ``None``."""
        if not self.stale:
            return None
        return (
            f"stored draws end at {newest_stored or 0}, {self.missing_recent} behind: "
            "run `jinlotto data update`"
        )


def freshness(newest_stored: int | None, now: datetime) -> Freshness:
    """How the newest stored draw compares with the schedule at ``now``."""
    return Freshness(
        next_draw_no=next_draw_no(now, newest_stored=newest_stored),
        missing_recent=missing_recent(newest_stored, now),
    )


@dataclass(frozen=True)
class DataStatus:
    """What the database holds: how many draws, which, and which are missing."""

    count: int
    first_draw: int | None
    last_draw: int | None
    last_draw_date: date | None
    missing: list[tuple[int, int]]
    last_updated_at: datetime | None
    freshness: Freshness

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form; ``missing`` as inclusive ``{"from", "to"}`` ranges."""
        return {
            "count": self.count,
            "first_draw": self.first_draw,
            "last_draw": self.last_draw,
            "last_draw_date": self.last_draw_date.isoformat() if self.last_draw_date else None,
            "missing": [{"from": first, "to": last} for first, last in self.missing],
            "last_updated_at": self.last_updated_at.isoformat() if self.last_updated_at else None,
            "next_draw_no": self.freshness.next_draw_no,
            "missing_recent": self.freshness.missing_recent,
            "stale": self.freshness.stale,
        }


def import_draws(
    session: "Session",
    draws: Iterable[Draw],
    *,
    source: str,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> ImportReport:
    """Store validated draws in the caller's transaction: add new ones, fill unknowns, report
    conflicts. Flushed, not committed: the caller commits the whole import or none of it.

    Before anything is written, new draws dated in the future (at ``now``) or out of order with
    the draws around them are refused with :class:`InvalidDrawError` naming the first such draw
    (``detail={"draw_no", "field"}``).
    """
    report = ImportReport(source=source)
    now = now or datetime.now(UTC)
    batch = list(draws)
    check_new_dates(batch, draw_repo.dates(session), now=now)
    for start in range(0, len(batch), WRITE_CHUNK):
        _write_chunk(session, batch[start : start + WRITE_CHUNK], report, now)
        if progress:
            progress(min(start + WRITE_CHUNK, len(batch)), len(batch))
    for conflict in report.conflicts:
        logger.warning(
            "draw %d conflict on %s: stored %s, %s reports %s",
            conflict.draw_no,
            ", ".join(conflict.fields),
            conflict.stored,
            source,
            conflict.reported,
        )
    return report


def _write_chunk(
    session: "Session", chunk: Sequence[Draw], report: ImportReport, now: datetime
) -> None:
    stored = draw_repo.get_many(session, (draw.draw_no for draw in chunk))
    fresh: dict[int, Draw] = {}
    for draw in chunk:
        if draw.draw_no not in stored:
            fresh.setdefault(draw.draw_no, draw)
    inserted = draw_repo.insert_absent(session, list(fresh.values()), source=report.source, now=now)
    report.added += len(inserted)
    # Rows just inserted (a draw may repeat in a file) and rows another writer stored meanwhile
    # are compared like any stored row.
    stored |= draw_repo.get_many(session, fresh)
    for draw in chunk:
        if draw.draw_no in inserted and fresh[draw.draw_no] is draw:
            continue
        _merge(stored[draw.draw_no], draw, report, now)
    session.flush()


def _merge(record: "DrawRecord", draw: Draw, report: ImportReport, now: datetime) -> None:
    """Fill the unknowns of a stored row from ``draw``, or record a conflict in ``report``."""
    current = draw_repo.to_domain(record)
    fields = current.conflicts_with(draw)
    if fields:
        report.conflicts.append(_conflict(current, draw, fields))
        return
    merged = current.with_unknowns_filled(draw)
    if draw.with_unknowns_filled(current) != merged:
        logger.info("draw %d: %s reports other prize figures; kept", draw.draw_no, report.source)
    if merged == current:
        report.unchanged += 1
        return
    draw_repo.apply_draw(record, merged)
    record.updated_at = now
    report.filled += 1


def _conflict(stored: Draw, reported: Draw, fields: list[str]) -> Conflict:
    return Conflict(
        draw_no=stored.draw_no,
        fields=fields,
        stored=_describe(stored),
        reported=_describe(reported),
    )


def _describe(draw: Draw) -> str:
    numbers = " ".join(str(number) for number in draw.numbers)
    return f"{draw.draw_date.isoformat()} {numbers} + {draw.bonus_no}"


def import_bytes(
    session: "Session",
    content: bytes,
    *,
    name: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a draw file's content, format detected from it; all of it or nothing.

    Errors name the file (``name``), the item or line, the draw and the field.
    """
    try:
        return _import_parsed(session, content, name=name or "upload", progress=progress)
    except JinlottoError as error:
        if not name:
            raise
        raise type(error)(f"{name}: {error.message}", detail=error.detail) from error


def _import_parsed(
    session: "Session", content: bytes, *, name: str, progress: Progress | None
) -> ImportReport:
    parsed = parse_draw_file(content)
    logger.info("importing %d draws (%s) from %s", len(parsed.draws), parsed.format, name)
    try:
        return import_draws(session, parsed.draws, source="file", progress=progress)
    except InvalidDrawError as error:
        place = parsed.place_of(_draw_at_fault(error))
        raise InvalidDrawError(f"{place}: {error.message}", detail=error.detail) from error


def import_file(
    session: "Session", path: Path, *, progress: Progress | None = None
) -> ImportReport:
    """Import a draw file from disk (see :func:`import_bytes`)."""
    try:
        content = path.read_bytes()
    except (OSError, ValueError) as error:  # ValueError: a NUL byte in the path
        reason = getattr(error, "strerror", None) or error
        raise FileFormatError(f"cannot read {path}: {reason}") from error
    return import_bytes(session, content, name=str(path), progress=progress)


def update(
    database: Database,
    settings: Settings,
    *,
    source: SourceKind = "official",
    url: str | None = None,
    to: int | None = None,
    full: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Fetch the draws after the newest stored one until the source has no more (or ``to``).

    The newest stored draw is fetched again, so fields published after draw night (such as the
    1st-prize auto/manual split) are filled in. ``full`` starts from draw 1 instead: it fills
    gaps and unknowns and re-checks every draw. This is a job of several units of work: each
    batch is committed on its own, so on a source error the draws before the failing one are
    kept and a :class:`DataSourceError` is raised.
    """
    with database.sessions() as session:
        newest = draw_repo.latest(session)
    start = 1 if full or newest is None else newest.draw_no
    if source == "mirror":
        return _sync_mirror(database, settings, url=url, start=start, to=to, progress=progress)
    if source != "official":
        raise JinlottoError(f"unknown source {source!r}: choose official or mirror")
    return _sync_official(
        database, settings, url=url or settings.lotto_api_url, start=start, to=to, progress=progress
    )


def _sync_mirror(
    database: Database,
    settings: Settings,
    *,
    url: str | None,
    start: int,
    to: int | None,
    progress: Progress | None,
) -> ImportReport:
    from jinlotto.ingest.client import PoliteClient  # imported here: keeps `data status` fast
    from jinlotto.ingest.sources import fetch_mirror

    target = url or settings.lotto_mirror_url
    if not target:
        raise JinlottoError("no mirror URL: set LOTTO_MIRROR_URL or pass --url")
    with PoliteClient(settings) as client:
        draws = fetch_mirror(client, target)
    wanted = [
        draw for draw in draws if draw.draw_no >= start and (to is None or draw.draw_no <= to)
    ]
    try:
        with database.transaction() as session:
            return import_draws(session, wanted, source="mirror", progress=progress)
    except InvalidDrawError as error:
        bad = _draw_at_fault(error)
        item = next(index for index, draw in enumerate(draws, start=1) if draw.draw_no == bad)
        raise DataSourceError(
            f"{target}: item {item}: {error.message}", detail={"url": target, **_detail(error)}
        ) from error


def _sync_official(
    database: Database,
    settings: Settings,
    *,
    url: str,
    start: int,
    to: int | None,
    progress: Progress | None,
) -> ImportReport:
    from jinlotto.ingest.client import PoliteClient  # imported here: keeps `data status` fast
    from jinlotto.ingest.sources import fetch_official_draws, source_name

    name = source_name(url)
    report = ImportReport(source=name)
    due = max(latest_held_draw(kst_now()), start)
    last = due if to is None else to
    next_no = start
    with PoliteClient(settings) as client:
        while to is None or next_no <= to:
            numbers = list(range(next_no, next_no + _batch_size(next_no, last, settings)))
            outcomes = fetch_official_draws(
                client, url, numbers, concurrency=settings.http_concurrency
            )
            held, failure = _leading_draws(outcomes)
            stored, refused = _store_leading(database, held, url=url, source=name)
            report.merge(stored)
            failure = refused or failure
            if progress:
                progress(next_no - start + len(held), max(last, next_no) - start + 1)
            if failure is not None:
                raise DataSourceError(
                    f"{failure.message} ({report.added} new draws stored before it)",
                    detail={**_detail(failure), "report": report.to_dict()},
                )
            if len(held) < len(numbers):
                break
            next_no += len(numbers)
    return report


def _store_leading(
    database: Database, draws: list[Draw], *, url: str, source: str
) -> tuple[ImportReport, DataSourceError | None]:
    """Store consecutive fetched draws, each batch committed whole; when one of them is dated
    wrongly, store the draws before it and say why, naming its URL."""
    from jinlotto.ingest.sources import draw_url

    if not draws:
        return ImportReport(source=source), None
    try:
        with database.transaction() as session:
            return import_draws(session, draws, source=source), None
    except InvalidDrawError as error:
        bad = _draw_at_fault(error)
        before = [draw for draw in draws if draw.draw_no < bad]
        report = ImportReport(source=source)
        if before:
            with database.transaction() as session:
                report = import_draws(session, before, source=source)
        shown = draw_url(url, bad)
        return report, DataSourceError(
            f"{shown}: {error.message}", detail={"url": shown, **_detail(error)}
        )


def _detail(error: JinlottoError) -> dict[str, Any]:
    return dict(error.detail) if isinstance(error.detail, dict) else {}


def _draw_at_fault(error: InvalidDrawError) -> int:
    """The draw a batch check refused (its detail names it)."""
    draw_no = _detail(error).get("draw_no")
    if not isinstance(draw_no, int):
        raise error
    return draw_no


def _batch_size(next_no: int, last: int, settings: Settings) -> int:
    """Up to a few requests per worker while behind; one at a time past the expected end."""
    remaining = last - next_no + 1
    return max(1, min(settings.http_concurrency * BATCH_PER_WORKER, remaining))


def _leading_draws(
    outcomes: Sequence[Draw | DataSourceError | None],
) -> tuple[list[Draw], DataSourceError | None]:
    """The draws before the first "not held yet" or failure, and that failure if any."""
    held: list[Draw] = []
    for outcome in outcomes:
        if isinstance(outcome, DataSourceError):
            return held, outcome
        if outcome is None:
            break
        held.append(outcome)
    return held, None


def export_draws(database: Database, path: Path, *, fmt: ExportFormat) -> int:
    """Write every stored draw to ``path`` atomically; returns how many were written."""
    with database.sessions() as session:
        draws = draw_repo.all_draws(session)
    write_atomically(path, export_bytes(draws, fmt))
    return len(draws)


def status(database: Database) -> DataStatus:
    """How many draws are stored, the newest, and the gaps between draw 1 and the newest."""
    with database.sessions() as session:
        count, first, last, updated_at = draw_repo.summary(session)
        newest = draw_repo.latest(session)
        numbers = draw_repo.draw_numbers(session) if last is not None and count < last else []
    return DataStatus(
        count=count,
        first_draw=first,
        last_draw=last,
        last_draw_date=newest.draw_date if newest else None,
        missing=_gaps(numbers),
        last_updated_at=updated_at,
        freshness=freshness(last, datetime.now(UTC)),
    )


def _gaps(numbers: Sequence[int]) -> list[tuple[int, int]]:
    """Inclusive ranges of draw numbers missing between 1 and the last of ascending ``numbers``."""
    gaps = []
    expected = 1
    for number in numbers:
        if number > expected:
            gaps.append((expected, number - 1))
        expected = number + 1
    return gaps


def load_history(database: Database) -> "History":
    """Every stored draw as arrays, oldest first."""
    from jinlotto.domain.history import History  # imported here: numpy slows `data status`

    with database.sessions() as session:
        return History.from_draws(draw_repo.all_draws(session))


def stored_history(database: Database) -> "History":
    """Every stored draw; refuses an empty database with a message saying what to do."""
    history = load_history(database)
    if len(history) == 0:
        raise NoDrawDataError(NO_DATA_MESSAGE)
    return history
