"""Reading the QR code printed on a Lotto 6/45 paper ticket.

The code holds a URL such as ``https://m.dhlottery.co.kr/qr.do?method=winQr&v=…``; older tickets
carry ``http://qr.nlotto.co.kr/?v=…`` or ``m.nlotto.co.kr``. Any host under ``dhlottery.co.kr`` or
``nlotto.co.kr`` is accepted, every other host refused. A person may also paste the bare ``v``
value, or the ``v=…`` part copied out of such a URL.

The ``v`` value is a 4-digit draw number, then one to five games, each one letter (``m`` manual,
``q`` automatic, anything else unknown) followed by twelve digits (six 2-digit numbers), then an
optional 10-digit serial tail.
"""

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, urlsplit

from jinlotto.domain.games import NUMBERS_PER_GAME, validate_game
from jinlotto.domain.prizes import GAMES_PER_SLIP
from jinlotto.errors import InvalidTicketError

GameKind = Literal["manual", "auto", "unknown"]

TICKET_DOMAINS = ("dhlottery.co.kr", "nlotto.co.kr")
MAX_QR_LENGTH = 512
_KINDS: dict[str, GameKind] = {"m": "manual", "q": "auto"}
_DIGITS_PER_GAME = 2 * NUMBERS_PER_GAME
_TAIL_DIGITS = 10
_DRAW_DIGITS = 4


@dataclass(frozen=True, slots=True)
class TicketGame:
    """One game of a ticket: six ascending numbers and how they were chosen."""

    numbers: tuple[int, ...]
    kind: GameKind


@dataclass(frozen=True, slots=True)
class Ticket:
    """A paper ticket: the draw it is for and its games (one to five)."""

    draw_no: int
    games: tuple[TicketGame, ...]


def parse_qr(text: str) -> Ticket:
    """The ticket a QR text describes: a ticket URL or its bare ``v`` value.

    Raises :class:`InvalidTicketError` saying what is wrong for any other text.
    """
    text = text.strip()
    if not text:
        raise InvalidTicketError("the QR text is empty")
    if len(text) > MAX_QR_LENGTH:
        raise InvalidTicketError(f"the QR text is longer than {MAX_QR_LENGTH} characters")
    value = _v_from_url(text) if "://" in text else _bare_value(text)
    return parse_v(value)


def _bare_value(text: str) -> str:
    """The ``v`` value itself, or the ``v=…`` fragment copied out of a ticket URL."""
    for prefix in ("?v=", "&v=", "v="):
        if text.startswith(prefix):
            return text[len(prefix) :]
    return text


def is_ticket_host(host: str | None) -> bool:
    """Whether ``host`` is one of the lottery's domains or a subdomain of one."""
    if not host:
        return False
    host = host.lower().rstrip(".")
    return any(host == domain or host.endswith("." + domain) for domain in TICKET_DOMAINS)


def _v_from_url(text: str) -> str:
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError as error:
        raise InvalidTicketError(f"the QR text is not a valid URL: {error}") from None
    if parts.scheme not in {"http", "https"}:
        raise InvalidTicketError(f"not a Lotto ticket URL: the scheme {parts.scheme!r} is not http")
    if not is_ticket_host(host):
        raise InvalidTicketError(
            f"not a Lotto ticket URL: host {host!r} is not on dhlottery.co.kr or nlotto.co.kr"
        )
    values = parse_qs(parts.query, keep_blank_values=True).get("v", [])
    if len(values) != 1 or not values[0]:
        raise InvalidTicketError("the ticket URL has no single 'v' parameter")
    return values[0]


def parse_v(value: str) -> Ticket:
    """The ticket encoded in a QR ``v`` value (see the module docstring for the layout)."""
    if not re.fullmatch(r"[0-9]{4}", value[:_DRAW_DIGITS]):
        raise InvalidTicketError("the 'v' value must start with a 4-digit draw number")
    draw_no = int(value[:_DRAW_DIGITS])
    if draw_no < 1:
        raise InvalidTicketError("the draw number must be at least 1")
    games: list[TicketGame] = []
    position = _DRAW_DIGITS
    while position < len(value) and value[position].isascii() and value[position].isalpha():
        games.append(_parse_game(value, position, len(games) + 1))
        position += 1 + _DIGITS_PER_GAME
    _check_tail(value[position:], len(games))
    if not games:
        raise InvalidTicketError("the ticket holds no games")
    if len(games) > GAMES_PER_SLIP:
        raise InvalidTicketError(f"a ticket holds at most 5 games, this one {len(games)}")
    return Ticket(draw_no=draw_no, games=tuple(games))


def _parse_game(value: str, position: int, index: int) -> TicketGame:
    letter = value[position]
    digits = value[position + 1 : position + 1 + _DIGITS_PER_GAME]
    if not re.fullmatch(rf"[0-9]{{{_DIGITS_PER_GAME}}}", digits):
        raise InvalidTicketError(
            f"game {index}: expected 12 digits after {letter!r}, got {digits!r}"
        )
    numbers = [int(digits[i : i + 2]) for i in range(0, _DIGITS_PER_GAME, 2)]
    return TicketGame(
        numbers=validate_game(numbers, f"game {index}"), kind=_KINDS.get(letter, "unknown")
    )


def _check_tail(tail: str, games: int) -> None:
    if not tail:
        return
    if games and re.match(r"[0-9]+[A-Za-z]", tail):
        raise InvalidTicketError(f"game {games}: more than 12 digits before the next game")
    if not re.fullmatch(r"[0-9]+", tail):
        raise InvalidTicketError(f"unexpected characters after the games: {tail[:20]!r}")
    if len(tail) != _TAIL_DIGITS:
        raise InvalidTicketError(
            f"the digits after the games must be a 10-digit serial, got {len(tail)} digits"
        )
