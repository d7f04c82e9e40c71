"""User filters every strategy applies to its games, and the staged relaxation rules.

Every option is off by default except ``exclude_past_winners`` (a user asking for new numbers
does not expect a combination that already won 1st prize). Ranges are inclusive ``(min, max)``.
A :class:`Filters` is checked when it is built: contradictions (a number both fixed and
excluded, more than 5 fixed, fewer than 6 numbers left) and values no game can have (see
:data:`LIMITS`) raise ``InvalidFilterError`` naming the option.

Relaxation, used when the filters cannot be met within a bounded number of tries:

- stage 0: the filters as given, plus the strategy's own diversity constraints;
- stage 1: the strategy's diversity constraints are dropped (``"diversity"``);
- stage 2: every shape filter (sums, counts, AC, runs, zones, end digits, span, carry-over) is
  dropped as well; ``relaxed`` names each one that was set.

Fixed numbers, excluded numbers and ``exclude_past_winners`` are never relaxed: they are the
user's explicit choice, and :meth:`Filters.validate` already guarantees they can be met.
"""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from jinlotto.domain import combos
from jinlotto.domain.games import integral_float_as_int
from jinlotto.errors import InvalidFilterError

IntRange = tuple[int, int]
MAX_FIXED = 5

# The shape filters in the order they are checked (and named in ``relaxed``).
SHAPE_FILTERS = (
    "sum_range",
    "odd_range",
    "low_range",
    "min_ac",
    "max_consecutive",
    "max_per_zone",
    "end_digit_sum_range",
    "max_same_end_digit",
    "min_span",
    "carryover_range",
)
_RANGE_FIELDS = ("sum_range", "odd_range", "low_range", "end_digit_sum_range", "carryover_range")
_INT_FIELDS = ("min_ac", "max_consecutive", "max_per_zone", "max_same_end_digit", "min_span")
# What each shape filter's value may be: the least and the most its figure takes over all
# C(45, 6) games (checked by enumerating them in the tests). A value outside can never be met.
LIMITS: dict[str, IntRange] = {
    "sum_range": (21, 255),
    "odd_range": (0, 6),
    "low_range": (0, 6),
    "min_ac": (0, 10),
    "max_consecutive": (1, 6),
    "max_per_zone": (2, 6),  # six numbers in five zones: some zone holds two
    "end_digit_sum_range": (2, 52),
    "max_same_end_digit": (1, 5),  # 1, 11, 21, 31, 41 share the most
    "min_span": (5, 44),
    "carryover_range": (0, 6),
}


@dataclass(frozen=True, slots=True)
class FilterContext:
    """What filters and analyses need to know about the history a strategy was fitted on."""

    last_numbers: NDArray[np.int64]  # the newest draw's six numbers (empty for no history)
    winner_keys: NDArray[np.int64]  # sorted combination keys of every past winning combination
    winner_draw_nos: NDArray[np.int64]  # draw number of each key in ``winner_keys``
    hot_numbers: NDArray[np.int64]  # the numbers drawn most often in recent draws


@dataclass(frozen=True, slots=True)
class Filters:
    """The options a user can set on recommended games (see the module docstring)."""

    fixed: tuple[int, ...] = ()
    excluded: tuple[int, ...] = ()
    sum_range: IntRange | None = None
    odd_range: IntRange | None = None
    low_range: IntRange | None = None
    min_ac: int | None = None
    max_consecutive: int | None = None
    max_per_zone: int | None = None
    end_digit_sum_range: IntRange | None = None
    max_same_end_digit: int | None = None
    min_span: int | None = None
    carryover_range: IntRange | None = None
    exclude_past_winners: bool = True

    def __post_init__(self) -> None:
        # Sorted tuples make equal options compare (and ``key()``) equal whatever the input order.
        object.__setattr__(self, "fixed", tuple(sorted(self.fixed)))
        object.__setattr__(self, "excluded", tuple(sorted(self.excluded)))
        for name in _RANGE_FIELDS:
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, tuple(value))
        self._validate()

    @classmethod
    def from_mapping(
        cls, options: Mapping[str, Any], *, labels: Mapping[str, str] | None = None
    ) -> "Filters":
        """Filters from API/CLI input; anything wrong raises ``InvalidFilterError``.

        ``labels`` maps option names to what the user typed (``{"sum_range": "--sum"}``), so the
        message names the option as given; ``detail["option"]`` is that label too.
        """
        try:
            return cls(**_parse(options))
        except InvalidFilterError as error:
            raise _relabelled(error, labels or {}) from None

    def _validate(self) -> None:
        """Refuse options that contradict each other or that no game can meet."""
        for name in ("fixed", "excluded"):
            numbers = getattr(self, name)
            outside = [n for n in numbers if not 1 <= n <= 45]
            if outside:
                raise _error(name, "number_outside", f"numbers must be 1-45, got {outside}")
            if len(set(numbers)) != len(numbers):
                raise _error(name, "number_repeated", "numbers are listed more than once")
        if len(self.fixed) > MAX_FIXED:
            raise _error(
                "fixed",
                "too_many_fixed",
                f"holds at most {MAX_FIXED} numbers, got {len(self.fixed)}",
                max=MAX_FIXED,
            )
        both = sorted(set(self.fixed) & set(self.excluded))
        if both:
            raise _error(
                "excluded", "fixed_and_excluded", f"holds numbers that are also fixed: {both}"
            )
        if 45 - len(self.excluded) < 6:
            left = 45 - len(self.excluded)
            raise _error(
                "excluded", "too_few_left", f"leaves {left} numbers, fewer than a game's 6"
            )
        for name in _RANGE_FIELDS:
            bounds = getattr(self, name)
            if bounds is not None:
                _check_range(name, bounds)
        for name in _INT_FIELDS:
            value = getattr(self, name)
            if value is not None:
                _check_value(name, value)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready options (tuples as lists)."""
        return {
            name: list(value) if isinstance(value, tuple) else value
            for name, value in asdict(self).items()
        }

    def key(self) -> str:
        """A stable 64-character hex digest of the options: equal options, equal key."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def active_shape_filters(self) -> list[str]:
        """Names of the shape filters that are set (what stage 2 relaxes)."""
        return [name for name in SHAPE_FILTERS if getattr(self, name) is not None]

    def mask(
        self, games: NDArray[np.int64], context: FilterContext, *, shape: bool = True
    ) -> NDArray[np.bool_]:
        """Which games pass; ``shape=False`` checks only fixed, excluded and past winners."""
        keep = np.ones(games.shape[0], dtype=np.bool_)
        if self.fixed:
            keep &= np.isin(games, self.fixed).sum(axis=1) == len(self.fixed)
        if self.excluded:
            keep &= ~np.isin(games, self.excluded).any(axis=1)
        if self.exclude_past_winners:
            _, won = combos.find_sorted(context.winner_keys, combos.combination_keys(games))
            keep &= ~won
        if shape:
            keep &= self._shape_mask(games, context)
        return keep

    def _shape_mask(self, games: NDArray[np.int64], context: FilterContext) -> NDArray[np.bool_]:
        keep = np.ones(games.shape[0], dtype=np.bool_)
        ranged = (
            (self.sum_range, combos.sums),
            (self.odd_range, combos.odd_counts),
            (self.low_range, combos.low_counts),
            (self.end_digit_sum_range, combos.end_digit_sums),
        )
        for bounds, metric in ranged:
            if bounds is not None:
                values = metric(games)
                keep &= (values >= bounds[0]) & (values <= bounds[1])
        if self.min_ac is not None:
            keep &= combos.ac_values(games) >= self.min_ac
        if self.max_consecutive is not None:
            keep &= combos.max_consecutive_runs(games) <= self.max_consecutive
        if self.max_per_zone is not None:
            keep &= combos.zone_counts(games).max(axis=1) <= self.max_per_zone
        if self.max_same_end_digit is not None:
            keep &= combos.max_same_end_digit(games) <= self.max_same_end_digit
        if self.min_span is not None:
            keep &= combos.spans(games) >= self.min_span
        if self.carryover_range is not None:
            carried = combos.carryover_counts(games, context.last_numbers)
            keep &= (carried >= self.carryover_range[0]) & (carried <= self.carryover_range[1])
        return keep


