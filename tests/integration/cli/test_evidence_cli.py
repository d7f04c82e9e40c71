"""``jinlotto backtest``, ``audit`` and ``popularity`` run as real processes on a real DB."""

import json
import os
from pathlib import Path

import pytest
from tests.support.cli import Runner, assert_fits, cli_runner

from jinlotto.config import Settings
from jinlotto.db.database import Database


@pytest.fixture
def database_url(postgres_url: str) -> str:
    """PostgreSQL only: each test here starts several processes that train, backtest or
    score, and the services under these commands are tested on SQLite and PostgreSQL both."""
    return postgres_url


@pytest.fixture
def run(database: Database, settings: Settings, tmp_path: Path) -> Runner:
    """Run ``jinlotto ARGS`` in a fresh process on the test database."""
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "ENVIRONMENT": "test",
        "ENABLE_ML": "false",
        "LOG_LEVEL": "WARNING",
    }

    return cli_runner(env, tmp_path)


def test_backtest_json_has_the_documented_keys(run: Runner, loaded: Database) -> None:
    args = ("backtest", "--from", "1181", "--to", "1200", "--tickets", "30", "--seed", "2")
    args += ("--strategies", "uniform,popularity", "--json")
    done = run(*args)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert set(report["strategies"]) == {"uniform", "popularity"}
    for figures in report["strategies"].values():
        assert len(figures["ci95"]) == 2
        assert len(figures["match_distribution"]) == len(figures["expected_distribution"]) == 7
        assert sum(figures["rank_counts"].values()) <= 600
    again = run(*args)
    assert json.loads(again.stdout)["strategies"] == report["strategies"]


def test_backtest_output_fits_80_columns_and_shows_the_json_figures(
    run: Runner, loaded: Database
) -> None:
    args = ("backtest", "--from", "1191", "--strategies", "uniform,statistical")
    report = json.loads(run(*args, "--json").stdout)
    done = run(*args, COLUMNS="80")
    assert done.returncode == 0, done.stderr
    assert_fits(done.stdout)
    text = " ".join(done.stdout.split())
    for name, figures in report["strategies"].items():
        low, high = figures["ci95"]
        assert (
            f"{figures['mean_matches']:.3f} matches per game (95 % CI {low:.3f}-{high:.3f})" in text
        )
        ranks = " ".join(str(figures["rank_counts"][str(rank)]) for rank in range(1, 6))
        assert f"ranks 1-5: {ranks}" in text, name
        counts = " ".join(map(str, figures["match_counts"]))
        assert f"games by matches 0-6: {counts}" in text, name
        assert f"return {figures['return_per_1000']:.0f} KRW per 1,000 KRW" in text
    assert "No strategy matched more numbers than chance would." in text
    assert "no strategy can raise the chance" in text


def test_audit_prints_each_test_with_a_reading(run: Runner, loaded: Database) -> None:
    done = run("audit", "--json")
    assert done.returncode == 0, done.stderr
    names = [test["name"] for test in json.loads(done.stdout)["tests"]]
    assert names == ["number_frequencies", "odd_even", "sums", "serial_repeats"]
    text = run("audit").stdout
    assert "consistent with a fair draw" in text


def test_popularity_scores_a_game_and_says_ev_is_below_the_price(
    run: Runner, loaded: Database
) -> None:
    done = run("popularity", "3,10,17,24,31,38", "--json")
    assert done.returncode == 0, done.stderr
    score = json.loads(done.stdout)
    assert set(score) >= {"popularity_index", "expected_cowinners", "expected_prize_per_1000"}
    assert set(score["expected_cowinners"]) == {"1", "2", "3"}
    text = " ".join(run("popularity", "3,10,17,24,31,38").stdout.split())
    assert "expected value of a game remains below the ticket price" in text


def test_bad_input_gets_one_line_and_exit_1(run: Runner, loaded: Database) -> None:
    for args in (
        ("popularity", "1,2,3"),
        ("backtest", "--from", "1300", "--to", "1310"),
        ("backtest", "--strategies", "crystal-ball"),
    ):
        done = run(*args)
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr
        assert " ".join(done.stderr.split()).startswith("error: ")


