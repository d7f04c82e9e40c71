"""``jinlotto train|evaluate|models|recommend`` run as real processes on a real database."""

import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from tests.support.cli import Runner, assert_fits, cli_runner, error_message

from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.domain import combos
from jinlotto.domain.schedule import missing_recent, next_draw_no


@pytest.fixture
def database_url(postgres_url: str) -> str:
    """PostgreSQL only: each test here starts several processes that train, backtest or
    score, and the services under these commands are tested on SQLite and PostgreSQL both."""
    return postgres_url


@pytest.fixture
def run(database: Database, settings: Settings, tmp_path: Path) -> Runner:
    """Run ``jinlotto ARGS`` in a fresh process on the test database and model folder."""
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "MODEL_DIR": str(settings.model_dir),
        "ENVIRONMENT": "test",
        "LOG_LEVEL": "WARNING",
    }

    return cli_runner(env, tmp_path)


def ok_json(result: subprocess.CompletedProcess[str]) -> Any:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_recommend_without_draws_says_what_to_do(run: Runner) -> None:
    assert "no draws are stored yet" in error_message(run("recommend"))


@pytest.mark.usefixtures("loaded")
def test_recommend_with_filters_and_seed(run: Runner) -> None:
    args = ("recommend", "--sets", "4", "--fixed", "7,13", "--exclude", "4,44", "--sum", "100-160")
    first = ok_json(run(*args, "--seed", "11", "--json"))
    again = ok_json(run(*args, "--seed", "11", "--json"))
    assert first == again, "the same seed gives the same games"
    assert first["strategy"] == "statistical", "without a trained model"
    assert len(first["games"]) == 4
    for game in first["games"]:
        numbers = game["numbers"]
        assert numbers == sorted(set(numbers)) and len(numbers) == 6
        assert {7, 13} <= set(numbers) and not {4, 44} & set(numbers)
        assert 100 <= sum(numbers) <= 160
        assert game["analysis"]["sum"] == sum(numbers)
    assert "not a chance of winning" in first["note"]
    other = ok_json(run(*args, "--seed", "12", "--json"))
    assert other["games"] != first["games"]

    text = run("recommend", "--strategy", "uniform", "--sets", "2", "--seed", "1", COLUMNS="80")
    assert text.returncode == 0, text.stderr
    assert_fits(text.stdout)
    assert f"uniform for draw {first['for_draw_no']} ({first['draw_date']})" in text.stdout
    assert "not a chance of winning" in " ".join(text.stdout.split())


@pytest.mark.usefixtures("loaded")
def test_recommend_names_the_draw_on_sale_and_says_the_data_are_behind(run: Runner) -> None:
    before = datetime.now(UTC)
    payload = ok_json(run("recommend", "--sets", "1", "--json"))
    text = run("recommend", "--sets", "1")
    after = datetime.now(UTC)
    # The schedule decides, not the newest stored draw + 1 (the data stop at draw 1200).
    assert payload["for_draw_no"] in {next_draw_no(before), next_draw_no(after)}
    assert payload["for_draw_no"] > 1201
    assert payload["missing_recent"] in {missing_recent(1200, before), missing_recent(1200, after)}
    assert payload["stale"] is True
    assert "run `jinlotto data update`" in payload["stale_notice"]
    assert "run `jinlotto data update`" in text.stderr
    assert len([line for line in text.stderr.splitlines() if "data update" in line]) == 1


@pytest.mark.usefixtures("loaded")
def test_recommend_rejects_bad_options(run: Runner) -> None:
    assert "--exclude holds numbers that are also fixed: [3]" in error_message(
        run("recommend", "--fixed", "3", "--exclude", "3")
    )
    assert "--fixed numbers must be 1-45" in error_message(run("recommend", "--fixed", "0,46"))
    assert "--sum takes a range MIN-MAX" in error_message(run("recommend", "--sum", "lots"))
    assert "--odd must be a range MIN-MAX with MIN <= MAX" in error_message(
        run("recommend", "--odd", "5-1")
    )
    assert "--fixed holds at most 5 numbers" in error_message(
        run("recommend", "--fixed", "1,2,3,4,5,6")
    )
    # Values no game can have are refused, not silently relaxed.
    assert "--min-ac must be 0-10" in error_message(run("recommend", "--min-ac", "99"))
    assert "--odd must lie within 0-6" in error_message(run("recommend", "--odd", "5-9"))
    assert "--sum must lie within 21-255" in error_message(run("recommend", "--sum", "1000-2000"))
    assert "unknown strategy" in error_message(run("recommend", "--strategy", "astrology"))
    assert "needs a trained model" in error_message(run("recommend", "--strategy", "ml"))
    assert "ENABLE_ML=false" in error_message(
        run("recommend", "--strategy", "ml", ENABLE_ML="false")
    )
    too_many = run("recommend", "--sets", "6")
    assert too_many.returncode == 2 and "Traceback" not in too_many.stderr


