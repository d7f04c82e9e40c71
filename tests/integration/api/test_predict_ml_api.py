"""The ML path: statistical while no model exists (training in the background), the model once
trained, a stored answer never changed, a corrupt stored model falling back with an alert, and no
scikit-learn import at all when ML is off."""

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import text
from tests.conftest import REPO_ROOT
from tests.integration.api.conftest import ClientFactory
from tests.support.slack_server import SlackServer

from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.registry import store
from jinlotto.services.training import train_and_activate

pytestmark = pytest.mark.slow


def test_no_model_answers_statistical_trains_once_then_serves_the_model(
    make_client: ClientFactory, loaded: Database, caplog: pytest.LogCaptureFixture
) -> None:
    with make_client(enable_ml=True) as client, caplog.at_level(logging.INFO):
        first = client.post("/api/predict", json={})
        engine = client.app.state.service.recommender  # type: ignore[attr-defined]
        training = engine.training
        assert training is not None
        engine.start_training()  # a second ask while training runs starts nothing new
        assert engine.training is training
        training.join(timeout=300)
        assert not training.is_alive(), "training did not finish in 5 minutes"
        assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        repeat = client.post("/api/predict", json={})
        client.cookies.clear()
        newcomer = client.post("/api/predict", json={})
        health = client.get("/api/health").json()
    assert (first.json()["strategy"], first.json()["model_version"]) == ("statistical", None)
    assert repeat.json() == first.json()  # a stored answer never changes
    assert newcomer.json()["strategy"] == "unified"
    assert newcomer.json()["model_version"] == health["active_model"] is not None


def test_a_corrupt_stored_model_falls_back_to_statistical_and_alerts(
    make_client: ClientFactory,
    loaded: Database,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    result = train_and_activate(loaded, settings)
    with loaded.transaction() as session:  # a damaged copy here would be fetched again
        session.execute(text("UPDATE model_artefacts SET content = :junk"), {"junk": b"junk"})
        # With no forecast for the stored draws (as after a new draw) the model must be loaded.
        session.execute(text("DELETE FROM model_forecasts"))
    Path(result.path).unlink()
    with (
        SlackServer() as slack,
        make_client(
            enable_ml=True, slack_webhook_url=SecretStr(slack.url), slack_language="en"
        ) as client,
        caplog.at_level(logging.ERROR),
    ):
        response = client.post("/api/predict", json={"strategy": "ml"})
        client.cookies.clear()
        second = client.post("/api/predict", json={"strategy": "ml"})
    assert response.status_code == second.status_code == 200
    assert second.json()["strategy"] == "statistical"
    assert (response.json()["strategy"], response.json()["model_version"]) == ("statistical", None)
    assert any(result.model_name in record.getMessage() for record in caplog.records)
    # One alert per unusable model, not one per request.
    alerts = [text for text in slack.texts() if result.model_name in text]
    assert len(alerts) == 1 and "answering with the statistical strategy" in alerts[0]


def test_warmup_loads_the_active_model_before_the_first_request(
    make_client: ClientFactory,
    loaded: Database,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    result = train_and_activate(loaded, settings)
    assert store.model_path(result.model_name, model_dir=settings.model_dir).is_file()
    with (
        caplog.at_level(logging.INFO, logger="jinlotto.services.recommender"),
        make_client(enable_ml=True, warmup_on_startup=True) as client,
    ):
        loaded_before_request = [r.getMessage() for r in caplog.records]
        response = client.post("/api/predict", json={})
    assert f"model {result.model_name} loaded for the unified strategy" in loaded_before_request
    assert response.json()["model_version"] == result.model_name


SCRIPT = """
import json, sys
from fastapi.testclient import TestClient
from jinlotto.api.app import create_app
from jinlotto.config import Settings
settings = Settings(_env_file=None, environment="test", database_url=sys.argv[1], enable_ml=False)
with TestClient(create_app(settings)) as client:
    body = client.post("/api/predict", json={"strategy": "unified"}).json()
print(json.dumps({"strategy": body["strategy"], "sklearn": "sklearn" in sys.modules}))
"""


def test_ml_off_never_imports_scikit_learn_on_the_request_path(
    settings: Settings, loaded: Database
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, settings.database_url],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=120,
        check=True,
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {
        "strategy": "statistical",
        "sklearn": False,
    }
