"""What one application instance holds for its lifetime (built by the lifespan)."""

from dataclasses import dataclass, field

from jinlotto.api.metrics import ServiceStateCollector
from jinlotto.api.probe import HealthProbe
from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.services.analysis import AnalysisCache
from jinlotto.services.notify import Notifier
from jinlotto.services.ratelimit import RateLimiter
from jinlotto.services.recommend import RecommendationCache, RecommendationWriter
from jinlotto.services.recommender import Recommender
from jinlotto.services.scheduler import WeeklyScheduler


@dataclass
class ServiceState:
    """Settings, database, recommender, caches, Slack notifier and weekly scheduler of one
    process."""

    settings: Settings
    database: Database
    recommender: Recommender
    metrics_state: ServiceStateCollector
    recommendations: RecommendationCache
    writer: RecommendationWriter
    health: HealthProbe
    notifier: Notifier
    limiter: RateLimiter
    scheduler: WeeklyScheduler | None = None
    analysis: AnalysisCache = field(default_factory=AnalysisCache)
