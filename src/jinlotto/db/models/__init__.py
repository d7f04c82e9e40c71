"""Every table, imported here so that Alembic and ``Base.metadata`` see them all."""

from jinlotto.db.models.backtest import BacktestReportRecord
from jinlotto.db.models.draws import DrawRecord
from jinlotto.db.models.ml import (
    ModelActivationRecord,
    ModelArtefactRecord,
    ModelForecastRecord,
)
from jinlotto.db.models.operations import AccuracyRecord, SavedTicketRecord, WeeklyRunRecord
from jinlotto.db.models.service import (
    FeedbackRecord,
    JobLockRecord,
    RateLimitRecord,
    RecommendationRecord,
)

__all__ = [
    "AccuracyRecord",
    "BacktestReportRecord",
    "DrawRecord",
    "FeedbackRecord",
    "JobLockRecord",
    "ModelActivationRecord",
    "ModelArtefactRecord",
    "ModelForecastRecord",
    "RateLimitRecord",
    "RecommendationRecord",
    "SavedTicketRecord",
    "WeeklyRunRecord",
]
