"""``./run cluster`` under test: started on free ports, its logs read, and everything it started stopped.

The cluster runs in a session of its own (``start_new_session``), so every process it
starts (the replicas, nginx's master and workers) can be found afterwards by that session
id, and :meth:`Cluster.stop` checks that none is left.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import IO

from support.streamlit_server import ROOT, free_port

NGINX_CANDIDATES = ("/usr/sbin/nginx", "/usr/bin/nginx")


def nginx_binary() -> str | None:
    """Debian's nginx, if installed."""
    for path in NGINX_CANDIDATES:
        if os.access(path, os.X_OK):
            return path
    return None


def _port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_block(count: int, tries: int = 200) -> int:
    """A base port ``b`` with ``b+1 .. b+count`` all free, below the kernel's ephemeral range."""
    for _ in range(tries):
        base = random.randrange(20_000, 32_000 - count)
        if all(_port_is_free(base + i) for i in range(1, count + 1)):
            return base
    raise RuntimeError(f"no block of {count} free ports found")


def session_members(sid: int) -> list[int]:
    """Pids of the live processes in session ``sid`` (Linux /proc)."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            pids.append(int(stat.parent.name))
    return pids


class Cluster:
    """``./run cluster <replicas>`` with PORT, REPLICA_BASE_PORT and CLUSTER_DIR chosen here."""

    def __init__(self, run_dir: Path, replicas: int = 2) -> None:
        self.replicas = replicas
        self.run_dir = run_dir
        self.port = free_port()
        self.base = free_port_block(replicas)
        self.replica_ports = [self.base + i for i in range(1, replicas + 1)]
        self.url = f"http://127.0.0.1:{self.port}"
        self.output = run_dir.with_name(run_dir.name + "-run.log")  # what ./run itself prints
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 240) -> None:
        """Launch and wait until nginx answers ``/_stcore/health`` (every replica is healthy by then)."""
        env = {**os.environ, "PORT": str(self.port), "REPLICA_BASE_PORT": str(self.base), "CLUSTER_DIR": str(self.run_dir)}
        out: IO[bytes]
        with self.output.open("wb") as out:
            self.proc = subprocess.Popen([str(ROOT / "run"), "cluster", str(self.replicas)], cwd=ROOT, env=env,
                                         stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"./run cluster exited with {self.proc.returncode}:\n{self.output_text()[-3000:]}")
            if (self.run_dir / "nginx.master.pid").exists():
                try:
                    with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as resp:
                        if resp.status == 200:
                            return
                except OSError:
                    pass
            time.sleep(0.2)
        raise RuntimeError(f"the cluster did not come up in {timeout}s:\n{self.output_text()[-3000:]}")

    def replica_pid(self, port: int) -> int:
        return int((self.run_dir / f"replica-{port}.pid").read_text().strip())

    def kill_replica(self, port: int, timeout: float = 20) -> None:
        """SIGKILL one replica (a crash) and wait until its port refuses connections."""
        os.kill(self.replica_pid(port), signal.SIGKILL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) != 0:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"the replica on {port} still accepts connections")

    def access_log(self) -> str:
        return self._read("access.log")

    def error_log(self) -> str:
        return self._read("error.log")

    def replica_log(self, port: int) -> str:
        return self._read(f"replica-{port}.log")

    def output_text(self) -> str:
        return self.output.read_text(errors="replace") if self.output.exists() else ""

    def _read(self, name: str) -> str:
        path = self.run_dir / name
        return path.read_text(errors="replace") if path.exists() else ""

    def upstreams_of(self, path: str) -> list[str]:
        """For each logged request for exactly ``path``, the replica (host:port) that answered it.

        nginx logs every replica it tried, comma-separated, when it had to fail over: the
        last one answered.
        """
        pattern = re.compile(r'"[A-Z]+ ' + re.escape(path) + r' HTTP/[0-9.]+" .* upstream=(.*?) upstream_status=')
        return [m.group(1).split(", ")[-1] for m in pattern.finditer(self.access_log())]

    def stop(self, timeout: float = 60) -> list[int]:
        """SIGTERM ./run (its trap stops nginx and the replicas); returns the pids that had to be killed."""
        if self.proc is None:
            return []
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        leftovers = session_members(self.proc.pid)
        for pid in leftovers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        return leftovers
