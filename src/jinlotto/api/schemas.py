"""Request and response bodies of the API."""

import re
from dataclasses import asdict
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    WithJsonSchema,
    model_validator,
)

from jinlotto.db.models import DrawRecord
from jinlotto.db.repositories.draws import to_domain
from jinlotto.domain.games import NUMBER_MAX, NUMBER_MIN, NUMBERS_PER_GAME, integral_float_as_int
from jinlotto.strategies.filters import LIMITS, MAX_FIXED

# C0 controls other than tab and line breaks, DEL, and lone UTF-16 surrogates: none is text a
# person types, PostgreSQL refuses NUL, and a lone surrogate cannot be encoded to store it.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def _plain_text(value: str) -> str:
    if _NOT_TEXT.search(value):
        raise ValueError("must not contain control characters such as NUL")
    return value


Text = Annotated[
    str,
    AfterValidator(_plain_text),
    Field(json_schema_extra={"pattern": "^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"}),
]
"""Every text field of a request body: printable text, tabs and line breaks only."""


class Strict(BaseModel):
    """Bodies reject unknown fields so that a typo is an error, not a silent default."""

    model_config = ConfigDict(extra="forbid")


# A whole number as JSON writes it: 2 or 2.0, not true or "2".
WholeNumber = Annotated[StrictInt, BeforeValidator(integral_float_as_int)]


def _filters_schema() -> dict[str, Any]:
    """What ``Filters.from_mapping`` reads, as JSON Schema (null leaves an option unset)."""

    def optional(schema: dict[str, Any]) -> dict[str, Any]:
        return {"anyOf": [schema, {"type": "null"}]}

    def numbers(most: int) -> dict[str, Any]:
        number = {"type": "integer", "minimum": NUMBER_MIN, "maximum": NUMBER_MAX}
        return {"type": "array", "items": number, "maxItems": most, "uniqueItems": True}

    properties: dict[str, Any] = {
        "fixed": optional(numbers(MAX_FIXED)),
        "excluded": optional(numbers(NUMBER_MAX - NUMBERS_PER_GAME)),
        "exclude_past_winners": optional({"type": "boolean"}),
    }
    for name, (low, high) in LIMITS.items():
        value = {"type": "integer", "minimum": low, "maximum": high}
        if name.endswith("_range"):
            pair = {"type": "array", "items": value, "minItems": 2, "maxItems": 2}
            properties[name] = optional(pair)
        else:
            properties[name] = optional(value)
    return {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "description": "Ranges are [min, max] with min <= max; a number may not be both fixed "
        "and excluded (422 otherwise).",
    }


class PredictRequest(Strict):
    num_sets: WholeNumber = Field(default=5, ge=1, le=5, description="How many games (1-5)")
    strategy: Text | None = Field(default=None, max_length=32)
    filters: Annotated[
        dict[Annotated[Text, Field(max_length=32)], Any], WithJsonSchema(_filters_schema())
    ] = Field(default_factory=dict, max_length=16)


class Relaxed(BaseModel):
    stage: int = Field(
        description="1: the strategy's balance rules dropped; 2: shape filters "
        "dropped too; 3: the strategy's number weights ignored as well"
    )
    dropped: list[str] = Field(
        description="What was dropped: filter names as sent, 'diversity' (the strategy's own "
        "balance rules) and 'strategy_weights'"
    )


class PredictResponse(BaseModel):
    sets: list[list[int]]
    confidence_scores: list[float]
    analysis_summary: list[dict[str, Any]]
    strategy: str
    model_version: str | None
    generated_for: date
    draw_no: int = Field(description="The draw these games are for: the next one on sale")
    draw_date: date = Field(description="The scheduled date of that draw")
    relaxed: Relaxed | None = Field(
        description="null when every filter was met as given; otherwise what was relaxed"
    )
    reasoning: list[str]


class FilterLimit(BaseModel):
    min: int
    max: int


class StrategyRead(BaseModel):
    name: str
    available: bool = Field(description="false: asking for it answers the default instead")


class StrategiesResponse(BaseModel):
    default: str
    strategies: list[StrategyRead]
    max_fixed: int
    filters: dict[str, FilterLimit] = Field(description="What each filter value may be")


# Documented in full; the numbers are checked by the domain rule, which names what is wrong.
Game = Annotated[
    list[WholeNumber],
    Field(max_length=NUMBERS_PER_GAME),
    WithJsonSchema(
        {
            "type": "array",
            "items": {"type": "integer", "minimum": NUMBER_MIN, "maximum": NUMBER_MAX},
            "minItems": NUMBERS_PER_GAME,
            "maxItems": NUMBERS_PER_GAME,
            "uniqueItems": True,
        }
    ),
]