def test_empty_database_says_how_to_load_draws(run: Runner) -> None:
    done = run("audit")
    assert done.returncode == 1
    assert "jinlotto data import" in done.stderr


def shown(text: str) -> str:
    """Printed text with wrapping and table rules undone: the words in order, one space apart."""
    return " ".join(text.replace("│", " ").split())


def assert_fits_80_columns(text: str) -> None:
    assert text.strip()
    assert max(len(line.rstrip()) for line in text.splitlines()) <= 80


def test_popularity_of_a_most_played_pattern_says_it_is_a_prior(
    run: Runner, loaded: Database
) -> None:
    done = run("popularity", "1,2,3,4,5,6", "--json")
    assert done.returncode == 0, done.stderr
    score = json.loads(done.stdout)
    assert score["extrapolated"] is True and score["popularity_index"] >= 1.0
    assert score["expected_prize_per_1000"] <= score["random_game_prize_per_1000"]
    human = run("popularity", "1,2,3,4,5,6", COLUMNS="80")
    assert human.returncode == 0, human.stderr
    assert_fits_80_columns(human.stdout)
    text = shown(human.stdout)
    assert shown(score["reason"]) in text  # all of it, wrapped, never cut
    assert f"popularity_index {score['popularity_index']:.2f}" in text
    assert "a prior, not a measurement" in text
    others = score["expected_cowinners"]
    assert f"1st {others['1']:.2f}, 2nd {others['2']:.2f}, 3rd {others['3']:.1f}" in text
    assert f"{score['sales']:,} KRW" in text
    assert f"{score['expected_prize_per_1000']:.0f} KRW per 1,000 KRW" in text
    assert f"a random game: {score['random_game_prize_per_1000']:.0f} KRW" in text
    ordinary = run("popularity", "5,12,23,31,38,44", COLUMNS="80").stdout
    assert_fits_80_columns(ordinary)
    assert "extrapolated no: measured from past winners" in shown(ordinary)


def test_popularity_validation_reports_held_out_figures(run: Runner, loaded: Database) -> None:
    done = run("popularity", "--validate", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["held_out"][1] == 1200
    assert result["tiers"]["5"]["r2_log_ratio"] >= 0.6
    assert len(result["first_prize"]["groups"]) == 4
    jackpot = result["first_prize"]
    assert jackpot["machine_share"] <= jackpot["floor"]
    human = run("popularity", "--validate", COLUMNS="80").stdout
    assert_fits_80_columns(human)
    text = shown(human)
    for tier, figures in result["tiers"].items():
        baseline = figures["baseline"]
        row = (
            f"{tier} {figures['r2_log_ratio']:.3f} {baseline['r2_log_ratio']:.3f} "
            f"{figures['spearman']:.3f} {baseline['spearman']:.3f} "
            f"{figures['deviance_explained']:.3f}"
        )
        assert row in text
    for group in jackpot["groups"]:
        cells = f"{group['mean_predicted_ratio']:.2f} {group['predicted_winners']:.0f} "
        assert cells + str(group["observed_winners"]) in text
    for key in ("uniform_play", "model", "auto_winners", "chosen_winners"):
        assert f"{jackpot['dispersion_' + key]:.2f}" in text
    assert "The model beats the baseline on R2 and Spearman in every tier" in text
    assert f"Machine-picked share of games {jackpot['machine_share']:.3f}" in text
    assert f"fitted floor {jackpot['floor']:.3f}" in text
    for key in ("deviance", "deviance_floor_at_machine_share", "deviance_constant_rate"):
        assert f"{jackpot[key]:.1f}" in text
    beyond = result["extrapolated"]
    assert ", ".join(map(str, beyond["draws"])) in text
    assert f"observed {beyond['observed_winners']}" in text
    missing = run("popularity")
    assert missing.returncode == 1
    assert "--validate" in missing.stderr
