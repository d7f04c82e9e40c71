"""Recommendation engine speed, memory and model size on the 1200 shared draws.

Run: ``uv run python benchmarks/bench_engine.py [--repeat 200]``. Prints each figure beside its
goal: training all six position models under 10 s and peak memory under 400 MB; all model files
together under 5 MB; load under 0.2 s; ``recommend`` of 5 games from a loaded model under 5 ms
median; 10,000 filtered games from ``uniform`` under 1 s; ``sample(100)`` about 1 ms; the CPU a
request costs under hard filters, met or relaxed, about 20 ms at most for every strategy.
"""

import argparse
import json
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from jinlotto.domain.history import History
from jinlotto.ingest.mirror import parse_mirror_array
from jinlotto.registry import store
from jinlotto.strategies import registry
from jinlotto.strategies.base import Strategy
from jinlotto.strategies.filters import Filters
from jinlotto.strategies.ml import MLStrategy, train_position_models
from jinlotto.strategies.unified import UnifiedStrategy

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "lotto645_draws.json"
FILTERS = Filters(sum_range=(100, 175), odd_range=(2, 4), min_ac=7, max_consecutive=2)
HARD_FILTERS = {
    "rare but possible": Filters(sum_range=(100, 105), min_ac=10, odd_range=(3, 3), max_per_zone=2),
    "impossible together": Filters(sum_range=(21, 30), odd_range=(6, 6)),
    "fixed, impossible sum": Filters(fixed=(1, 2, 3), sum_range=(250, 255)),
}


def median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def line(label: str, value: str, goal: str) -> None:
    print(f"{label:<52} {value:>12}   goal {goal}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    history = History.from_draws(parse_mirror_array(json.loads(SHARED.read_text())))

    started = time.perf_counter()
    model = train_position_models(history, random_state=0)
    line(
        "train 6 position models (rf, 1190 samples)",
        f"{time.perf_counter() - started:.2f} s",
        "< 10 s",
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    line("peak memory of this process after training", f"{peak_mb:.0f} MB", "< 400 MB")

    with tempfile.TemporaryDirectory() as folder:
        path = store.save_model(model, metadata={}, model_dir=Path(folder))
        line(
            "model file (all six positions)", f"{Path(path).stat().st_size / 1e6:.2f} MB", "< 5 MB"
        )
        load_ms = median_ms(lambda: store.load_model(path), 10)
        line("load model file (sha256 checked), median", f"{load_ms:.1f} ms", "< 200 ms")
        ready_ms = median_ms(lambda: MLStrategy(model=store.load_model(path)).fit(history), 10)
        line("load + features for the next draw (ml), median", f"{ready_ms:.1f} ms", "< 200 ms")

    rng = np.random.default_rng(0)
    for strategy in (
        MLStrategy(model=model).fit(history),
        UnifiedStrategy(model=model).fit(history),
    ):
        ms = median_ms(lambda s=strategy: s.recommend(5, rng), args.repeat)
        line(f"recommend 5 games, {strategy.name}, median", f"{ms:.2f} ms", "< 5 ms")
        ms = median_ms(lambda s=strategy: s.recommend(5, rng, FILTERS), args.repeat)
        line(f"recommend 5 games with filters, {strategy.name}, median", f"{ms:.2f} ms", "< 5 ms")

    uniform = registry.create("uniform").fit(history)
    ms = median_ms(lambda: uniform.recommend(10_000, rng, FILTERS), 5)
    line("10,000 filtered games from uniform, median", f"{ms:.0f} ms", "< 1000 ms")

    strategies = {
        name: (
            registry.create(name, model=model)
            if name in registry.MODEL_STRATEGIES
            else registry.create(name, random_state=0)
        ).fit(history)
        for name in registry.available()
    }
    for name, strategy in strategies.items():
        ms = median_ms(lambda s=strategy: s.sample(100, rng), args.repeat)
        line(f"sample(100), {name}, median", f"{ms:.3f} ms", "~1 ms (non-ML)")
    for label, filters in HARD_FILTERS.items():
        for name, strategy in strategies.items():
            cpu, stage = hard_filter_cpu_ms(strategy, filters)
            line(f"5 games, {label}, {name}: CPU, stage {stage}", f"{cpu:.1f} ms", "~20 ms")


def hard_filter_cpu_ms(strategy: Strategy, filters: Filters) -> tuple[float, int]:
    """Median CPU time of one recommendation of 5 games under ``filters``, and its stage."""
    times, stage = [], 0
    for seed in range(7):
        started = time.process_time()
        stage = strategy.recommend(5, np.random.default_rng(seed), filters).relaxation_stage
        times.append(time.process_time() - started)
    return statistics.median(times) * 1000, stage


if __name__ == "__main__":
    main()
