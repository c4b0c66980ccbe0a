"""Server start-up: time from launch to a healthy /_stcore/health, and idle memory.

The baseline is a one-line Streamlit app started the same way in the same run, so the
ratio says what NerveTriage adds on top of Streamlit itself on this (shared, noisy)
machine. The helpers here (the server with its memory, percentiles, result files) are shared by the browser
and load benchmarks.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.streamlit_server import CHROMIUM, CHROMIUM_ARGS, StreamlitServer  # noqa: E402

RESULTS = ROOT / "bench" / "results"
BARE_APP = 'import streamlit as st\n\nst.write("hello")\n'
__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "Server", "bare_app_path", "pct", "process_tree_rss_mb", "write_result"]


class Server(StreamlitServer):
    """The app's server started exactly as the e2e tests start it (tests/support), plus its memory.

    The log goes to a temporary file, kept only when it shows a traceback.
    """

    def __init__(self, script: str | Path = "app.py", cwd: Path = ROOT, env: dict[str, str] | None = None) -> None:
        with tempfile.NamedTemporaryFile(prefix="bench-server-", suffix=".log", delete=False) as log:
            super().__init__(script, log_path=Path(log.name), cwd=cwd, env=env)

    def start(self, timeout: float = 60, poll: float = 0.02) -> float:
        """Launch and wait for health, polling often: start-up time is one of the figures."""
        return super().start(timeout=timeout, poll=poll)

    def rss_mb(self) -> float:
        """Resident memory of the server process and its children, in MB."""
        return process_tree_rss_mb(self.proc.pid) if self.proc else 0.0

    def stop(self) -> None:
        super().stop()
        if "Traceback" not in self.log_text():  # keep a log only when it has something to show
            self.log.unlink(missing_ok=True)


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    task_dir = Path(f"/proc/{pid}/task")
    for task in task_dir.glob("*") if task_dir.exists() else []:
        try:
            kids += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return kids


def process_tree_rss_mb(pid: int) -> float:
    """VmRSS of ``pid`` plus all its descendants (from /proc), in MB."""
    total_kb = 0
    stack = [pid]
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
        stack += _children(current)
    return total_kb / 1024


def bare_app_path(directory: Path, source: str = BARE_APP) -> Path:
    """Write a baseline app script into ``directory`` and return its path."""
    path = directory / "bare_app.py"
    path.write_text(source)
    return path


def write_result(name: str, data: dict[str, Any]) -> Path:
    """bench/results/<name>.json, with when and where it was measured."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = {"name": name, "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "cpus": os.cpu_count(), **data}
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path


def pct(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def main(rounds: int = 5) -> dict[str, Any]:
    app_times: list[float] = []
    bare_times: list[float] = []
    app_rss: list[float] = []
    bare_rss: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        bare = bare_app_path(Path(tmp))
        for _ in range(rounds):  # alternate, so drift on the shared machine hits both alike
            for script, times, rss in (("app.py", app_times, app_rss), (bare, bare_times, bare_rss)):
                server = Server(script)
                try:
                    times.append(server.start())
                    time.sleep(0.5)
                    rss.append(server.rss_mb())
                finally:
                    server.stop()
    app_med, bare_med = statistics.median(app_times), statistics.median(bare_times)
    result: dict[str, Any] = {
        "rounds": rounds,
        "start_to_health_s": {"app": round(app_med, 3), "bare": round(bare_med, 3), "ratio": round(app_med / bare_med, 3)},
        "start_to_health_all_s": {"app": [round(t, 3) for t in app_times], "bare": [round(t, 3) for t in bare_times]},
        "idle_rss_mb": {"app": round(statistics.median(app_rss), 1), "bare": round(statistics.median(bare_rss), 1)},
        "note": "health answers before any script runs, so this is Streamlit's own start-up plus our imports at server start",
    }
    write_result("server", result)
    print(
        f"server start to health: app {app_med:.2f} s, bare {bare_med:.2f} s, ratio {app_med / bare_med:.2f} "
        f"(median of {rounds}); idle RSS app {result['idle_rss_mb']['app']} MB, bare {result['idle_rss_mb']['bare']} MB"
    )
    return result


if __name__ == "__main__":
    main()