def _error(name: str, code: str, problem: str, **values: int) -> InvalidFilterError:
    """An error about option ``name``; the message starts with the name (see ``_relabelled``).

    ``detail`` carries the option, a stable ``code`` and the figures the message quotes, so a
    client can word the error in its own language.
    """
    return InvalidFilterError(f"{name} {problem}", detail={"option": name, "code": code, **values})


def _relabelled(error: InvalidFilterError, labels: Mapping[str, str]) -> InvalidFilterError:
    detail = error.detail if isinstance(error.detail, dict) else {}
    name = str(detail.get("option", ""))
    label = labels.get(name)
    if not label or not error.message.startswith(name):
        return error
    message = label + error.message[len(name) :]
    return InvalidFilterError(message, detail={**detail, "option": label})


def _check_range(name: str, bounds: tuple[int, ...]) -> None:
    low, high = LIMITS[name]
    if len(bounds) != 2 or bounds[0] > bounds[1]:
        raise _error(
            name, "not_a_range", f"must be a range MIN-MAX with MIN <= MAX, got {list(bounds)}"
        )
    if bounds[0] < low or bounds[1] > high:
        shown = list(bounds)
        raise _error(
            name,
            "outside_limits",
            f"must lie within {low}-{high} (what a game can have), got {shown}",
            min=low,
            max=high,
        )


def _check_value(name: str, value: int) -> None:
    low, high = LIMITS[name]
    if not low <= value <= high:
        raise _error(
            name,
            "outside_limits",
            f"must be {low}-{high} (what a game can have), got {value}",
            min=low,
            max=high,
        )


def _parse(options: Mapping[str, Any]) -> dict[str, Any]:
    known = {field.name for field in fields(Filters)}
    unknown = sorted(set(options) - known)
    if unknown:
        raise InvalidFilterError(
            f"unknown filter option(s): {', '.join(unknown)}",
            detail={"code": "unknown_option", "known": sorted(known)},
        )
    values: dict[str, Any] = {}
    for name, value in options.items():
        if value is None:
            continue
        if name in ("fixed", "excluded"):
            values[name] = tuple(_number_list(name, value))
        elif name in _RANGE_FIELDS:
            values[name] = _int_range(name, value)
        elif name in _INT_FIELDS:
            values[name] = _integer(name, value)
        elif not isinstance(value, bool):
            raise _error(name, "not_true_or_false", "must be true or false")
        else:
            values[name] = value
    return values


def _integer(name: str, value: Any) -> int:
    value = integral_float_as_int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _error(name, "not_a_whole_number", f"must be a whole number, got {str(value)[:20]!r}")
    return value


def _number_list(name: str, value: Any) -> list[int]:
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
        raise _error(name, "not_a_list", "must be a list of numbers 1-45")
    if len(value) > 45:
        raise _error(name, "list_too_long", f"must list at most 45 numbers, got {len(value)}")
    return [_integer(name, item) for item in value]


def _int_range(name: str, value: Any) -> IntRange:
    if isinstance(value, Mapping):
        value = [value.get("min"), value.get("max")]
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple) or len(value) != 2:
        raise _error(name, "not_a_pair", "must be [min, max]")
    return (_integer(name, value[0]), _integer(name, value[1]))
