"""Memory in use where the service runs, beside the most it may use, for ``/metrics``.

Inside a container the limit that matters is the cgroup's: the kernel kills a process when the
cgroup's memory reaches it. Usage is then the cgroup's working set (usage less inactive file
cache, as the kubelet counts it), because page cache is given back before anything is killed.
Without a cgroup limit it is the machine's memory: total, and total less what is available.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

PROC = Path("/proc")
CGROUP_ROOT = Path("/sys/fs/cgroup")
# cgroup v1 writes "no limit" as the largest page-aligned 63-bit number; anything this large is.
_UNLIMITED = 1 << 62


@dataclass(frozen=True, slots=True)
class MemoryUsage:
    """Bytes in use and the limit they count against; ``source`` says which limit."""

    used_bytes: int
    limit_bytes: int
    source: str  # "cgroup" or "machine"


def read_memory_usage(proc: Path = PROC, cgroup_root: Path = CGROUP_ROOT) -> MemoryUsage | None:
    """The cgroup's working set and limit when a limit is set, else the machine's memory;
    ``None`` where neither can be read (not Linux)."""
    return _cgroup_usage(proc, cgroup_root) or _machine_usage(proc)


def _cgroup_usage(proc: Path, root: Path) -> MemoryUsage | None:
    try:
        lines = (proc / "self" / "cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if controllers == "":  # cgroup v2, unified hierarchy
            found = _read_limit(root, path, "memory.max", "memory.current", "inactive_file")
        elif "memory" in controllers.split(","):  # cgroup v1
            found = _read_limit(
                root / "memory",
                path,
                "memory.limit_in_bytes",
                "memory.usage_in_bytes",
                "total_inactive_file",
            )
        else:
            continue
        if found is not None:
            return found
    return None


def _read_limit(
    mount: Path, path: str, limit_name: str, usage_name: str, inactive_name: str
) -> MemoryUsage | None:
    # In a container's own cgroup namespace the path reads "/", or names a folder that is not
    # mounted there: the container's files are then at the mount's top.
    for folder in (mount / path.lstrip("/"), mount):
        try:
            limit_text = (folder / limit_name).read_text().strip()
            usage = int((folder / usage_name).read_text())
            stat = (folder / "memory.stat").read_text()
        except (OSError, ValueError):
            continue
        if limit_text == "max" or int(limit_text) >= _UNLIMITED:
            return None
        inactive = _field(stat, inactive_name) or 0
        return MemoryUsage(max(usage - inactive, 0), int(limit_text), "cgroup")
    return None


def _machine_usage(proc: Path) -> MemoryUsage | None:
    try:
        meminfo = (proc / "meminfo").read_text()
    except OSError:
        return None
    total, available = _field(meminfo, "MemTotal:"), _field(meminfo, "MemAvailable:")
    if not total or available is None:
        return None
    # /proc/meminfo counts in kB (KiB).
    return MemoryUsage((total - available) * 1024, total * 1024, "machine")


def _field(text: str, name: str) -> int | None:
    for line in text.splitlines():
        parts = line.split()
        if parts and parts[0] == name:
            return int(parts[1])
    return None


class MemoryCollector(Collector):
    """``jinlotto_memory_used_bytes`` and ``jinlotto_memory_limit_bytes``, read when scraped."""

    def collect(self) -> Iterable[GaugeMetricFamily]:
        usage = read_memory_usage()
        if usage is None:
            return
        yield GaugeMetricFamily(
            "jinlotto_memory_used_bytes",
            "Memory in use where the service runs (cgroup working set, or the machine's)",
            value=usage.used_bytes,
        )
        yield GaugeMetricFamily(
            "jinlotto_memory_limit_bytes",
            "The most memory the service may use (cgroup limit, or the machine's memory)",
            value=usage.limit_bytes,
        )
