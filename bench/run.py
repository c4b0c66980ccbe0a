"""Run every benchmark, then write bench/results/latest.json and print the target table.

Each bench script runs in its own process (so one script's imports, threads and servers
cannot colour another's figures) and writes bench/results/<name>.json; this runner
collects the files written during this run into latest.json with the machine's
description and a pass/miss line per target. Usage: ``./run bench`` (or
``python bench/run.py [script ...]`` to run a subset, e.g. ``bench_pages``).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
SCRIPTS = ["bench_assess", "bench_bodymap", "bench_server", "bench_pages", "bench_browser", "bench_map", "bench_load",
           "bench_hostile", "bench_protocol", "bench_walk"]
TIMEOUT_S = 900
TIMEOUTS_S = {"bench_walk": 2400}  # 8 examples, 2 walks each, on two trees


def run_script(name: str) -> dict[str, Any]:
    path = ROOT / "bench" / f"{name}.py"
    if not path.exists():
        print(f"== {name}: missing ({path.relative_to(ROOT)})")
        return {"script": name, "status": "missing"}
    print(f"== {name}", flush=True)
    t0 = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, str(path)], cwd=ROOT, timeout=TIMEOUTS_S.get(name, TIMEOUT_S), check=False)
        status = "ok" if proc.returncode == 0 else f"exit {proc.returncode}"
    except subprocess.TimeoutExpired:
        status = f"timeout after {TIMEOUTS_S.get(name, TIMEOUT_S)} s"
    seconds = round(time.perf_counter() - t0, 1)
    print(f"   ({status}, {seconds} s)", flush=True)
    return {"script": name, "status": status, "seconds": seconds}


def _load(name: str) -> dict[str, Any]:
    path = RESULTS / f"{name}.json"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _get(data: dict[str, Any], *path: str) -> Any:
    value: Any = data
    for part in path:
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def targets(results: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The issue's targets, each with the measured value and whether it was met."""
    pages, browser, load = results.get("pages", {}), results.get("browser", {}), results.get("load", {})
    assess_cases = results.get("assess", {}).get("cases", {})
    assess_worst = max((c["assess"]["median_us"] for c in assess_cases.values() if "assess" in c), default=None)
    bodymap = results.get("bodymap", {})
    tap_map = results.get("map", {})
    n = load.get("sessions", 20)
    rows = [
        ("assess() per call, slowest case (us)", assess_worst, "<=", 1000.0),
        ("results body map build, worst (ms)", _get(bodymap, "worst_results_build_ms"), "<=", 30.0),
        ("results body map JSON, worst (KB)", _get(bodymap, "worst_results_json_kb"), "<=", 300.0),
        ("worst page script time / bare page", _get(pages, "worst_ratio"), "<=", 1.3),
        ("median page script time / bare page", _get(pages, "median_ratio"), "<=", 1.3),
        ("checkbox click-to-update p50 (ms)", _get(browser, "checkbox_click", "app", "p50_ms"), "<=", 250.0),
        ("body-map click-to-update p50 (ms)", _get(browser, "map_click", "p50_ms"), "<=", 250.0),
        ("body-map click-to-highlight p50, Where page (ms)", _get(tap_map, "app", "highlight", "p50_ms"), "<=", 50.0),
        ("body-map click-to-answers p50, Where page (ms)", _get(tap_map, "app", "answers", "p50_ms"), "<=", 200.0),
        (f"{n} sessions: step p95 (ms)", _get(load, "p95_ms"), "<=", 1000.0),
        (f"{n} sessions: errors", _get(load, "errors"), "<=", 0),
        (f"{n} sessions: peak server RSS (MB)", _get(load, "server_rss_mb", "peak"), "<=", 300.0),
    ]
    for fewer, row in sorted((_get(load, "fewer_sessions") or {}).items(), key=lambda kv: int(kv[0])):
        rows.append((f"(extra) {fewer} sessions: step p95 (ms)", row.get("p95_ms"), "<=", 1000.0))
    arena = results.get("load_arena_max_2", {})
    if arena:
        rows.append((f"(extra) {n} sessions, MALLOC_ARENA_MAX=2: peak RSS (MB)", _get(arena, "server_rss_mb", "peak"), "<=", 300.0))
    walk = results.get("bench_walk", {}).get("totals", {})
    rows.append(("example walks: clicks after / before (issue 15)", walk.get("clicks_ratio"), "<=", 1.0))
    rows.append(("example walks: seconds after / before (issue 15)", walk.get("seconds_ratio"), "<=", 1.0))
    # Protocol-level load (bench_protocol.py, no browsers): its own rows, e.g. "<= 1000.0", ">= 1.5".
    for row in results.get("protocol", {}).get("targets", []):
        op, limit = row["limit"].split()
        rows.append((f"protocol: {row['target']}", row["value"], op, float(limit)))
    out = []
    for label, value, op, limit in rows:
        met = None if value is None else bool(value >= limit if op == ">=" else value <= limit)
        out.append({"target": label, "value": value, "limit": f"{op} {limit}", "met": met})
    return out


def main(argv: list[str]) -> int:
    chosen = [a.removesuffix(".py") for a in argv] or SCRIPTS
    started = time.time()
    runs = [run_script(name) for name in chosen]
    results: dict[str, dict[str, Any]] = {}
    for path in sorted(RESULTS.glob("*.json")):
        if path.name == "latest.json":
            continue
        data = _load(path.stem)
        results[path.stem] = data
    fresh = {name for name, data in results.items() if path_mtime(name) >= started}
    summary: dict[str, Any] = {
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_avg_at_end": [round(x, 2) for x in os.getloadavg()],
        },
        "runs": runs,
        "fresh": sorted(fresh),
        "targets": targets(results),
        "results": results,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(summary, indent=2) + "\n")
    print("\n== targets")
    for row in summary["targets"]:
        mark = {True: "met", False: "MISSED", None: "not measured"}[row["met"]]
        print(f"  {row['target']:68s} {row['value']!s:>10} {row['limit']:>10}  {mark}")
    print(f"\nwrote {(RESULTS / 'latest.json').relative_to(ROOT)} ({time.time() - started:.0f} s)")
    failed = [r for r in runs if r["status"] not in ("ok",)]
    return 1 if failed else 0


def path_mtime(name: str) -> float:
    try:
        return (RESULTS / f"{name}.json").stat().st_mtime
    except OSError:
        return 0.0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
