"""An active model that cannot be loaded is answered around, and tried again after a while: on
another host its file may be stored later, or an operator may repair it."""

from pathlib import Path

import numpy as np
from sqlalchemy import text

from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.services.recommender import MODEL_RETRY, Recommender
from jinlotto.services.training import train_and_activate
from jinlotto.strategies.filters import Filters


def test_an_unusable_model_is_tried_again_after_the_retry_time(
    loaded: Database, settings: Settings
) -> None:
    ml_on = settings.model_copy(update={"enable_ml": True})
    result = train_and_activate(loaded, ml_on)
    with loaded.transaction() as session:
        content = session.execute(text("SELECT content FROM model_artefacts")).scalar_one()
        session.execute(text("UPDATE model_artefacts SET content = :junk"), {"junk": b"junk"})
        session.execute(text("DELETE FROM model_forecasts"))  # as after a new draw
    Path(result.path).unlink()
    now = [1000.0]
    alerts: list[str] = []
    recommender = Recommender(
        ml_on,
        loaded,
        alert=lambda model, _problem: alerts.append(model),
        train_when_missing=True,
        clock=lambda: now[0],
    )

    def strategy() -> str:
        return recommender.generate("ml", Filters(), 5, np.random.default_rng(1)).strategy

    assert strategy() == "statistical"
    with loaded.transaction() as session:  # repaired, e.g. stored again by the training host
        session.execute(text("UPDATE model_artefacts SET content = :good"), {"good": content})
    now[0] += MODEL_RETRY.total_seconds() - 1
    assert strategy() == "statistical"  # not retried on every request
    now[0] += 2
    assert strategy() == "ml"
    assert alerts == [result.model_name]
