"""One way to start the app for browser tests and benchmarks, and one set of Chromium flags.

The e2e fixtures (``tests/e2e/conftest.py``) and the benchmarks (``bench/bench_server.py``)
both start Streamlit the way Streamlit's own e2e suite does and drive Debian's headless
Chromium; keeping the command and the flags here means a benchmark measures the same
server the tests check. Import as ``support.streamlit_server`` (``tests/`` is on the path
under pytest; the bench scripts add it).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("NERVETRIAGE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS: list[str] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    """A TCP port nothing listens on right now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def streamlit_flags(port: int) -> list[str]:
    """The options Streamlit's own e2e suite runs with: headless, no telemetry, no file watcher."""
    return [
        "--server.headless", "true",
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]


def streamlit_command(script: str | Path, port: int) -> list[str]:
    """``streamlit run`` with those options."""
    return [sys.executable, "-m", "streamlit", "run", str(script), *streamlit_flags(port)]


class StreamlitServer:
    """A streamlit process serving ``script`` on a free port, its output in ``log_path``."""

    def __init__(self, script: str | Path = "app.py", log_path: Path | None = None, cwd: Path = ROOT,
                 env: dict[str, str] | None = None) -> None:
        self.script = str(script)
        self.cwd = cwd
        self.env = env  # extra environment variables for the server process
        self.port = free_port()
        self.url = f"http://localhost:{self.port}"
        self.log = log_path or ROOT / "artifacts" / f"server-{self.port}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        """The process to launch (a subclass may run a wrapper script instead)."""
        return streamlit_command(self.script, self.port)

    def environment(self) -> dict[str, str] | None:
        """The server's environment: ours plus ``env`` (None: simply inherit ours)."""
        return {**os.environ, **self.env} if self.env else None

    def start(self, timeout: float = 60, poll: float = 0.05) -> float:
        """Launch and wait for ``/_stcore/health``; returns seconds from launch to the first 200."""
        self.log.parent.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        out: IO[bytes]
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(self.command(), cwd=self.cwd, env=self.environment(), stdout=out,
                                         stderr=subprocess.STDOUT)
        deadline = t0 + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        return time.perf_counter() - t0
            except OSError:
                time.sleep(poll)
        raise RuntimeError(f"streamlit did not become healthy in {timeout}s; see {self.log}")

    def stop(self) -> None:
        """Terminate (then kill, after 10 s) this server's process and wait for it to exit."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def log_text(self) -> str:
        """Everything the server printed so far."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""
