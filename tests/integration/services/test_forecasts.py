"""A model is served from its stored forecast: no process but the one that made it needs the
model file or scikit-learn, and each history's forecast is made once."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select
from tests.support.store import import_draws

from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.db.models import ModelForecastRecord
from jinlotto.domain.draw import Draw
from jinlotto.domain.history import History
from jinlotto.errors import ModelError
from jinlotto.services import models
from jinlotto.services.draws import load_history
from jinlotto.services.training import train_and_activate
from jinlotto.strategies.ml import Forecast

SERVE_ONE = """
import json, sys
from jinlotto.config import get_settings
from jinlotto.db.database import Database
from jinlotto.services.recommender import Recommender
from jinlotto.strategies.filters import Filters

settings = get_settings()
generated = Recommender(settings, Database.open(settings), train_when_missing=True).generate(
    None, Filters(), 5
)
print(json.dumps({
    "strategy": generated.strategy,
    "model": generated.model_version,
    "imported": sorted(name for name in ("sklearn", "scipy") if name in sys.modules),
}))
"""


def _forecasts(database: Database) -> int:
    with database.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(ModelForecastRecord)) or 0)


def test_another_process_serves_the_model_from_its_forecast_without_scikit_learn(
    loaded: Database, settings: Settings, tmp_path: Path
) -> None:
    ml_on = settings.model_copy(update={"enable_ml": True})
    trained = train_and_activate(loaded, ml_on)
    assert _forecasts(loaded) == 1  # made by the training, for the history it trained on
    elsewhere = tmp_path / "another-host-models"
    env = os.environ | {
        "DATABASE_URL": settings.database_url,
        "MODEL_DIR": str(elsewhere),
        "ENABLE_ML": "true",
        "ENVIRONMENT": "test",
        "SLACK_WEBHOOK_URL": "",
    }
    served = subprocess.run(
        [sys.executable, "-c", SERVE_ONE], env=env, capture_output=True, text=True, check=True
    )
    answer = json.loads(served.stdout.strip().splitlines()[-1])
    assert answer == {"strategy": "unified", "model": trained.model_name, "imported": []}
    assert not elsewhere.exists() or not any(elsewhere.iterdir()), "no model file was needed"


def test_a_stored_forecast_is_exactly_what_the_model_predicts(
    loaded: Database, settings: Settings
) -> None:
    ml_on = settings.model_copy(update={"enable_ml": True})
    trained = train_and_activate(loaded, ml_on)
    history = load_history(loaded)
    stored = models.load_forecast(loaded, ml_on, trained.model_name, history)
    predicted = models.load_model(loaded, ml_on, trained.model_name).predict(history)
    np.testing.assert_array_equal(stored.probabilities, predicted)


def test_a_new_draw_gets_one_forecast_made_from_the_model(
    database: Database, settings: Settings, shared_draws: list[Draw]
) -> None:
    ml_on = settings.model_copy(update={"enable_ml": True})
    import_draws(database, shared_draws[:-1], source="test")
    trained = train_and_activate(database, ml_on)
    import_draws(database, shared_draws[-1:], source="test")
    history = load_history(database)
    first = models.load_forecast(database, ml_on, trained.model_name, history)
    again = models.load_forecast(database, ml_on, trained.model_name, history)
    assert (first.draws, first.newest_draw_no) == (1200, 1200)
    assert _forecasts(database) == 2  # after draw 1199 (training) and after draw 1200
    np.testing.assert_array_equal(first.probabilities, again.probabilities)
    with pytest.raises(ModelError, match="made after draw 1200"):
        first.predict(history.last(1199))


def test_a_forecast_is_only_for_the_history_it_was_made_from(shared_history: History) -> None:
    history = shared_history.last(300)
    forecast = Forecast(draws=300, newest_draw_no=1199, probabilities=np.full((6, 45), 1 / 45))
    with pytest.raises(ModelError, match="the history has 300 ending at draw 1200"):
        forecast.predict(history)