@pytest.mark.usefixtures("loaded")
def test_train_then_list_show_rollback_and_activate(run: Runner, tmp_path: Path) -> None:
    assert "no trained models yet" in run("models", "list").stdout

    trained = ok_json(run("train", "--json"))
    name = trained["model_name"]
    assert trained["training_draw_range"] == [1, 1200]
    assert trained["metrics"]["uniform_log_loss"] == pytest.approx(3.8067, abs=1e-4)

    listing = ok_json(run("models", "list", "--json"))
    assert [(entry["name"], entry["active"]) for entry in listing] == [(name, True)]
    shown = ok_json(run("models", "show", name, "--json"))
    assert shown["sha256"] and shown["training_draw_range"] == [1, 1200]
    # At 80 columns the name to activate stands whole on its line, and nothing wraps.
    listed = run("models", "list", COLUMNS="80").stdout
    assert_fits(listed)
    assert f"{name}   (active)" in listed.splitlines()
    assert listed.splitlines()[1].endswith(" · v1 · db+cache")
    # Another machine's empty MODEL_DIR: the model is in the database, not cached there yet.
    elsewhere = str(tmp_path / "elsewhere")
    assert run("models", "list", MODEL_DIR=elsewhere).stdout.splitlines()[1].endswith(" · db")
    assert "already in the database" in run("models", "import").stdout
    details = run("models", "show", name, COLUMNS="80").stdout
    assert_fits(details)
    assert f"sha256: {shown['sha256']}" in details
    mean = shown["evaluation_metrics"]["mean"]
    assert f"{mean['log_loss']:.4f}" in details and f"{mean['top_k_hit_rate']:.4f}" in details
    first_position = shown["evaluation_metrics"]["positions"][0]
    assert f"{first_position['position_baseline_log_loss']:.4f}" in details
    assert "no model named" in error_message(run("models", "show", "lotto_model_nope"))

    second = ok_json(run("train", "--json"))
    assert second["model_name"] != name
    assert ok_json(run("models", "rollback", "--json")) == {"active": name}
    assert "nothing to roll back" in error_message(run("models", "rollback"))
    assert ok_json(run("models", "activate", second["model_name"], "--json")) == {
        "active": second["model_name"]
    }
    assert "no model named" in error_message(run("models", "activate", "../../etc/passwd"))
    assert "unknown estimator" in error_message(run("train", "--estimator", "svm"))


@pytest.mark.usefixtures("loaded")
def test_evaluate_and_recommend_with_the_active_model(run: Runner) -> None:
    assert "no model is active" in error_message(run("evaluate"))
    name = ok_json(run("train", "--json"))["model_name"]

    evaluation = ok_json(run("evaluate", "--json"))
    assert evaluation["model_name"] == name and evaluation["folds"] == 5
    assert "per-position baseline" in evaluation["note"]
    assert "uniform (log 45, K/45)" in run("evaluate").stdout

    games = ok_json(run("recommend", "--seed", "5", "--json"))
    assert games["strategy"] == "unified", "the active model is used by default"
    ml = ok_json(run("recommend", "--strategy", "ml", "--seed", "5", "--min-ac", "7", "--json"))
    assert ml["strategy"] == "ml"
    assert all(combos.ac_values(combos.as_games(g["numbers"]))[0] >= 7 for g in ml["games"])
    plain = ok_json(run("recommend", "--seed", "5", "--json", ENABLE_ML="false"))
    assert plain["strategy"] == "statistical", "ENABLE_ML=false never uses the model"


@pytest.mark.usefixtures("loaded")
def test_popularity_games_show_their_figures_at_80_columns(run: Runner) -> None:
    args = ("recommend", "--strategy", "popularity", "--sets", "2", "--seed", "3")
    payload = ok_json(run(*args, "--json"))
    text = run(*args, COLUMNS="80")
    assert text.returncode == 0, text.stderr
    assert_fits(text.stdout)
    for game in payload["games"]:
        popularity = game["analysis"]["popularity"]
        others = popularity["expected_cowinners"]
        assert f"{popularity['popularity_index']:.2f}x a random game's co-winners" in text.stdout
        assert f"1st {others['1']:.2f}, 2nd {others['2']:.1f}, 3rd {others['3']:.0f}" in text.stdout
        assert f"{popularity['expected_prize_per_1000']:.0f} KRW back per 1,000 KRW" in text.stdout
