"""New-visitor predict throughput with 1, 2 and 3 app hosts on one PostgreSQL host.

Setup: root, iproute2 and wrk (``apt-get install wrk``). Run from the repository root:
``uv run python -m benchmarks.bench_hosts [--duration 10] [--connections 16]``.

The topology of ``tests/integration/hosts``: network namespaces of its own joined by a bridge
(198.51.100.0/24 only, deleted at the end), a private PostgreSQL cluster in one, ``jinlotto
serve`` (one process, ``ENABLE_ML=true``, a model trained on the first host) in each of three
others with its own ``MODEL_DIR``, and wrk in a client namespace: one wrk per host in use,
``--connections`` each, every request a new visitor (one generation and one insert).

Printed per run: requests/s in total, p99 latency, CPU seconds per 1,000 requests of each app
process and of the PostgreSQL processes (utime + stime from /proc/PID/stat), and the
database's share of the CPU the service used. On a machine with few cores the total does not
scale with hosts: they share the same cores; the CPU figures show where the time goes.
"""

import argparse
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

from tests.support import netns
from tests.support.hosts import Hosts
from tests.support.private_postgres import _children

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "lotto645_draws.json"
BODY = '{"num_sets": 5}'
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds of process ``pid`` so far (0 once it has ended)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # fields 14 and 15 of proc(5)


def postgres_cpu(hosts: Hosts) -> float:
    postmaster = hosts.postgres.postmaster_pid()
    return sum(cpu_seconds(pid) for pid in [postmaster, *_children(postmaster)])


def wrk(
    hosts: Hosts, url: str, duration: int, connections: int, script: Path
) -> "subprocess.Popen[str]":
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(script)]
    return subprocess.Popen(
        hosts.network.command("client", [*argv, f"{url}/api/predict"]),
        stdout=subprocess.PIPE,
        text=True,
    )


def parse(output: str) -> tuple[int, float, int]:
    """Requests, p99 latency in ms and non-2xx responses of one wrk run."""
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", output).groups()  # type: ignore[union-attr]
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    return requests, p99, int(failed.group(1)) if failed else 0


def run(hosts: Hosts, apps: list[str], duration: int, connections: int, script: Path) -> None:
    pids = [hosts.servers[app].pid for app in apps]
    before_apps = [cpu_seconds(pid) for pid in pids]
    before_db = postgres_cpu(hosts)
    started = time.monotonic()
    loads = [wrk(hosts, hosts.urls[app], duration, connections, script) for app in apps]
    results = [parse(load.communicate()[0]) for load in loads]
    elapsed = time.monotonic() - started
    app_cpu = [cpu_seconds(pid) - before for pid, before in zip(pids, before_apps, strict=True)]
    db_cpu = postgres_cpu(hosts) - before_db
    requests = sum(result[0] for result in results)
    failed = sum(result[2] for result in results)
    print(
        f"{len(apps)} host(s): {requests / elapsed:7.1f} req/s, "
        f"p99 {max(result[1] for result in results):6.0f} ms"
        + (f", {failed} non-2xx" if failed else "")
    )
    # Each app process per 1,000 of the requests it answered; PostgreSQL per 1,000 of all.
    served = [result[0] for result in results]
    apps_text = ", ".join(
        f"{1000 * cpu / max(count, 1):.2f}" for cpu, count in zip(app_cpu, served, strict=True)
    )
    share = db_cpu / max(db_cpu + sum(app_cpu), 1e-9)
    print(
        f"  CPU s per 1,000 requests: app process(es) {apps_text}; PostgreSQL "
        f"{1000 * db_cpu / max(requests, 1):.2f}; database share {share:.0%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per run")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections per host")
    arguments = parser.parse_args()
    problem = netns.unavailable()
    if problem is not None:
        raise SystemExit(problem)
    with tempfile.TemporaryDirectory(prefix="jinlotto-hosts-") as folder:
        workdir = Path(folder)
        script = workdir / "new.lua"
        script.write_text(
            f"wrk.method = \"POST\"\nwrk.body = '{BODY}'\n"
            'wrk.headers["Content-Type"] = "application/json"\n',
            encoding="utf-8",
        )
        with Hosts(
            apps=3, workdir=workdir, draws=SHARED, env={"WARMUP_ON_STARTUP": "true"}
        ) as hosts:
            trained = hosts.run("app1", "train")
            if trained.returncode != 0:
                raise SystemExit(trained.stderr)
            hosts.start()
            print(
                f"wrk -t1 -c{arguments.connections} -d{arguments.duration}s per host, "
                f"new visitors, {os.cpu_count()} CPUs, "
                f"load average {os.getloadavg()[0]:.1f} at the start"
            )
            for count in (1, 2, 3):
                run(hosts, hosts.apps[:count], arguments.duration, arguments.connections, script)


if __name__ == "__main__":
    main()
