"""What one application instance holds for its lifetime (built by the lifespan)."""

from dataclasses import dataclass, field

from jinlotto.api.metrics import ServiceStateCollector
from jinlotto.api.probe import HealthProbe
from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.services.analysis import AnalysisCache
from jinlotto.services.recommend import RecommendationCache
from jinlotto.services.recommender import Recommender


@dataclass
class ServiceState:
    """Settings, database, recommender and caches of one process."""

    settings: Settings
    database: Database
    recommender: Recommender
    metrics_state: ServiceStateCollector
    recommendations: RecommendationCache
    health: HealthProbe
    analysis: AnalysisCache = field(default_factory=AnalysisCache)