class TicketCheckRequest(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "oneOf": [
                {
                    "required": ["qr"],
                    "properties": {
                        "qr": {"type": "string"},
                        "draw_no": {"type": "null"},
                        "games": {"type": "null"},
                    },
                },
                {
                    "required": ["draw_no", "games"],
                    "properties": {
                        "qr": {"type": "null"},
                        "draw_no": {"type": "integer"},
                        "games": {"type": "array"},
                    },
                },
            ]
        },
    )
    draw_no: WholeNumber | None = Field(default=None, ge=1, le=9999)
    games: list[Game] | None = Field(default=None, min_length=1, max_length=5)
    qr: Text | None = Field(default=None, max_length=2048)

    @model_validator(mode="after")
    def _one_form(self) -> "TicketCheckRequest":
        if self.qr is not None:
            if self.draw_no is not None or self.games is not None:
                raise ValueError("send either 'qr' or 'draw_no' with 'games', not both")
        elif self.draw_no is None or self.games is None:
            raise ValueError("send 'qr', or 'draw_no' together with 'games'")
        return self


class GradedGameRead(BaseModel):
    numbers: list[int]
    matched: int | None
    bonus_matched: bool | None
    rank: int | None = Field(description="1-5, 0 for no prize; null until the draw is known")
    prize: int | None = Field(description="KRW paid to this game; null when never published")
    prize_source: Literal["published", "rule"] | None = Field(
        default=None,
        description="published: the draw's own figure; rule: a fixed prize of that draw's time",
    )


class GameResultRead(GradedGameRead):
    kind: str = Field(description="manual, auto or unknown (typed games)")


TicketStatus = Literal["graded", "pending", "missing"]


class TicketCheckResponse(BaseModel):
    status: TicketStatus
    draw_no: int
    games: list[GameResultRead]


class SavedTicketRead(BaseModel):
    id: int
    draw_no: int
    source: Literal["typed", "qr"]
    created_at: datetime
    status: TicketStatus
    games: list[GameResultRead]


class SavedTicketPage(BaseModel):
    items: list[SavedTicketRead]
    limit: int
    offset: int


class PastRecommendationRead(BaseModel):
    generated_for: date = Field(description="The KST day the visitor received these games")
    draw_no: int
    strategy: str
    model_version: str | None
    status: TicketStatus
    games: list[GradedGameRead]


class HistoryResponse(BaseModel):
    recommendations: list[PastRecommendationRead]
    tickets: list[SavedTicketRead]


class RankCountRead(BaseModel):
    rank: int
    observed: int
    expected: float = Field(description="Games times the chance of this rank for any game")


class CumulativeRead(BaseModel):
    games: int
    mean_matches: float | None
    low: float | None
    high: float | None


class DrawAccuracyRead(BaseModel):
    draw_no: int
    games: int
    mean_matches: float
    ranks: list[int] = Field(description="Games that won ranks 1-5 at this draw")
    cumulative: CumulativeRead = Field(description="Every draw up to and including this one")


class AccuracyGroupRead(BaseModel):
    strategy: str
    model_version: str | None
    draws: int
    games: int
    mean_matches: float | None
    low: float | None = Field(description="95 % interval over draws; null with one draw")
    high: float | None
    ranks: list[RankCountRead]
    per_draw: list[DrawAccuracyRead]


class AccuracyResponse(BaseModel):
    expected_mean_matches: float
    groups: list[AccuracyGroupRead]
    note: str


class TierRead(BaseModel):
    rank: int
    winners: int | None
    prize: int | None


class DrawRead(BaseModel):
    draw_no: int
    draw_date: date
    numbers: list[int]
    bonus_no: int
    tiers: list[TierRead]
    total_sales: int | None
    first_auto: int | None
    first_semi_auto: int | None
    first_manual: int | None

    @classmethod
    def from_record(cls, record: DrawRecord) -> "DrawRead":
        draw = to_domain(record)
        tiers = [
            TierRead(rank=rank, winners=tier.winners, prize=tier.prize)
            for rank, tier in enumerate(draw.tiers, start=1)
        ]
        return cls(**{**asdict(draw), "numbers": list(draw.numbers), "tiers": tiers})


class DrawPage(BaseModel):
    items: list[DrawRead]
    total: int = Field(description="Stored draws matching the query")
    limit: int
    offset: int
    contains: list[int] = Field(default_factory=list, description="The numbers asked for")


class FeedbackRequest(Strict):
    message: Text = Field(min_length=1, max_length=2000)


class FeedbackResponse(BaseModel):
    id: int
    sent_to_slack: bool = Field(description="Queued for Slack (sent in the background)")


class HealthResponse(BaseModel):
    status: Literal["ok", "unavailable"]
    database: bool
    draws: int | None
    latest_draw_no: int | None
    latest_draw_date: date | None = None
    next_draw_no: int = Field(description="The draw whose tickets are on sale now")
    missing_recent: int | None = Field(
        default=None, description="Held draws newer than the newest stored one"
    )
    stale: bool | None = Field(
        default=None, description="true when held draws are missing: run `jinlotto data update`"
    )
    active_model: str | None
    ml_enabled: bool
    hint: str | None = None
