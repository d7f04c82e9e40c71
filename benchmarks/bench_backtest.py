"""Walk-forward backtest speed: 400 draws x 5 strategies x 100 games, ML retrained every 10.

Run: ``uv run python benchmarks/bench_backtest.py [--draws 400] [--tickets 100]``. Reads the
shared draw file beside the checkout and prints wall time, per-strategy time and peak memory.
"""

import argparse
import json
import resource
import time
from pathlib import Path

from jinlotto.backtest.contestants import build_contestants
from jinlotto.backtest.engine import BacktestConfig, walk_forward
from jinlotto.backtest.report import build_report
from jinlotto.domain.history import History
from jinlotto.ingest.mirror import parse_mirror_array

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "lotto645_draws.json"
STRATEGIES = ["uniform", "statistical", "ml", "unified", "popularity"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--draws", type=int, default=400)
    parser.add_argument("--tickets", type=int, default=100)
    parser.add_argument("--retrain-every", type=int, default=10)
    args = parser.parse_args()
    history = History.from_draws(parse_mirror_array(json.loads(SHARED.read_text())))
    last = int(history.draw_nos[-1])
    config = BacktestConfig(
        last - args.draws + 1, last, args.tickets, seed=0, retrain_every=args.retrain_every
    )
    contestants = build_contestants(STRATEGIES, config.seed)
    spent = dict.fromkeys(STRATEGIES, 0.0)

    def timed(name: str):  # type: ignore[no-untyped-def]
        inner = contestants[name]

        def play(past, relearn):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            player = inner(past, relearn)
            spent[name] += time.perf_counter() - start
            return player

        return play

    start = time.perf_counter()
    result = walk_forward(history, {name: timed(name) for name in STRATEGIES}, config)
    elapsed = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = build_report(result)
    print(
        f"{report['draws']} draws x {len(STRATEGIES)} strategies x {args.tickets} games, "
        f"retrain every {args.retrain_every}: {elapsed:.1f} s wall, "
        f"peak RSS {peak_kib / 1024:.0f} MiB"
    )
    for name in STRATEGIES:
        figures = report["strategies"][name]
        low, high = figures["ci95"]
        print(
            f"  {name:12s} fit {spent[name]:6.1f} s   mean matches {figures['mean_matches']:.3f} "
            f"(95 % CI {low:.3f}-{high:.3f})"
        )


if __name__ == "__main__":
    main()
