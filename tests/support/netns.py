"""Network namespaces of a test's own, joined by one bridge: several "machines" on one host.

    with Network(["db", "app1", "app2", "client"]) as network:
        network.address("db")  # 198.51.100.x, reachable from every namespace of the network
        network.popen("app1", ["jinlotto", "serve", ...])  # a process inside app1
        with network.inside("client"):  # sockets this thread (and threads it starts) opens
            httpx.get(...)

Every namespace, the bridge's included, is created here and deleted on exit, which removes its
veth pair too. Addresses come only from 198.51.100.0/24 (TEST-NET-2, never routed) and exist
only inside these namespaces. Needs root and iproute2's ``ip``.
"""

import ctypes
import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import TracebackType
from typing import Any

SUBNET_PREFIX = "198.51.100."
CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def unavailable() -> str | None:
    """Why this machine cannot build a :class:`Network`, or ``None``."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    if shutil.which("ip") is None:
        return "network namespaces need iproute2's `ip`"
    return None


def _ip(*arguments: str) -> None:
    subprocess.run(["ip", *arguments], check=True, capture_output=True)


def _setns(path: str) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        if _libc.setns(descriptor, CLONE_NEWNET) != 0:
            error = ctypes.get_errno()
            raise OSError(error, f"setns {path}: {os.strerror(error)}")
    finally:
        os.close(descriptor)


class Network:
    """One bridge namespace and a namespace per name with a veth on the bridge."""

    def __init__(self, names: Sequence[str]) -> None:
        self.tag = secrets.token_hex(3)
        self.bridge_namespace = f"jl{self.tag}-br"
        self.namespaces = {name: f"jl{self.tag}-{name}" for name in names}
        self.addresses = {name: f"{SUBNET_PREFIX}{10 + i}" for i, name in enumerate(names)}
        self._created: list[str] = []

    def address(self, name: str) -> str:
        """The address of namespace ``name``."""
        return self.addresses[name]

    def _add_namespace(self, namespace: str) -> None:
        _ip("netns", "add", namespace)
        self._created.append(namespace)
        _ip("-n", namespace, "link", "set", "lo", "up")

    def open(self) -> None:
        """Create the namespaces, the bridge and the veth pairs, and bring them up."""
        self._add_namespace(self.bridge_namespace)
        _ip("-n", self.bridge_namespace, "link", "add", "br0", "type", "bridge")
        _ip("-n", self.bridge_namespace, "link", "set", "br0", "up")
        for index, (name, namespace) in enumerate(self.namespaces.items()):
            self._add_namespace(namespace)
            outside, inside = f"jv{self.tag}{index}", f"jp{self.tag}{index}"
            _ip("link", "add", outside, "type", "veth", "peer", "name", inside)
            _ip("link", "set", outside, "netns", self.bridge_namespace)
            _ip("link", "set", inside, "netns", namespace)
            _ip("-n", self.bridge_namespace, "link", "set", outside, "master", "br0", "up")
            _ip("-n", namespace, "link", "set", inside, "name", "eth0")
            _ip("-n", namespace, "addr", "add", f"{self.addresses[name]}/24", "dev", "eth0")
            _ip("-n", namespace, "link", "set", "eth0", "up")

    def close(self) -> None:
        """Delete every namespace created (their veths go with them)."""
        for namespace in reversed(self._created):
            subprocess.run(["ip", "netns", "del", namespace], capture_output=True)
        self._created = []

    def command(self, name: str, argv: Sequence[str]) -> list[str]:
        """``argv`` run inside namespace ``name``."""
        return ["ip", "netns", "exec", self.namespaces[name], *argv]

    def popen(self, name: str, argv: Sequence[str], **options: Any) -> subprocess.Popen[bytes]:
        """Start ``argv`` inside namespace ``name``; ``ip netns exec`` execs it, so the process
        id is the program's."""
        return subprocess.Popen(self.command(name, argv), **options)

    @contextmanager
    def inside(self, name: str) -> Iterator[None]:
        """Move the calling thread into namespace ``name`` for the block (threads it starts
        meanwhile stay there)."""
        original = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        try:
            _setns(f"/run/netns/{self.namespaces[name]}")
            try:
                yield
            finally:
                if _libc.setns(original, CLONE_NEWNET) != 0:
                    raise OSError(ctypes.get_errno(), "could not return to the namespace")
        finally:
            os.close(original)

    def __enter__(self) -> "Network":
        try:
            self.open()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
