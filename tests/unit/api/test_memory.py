"""Memory in use and its limit, read from /proc and cgroup files laid out as the kernel does."""

from pathlib import Path

from jinlotto.api.memory import MemoryUsage, read_memory_usage

MEMINFO = "MemTotal:       24684092 kB\nMemFree:        22519028 kB\nMemAvailable:   20000000 kB\n"


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_a_cgroup_v2_limit_counts_the_working_set(tmp_path: Path) -> None:
    proc, cgroup = tmp_path / "proc", tmp_path / "cgroup"
    _write(proc, {"self/cgroup": "0::/system.slice/web.service\n", "meminfo": MEMINFO})
    _write(
        cgroup / "system.slice/web.service",
        {
            "memory.max": "536870912\n",
            "memory.current": "400000000\n",
            "memory.stat": "anon 300000000\nfile 100000000\ninactive_file 60000000\n",
        },
    )

    assert read_memory_usage(proc, cgroup) == MemoryUsage(340_000_000, 536_870_912, "cgroup")


def test_a_cgroup_v1_limit_inside_a_container_is_read_at_the_mount_top(tmp_path: Path) -> None:
    proc, cgroup = tmp_path / "proc", tmp_path / "cgroup"
    _write(proc, {"self/cgroup": "5:cpu:/\n4:memory:/docker/abc123\n", "meminfo": MEMINFO})
    _write(
        cgroup / "memory",
        {
            "memory.limit_in_bytes": "1073741824\n",
            "memory.usage_in_bytes": "900000000\n",
            "memory.stat": "cache 200000000\ntotal_inactive_file 100000000\n",
        },
    )

    assert read_memory_usage(proc, cgroup) == MemoryUsage(800_000_000, 1_073_741_824, "cgroup")


def test_without_a_cgroup_limit_the_machine_memory_counts(tmp_path: Path) -> None:
    proc, cgroup = tmp_path / "proc", tmp_path / "cgroup"
    _write(proc, {"self/cgroup": "0::/\n", "meminfo": MEMINFO})
    _write(cgroup, {"memory.max": "max\n", "memory.current": "1\n", "memory.stat": ""})

    assert read_memory_usage(proc, cgroup) == MemoryUsage(
        (24684092 - 20000000) * 1024, 24684092 * 1024, "machine"
    )


def test_v1_unlimited_is_no_limit(tmp_path: Path) -> None:
    proc, cgroup = tmp_path / "proc", tmp_path / "cgroup"
    _write(proc, {"self/cgroup": "4:memory:/\n", "meminfo": MEMINFO})
    _write(
        cgroup / "memory",
        {
            "memory.limit_in_bytes": "9223372036854771712\n",
            "memory.usage_in_bytes": "5\n",
            "memory.stat": "",
        },
    )

    usage = read_memory_usage(proc, cgroup)
    assert usage is not None and usage.source == "machine"


def test_nothing_readable_is_none(tmp_path: Path) -> None:
    assert read_memory_usage(tmp_path / "proc", tmp_path / "cgroup") is None
