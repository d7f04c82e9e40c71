"""A Lotto 6/45 game: six distinct numbers from 1 to 45. The one place that checks and reads one."""

import re
from collections.abc import Sequence

from jinlotto.errors import InvalidTicketError

NUMBER_MIN, NUMBER_MAX = 1, 45
NUMBERS_PER_GAME = 6
_SEPARATORS = re.compile(r"[\s,]+")


def integral_float_as_int(value: object) -> object:
    """JSON has one number type: ``2.0`` is the whole number 2 (JSON Schema agrees); ``True`` and
    ``"2"`` are left as they are, to be refused as non-numbers."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def game_problem(numbers: Sequence[int]) -> str | None:
    """What keeps ``numbers`` from being a game, in a few words; ``None`` when they are one."""
    if len(numbers) != NUMBERS_PER_GAME:
        return f"expected 6 numbers, got {len(numbers)}"
    outside = [number for number in numbers if not NUMBER_MIN <= number <= NUMBER_MAX]
    if outside:
        return f"number {outside[0]} is outside 1-45"
    if len(set(numbers)) != NUMBERS_PER_GAME:
        return f"numbers repeat: {sorted(numbers)}"
    return None


def validate_game(numbers: Sequence[int], label: str = "game") -> tuple[int, ...]:
    """``numbers`` sorted ascending; :class:`InvalidTicketError` starting with ``label`` if they
    are not six distinct numbers 1-45."""
    problem = game_problem(numbers)
    if problem is not None:
        raise InvalidTicketError(f"{label}: {problem}")
    return tuple(sorted(numbers))


def parse_game(text: str) -> tuple[int, ...]:
    """The game typed as text such as ``"1,2,3,4,5,6"`` or ``"1 2 3 4 5 6"``, ascending."""
    parts = [part for part in _SEPARATORS.split(text.strip()) if part]
    if not all(part.isascii() and part.isdigit() for part in parts):
        raise InvalidTicketError(f"a game is six whole numbers 1-45, got {text[:40]!r}")
    return validate_game([int(part) for part in parts], f"game {text[:40]!r}")
