"""20 concurrent browser sessions walking the whole flow against one server.

One headless Chromium, 20 contexts (one per runner), driven with asyncio. Each session
opens the welcome page, presses Start, and on every step ticks the first checkbox (when
the page has one) and presses Next, up to Results, then downloads the PDF report. A step
is timed in the page, from the click to the settled update (see bench_browser). Errors
are timeouts, exceptions shown on a page, JavaScript errors, failed downloads and server
tracebacks. Server memory is the peak VmRSS of the streamlit process and its children,
sampled every 0.25 s. Browser and server share the same 2 cores, so the latencies here
include the cost of rendering 20 pages at once on the machine that serves them.
Targets: p95 <= 1 s, 0 errors, server memory <= 300 MB.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_browser import QUIET_MS, RECORDER, SETTLED  # noqa: E402
from bench_server import CHROMIUM, CHROMIUM_ARGS, Server, pct, write_result  # noqa: E402

from nervetriage.ui.nav import STEPS  # noqa: E402

SESSIONS = 20
FEWER = (5, 10)  # extra runs with fewer browsers at once, on the same server afterwards
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
TARGETS = {"p95_ms": 1000.0, "errors": 0, "rss_mb": 300.0}


class Stats:
    """Step latencies and errors collected from all sessions."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, float]] = []
        self.server: list[float] = []
        self.errors: list[str] = []
        self.completed = 0
        self.downloads = 0
        self.marks: dict[str, float] = {}  # server CPU seconds at points of the warm-up walk
        self.cpu_probe: Any = None
        self.step_cpu: list[tuple[str, float]] = []  # (step, server CPU ms), lone walks only


async def settle(page: Any, clicks_before: int, cond: str, timeout: float = 60.0) -> dict[str, float]:
    deadline = time.monotonic() + timeout
    while True:
        parts = await page.evaluate(SETTLED, [clicks_before, cond, QUIET_MS])
        if parts is not None:
            return {k: float(v) for k, v in parts.items()}
        if time.monotonic() > deadline:
            raise TimeoutError(f"no settled update in {timeout} s ({cond})")
        await asyncio.sleep(0.05)


async def timed_click(page: Any, locator: Any, cond: str, label: str, stats: Stats) -> None:
    clicks_before = await page.evaluate("window.__nt.clicks.length")
    cpu0 = stats.cpu_probe() if stats.cpu_probe else 0.0
    await locator.click(timeout=30_000)
    parts = await settle(page, clicks_before, cond)
    if stats.cpu_probe:
        stats.step_cpu.append((label, round(1000 * (stats.cpu_probe() - cpu0), 1)))
    stats.steps.append((label, parts["total"]))
    stats.server.append(parts["server"])


async def check_page(page: Any, where: str, stats: Stats) -> None:
    if await page.locator('[data-testid="stException"]').count():
        stats.errors.append(f"{where}: the page shows an exception")


def mark(stats: Stats, label: str) -> None:
    if stats.cpu_probe is not None:
        stats.marks[label] = stats.cpu_probe()


async def walk(browser: Any, base: str, index: int, stats: Stats) -> None:
    """One runner's whole flow; every failure is recorded, never raised."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    await context.add_init_script(RECORDER)
    page = await context.new_page()
    page.on("pageerror", lambda exc: stats.errors.append(f"session {index}: page error {exc}"))
    here = "welcome"
    try:
        await asyncio.sleep(index * 0.1)  # people do not all click in the same millisecond
        mark(stats, "before_load")
        await page.goto(base, timeout=90_000)
        await page.wait_for_selector(IDLE, timeout=90_000)
        await page.wait_for_selector(".st-key-welcome_start button", timeout=90_000)
        await asyncio.sleep(QUIET_MS / 1000)
        mark(stats, "after_load")
        first = f"return location.pathname.endsWith('/{STEPS[0]}');"
        await timed_click(page, page.locator(".st-key-welcome_start button"), first, "start", stats)
        for position, step in enumerate(STEPS[:-1]):
            here = step
            await check_page(page, step, stats)
            box = page.locator('[data-testid="stMain"] [data-testid="stCheckbox"] label').first
            if await box.count():
                await timed_click(page, box, "", f"tick:{step}", stats)
            following = STEPS[position + 1]
            await timed_click(
                page, page.locator(".st-key-nav_next button"), f"return location.pathname.endsWith('/{following}');", f"next:{step}", stats
            )
        here = "results"
        await asyncio.sleep(QUIET_MS / 1000)
        mark(stats, "after_steps")
        await check_page(page, "results", stats)
        t0 = time.perf_counter()
        await page.locator(".st-key-nt_prepare_pdf button").click()
        button = page.locator(".st-key-nt_download_pdf button")
        await button.wait_for(timeout=60_000)
        async with page.expect_download(timeout=60_000) as info:
            await button.click()
        download = await info.value
        path = await download.path()
        data = Path(path).read_bytes() if path else b""
        stats.steps.append(("download_pdf", (time.perf_counter() - t0) * 1000))
        if not data.startswith(b"%PDF"):
            stats.errors.append(f"session {index}: the PDF download is not a PDF")
        else:
            stats.downloads += 1
        stats.completed += 1
    except Exception as exc:  # a benchmark counts failures instead of stopping at the first
        stats.errors.append(f"session {index} at {here}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    finally:
        await context.close()


def _tree(pid: int) -> list[int]:
    out, stack = [], [pid]
    while stack:
        current = stack.pop()
        out.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                stack += [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                continue
    return out


def _cpu_seconds(pid: int) -> float:
    """utime + stime of one process, in seconds (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Sampler:
    """Peak server memory, and CPU seconds used by the server and by the browser processes."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.rss: list[float] = []
        self.cpu: dict[int, float] = {}
        self.server_pids: set[int] = set()

    def sample(self) -> None:
        assert self.server.proc is not None
        self.rss.append(self.server.rss_mb())
        server_tree = _tree(self.server.proc.pid)
        self.server_pids.update(server_tree)
        for pid in set(_tree(os.getpid())) | set(server_tree):
            if pid != os.getpid():
                self.cpu[pid] = max(self.cpu.get(pid, 0.0), _cpu_seconds(pid))

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            self.sample()
            stop.wait(0.25)

    def cpu_split(self) -> tuple[float, float]:
        server = sum(v for pid, v in self.cpu.items() if pid in self.server_pids)
        return server, sum(self.cpu.values()) - server


async def run_sessions(base: str, stats: Stats, sessions: int) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        await asyncio.gather(*(walk(browser, base, i, stats) for i in range(sessions)))
        await browser.close()


def fewer_run(server: Server, sessions: int) -> dict[str, Any]:
    """The same walk with fewer browsers at once, on the same (warm) server.

    The browsers and the server share the machine's 2 cores; fewer browsers show how much
    of the 20-session p95 is page rendering rather than the server.
    """
    assert server.proc is not None
    pid = server.proc.pid
    stats = Stats()
    cpu0 = sum(_cpu_seconds(p) for p in _tree(pid))
    t0 = time.perf_counter()
    asyncio.run(run_sessions(server.url, stats, sessions))
    wall = time.perf_counter() - t0
    server_cpu = sum(_cpu_seconds(p) for p in _tree(pid)) - cpu0
    latencies = [t for name, t in stats.steps if name != "download_pdf"]
    return {
        "sessions": sessions,
        "completed": stats.completed,
        "steps": len(latencies),
        "p50_ms": round(pct(latencies, 50), 1),
        "p95_ms": round(pct(latencies, 95), 1),
        "errors": len(stats.errors),
        "error_messages": stats.errors[:5],
        "server_cpu_ms_per_step": round(1000 * server_cpu / max(len(stats.steps), 1), 1),
        "wall_s": round(wall, 1),
    }


def main(sessions: int = SESSIONS, env: dict[str, str] | None = None, result_name: str = "load",
         fewer_sessions: tuple[int, ...] = FEWER) -> dict[str, Any]:
    """Run the load test; ``env`` adds environment variables to the server (a deployment setting to try)."""
    server = Server("app.py", env=env)
    server.start()
    idle_rss = server.rss_mb()
    # One runner first, alone: what the first session costs (imports, content, caches).
    warm = Stats()
    assert server.proc is not None
    pid = server.proc.pid
    warm.cpu_probe = lambda: sum(_cpu_seconds(p) for p in _tree(pid))
    asyncio.run(run_sessions(server.url, warm, 1))
    second = Stats()  # a second lone runner: the steady cost, after first-use imports and caches
    second.cpu_probe = warm.cpu_probe
    asyncio.run(run_sessions(server.url, second, 1))
    warm_rss = server.rss_mb()
    stats = Stats()
    stop = threading.Event()
    sampler = Sampler(server)
    sampler.sample()
    cpu_before = sampler.cpu_split()
    thread = threading.Thread(target=sampler.run, args=(stop,), daemon=True)
    thread.start()
    t0 = time.perf_counter()
    load_at_start = os.getloadavg()[0]
    try:
        asyncio.run(run_sessions(server.url, stats, sessions))
    finally:
        wall = time.perf_counter() - t0
        stop.set()
        thread.join()
        sampler.sample()
        after_rss = server.rss_mb()
    server_cpu = sampler.cpu_split()[0] - cpu_before[0]
    browser_cpu = sampler.cpu_split()[1] - cpu_before[1]
    fewer: dict[str, Any] = {}
    try:
        for n in fewer_sessions:
            if n < sessions:
                fewer[str(n)] = fewer_run(server, n)
    finally:
        server.stop()
    stats.errors += [f"warm-up: {e}" for e in warm.errors + second.errors]
    lone_steps = len([n for n, _ in second.steps if n != "download_pdf"])
    lone = {
        "page_load_server_cpu_ms": round(1000 * (second.marks.get("after_load", 0) - second.marks.get("before_load", 0)), 1),
        "step_server_cpu_ms": round(1000 * (second.marks["after_steps"] - second.marks["after_load"]) / max(lone_steps, 1), 1)
        if "after_steps" in second.marks else None,
        "server_cpu_ms_by_step": dict(second.step_cpu),
        "step_p50_ms": round(pct([t for n, t in second.steps if n != "download_pdf"], 50), 1),
        "first_session_load_server_cpu_ms": round(1000 * (warm.marks.get("after_load", 0) - warm.marks.get("before_load", 0)), 1),
    }
    if "Traceback" in server.log_text():
        stats.errors.append("the server logged a traceback")
    samples = sampler.rss
    latencies = [t for _, t in stats.steps if _ != "download_pdf"]
    downloads = [t for name, t in stats.steps if name == "download_pdf"]
    by_kind: dict[str, list[float]] = {}
    for name, t in stats.steps:
        by_kind.setdefault(name.split(":")[0], []).append(t)
    peak = max(samples) if samples else 0.0
    result: dict[str, Any] = {
        "sessions": sessions,
        "completed": stats.completed,
        "steps": len(latencies),
        "p50_ms": round(pct(latencies, 50), 1),
        "p95_ms": round(pct(latencies, 95), 1),
        "max_ms": round(max(latencies), 1) if latencies else 0,
        "by_kind_p95_ms": {k: round(pct(v, 95), 1) for k, v in sorted(by_kind.items())},
        "server_part_p50_ms": round(pct(stats.server, 50), 1),
        "server_part_p95_ms": round(pct(stats.server, 95), 1),
        "pdf_download_p50_ms": round(pct(downloads, 50), 1),
        "errors": len(stats.errors),
        "error_messages": stats.errors[:20],
        "server_rss_mb": {"idle": round(idle_rss, 1), "after_one_session": round(warm_rss, 1), "peak": round(peak, 1),
                          "after": round(after_rss, 1), "per_extra_session": round((peak - warm_rss) / max(sessions - 1, 1), 2)},
        "cpu_s": {"server": round(server_cpu, 1), "browser": round(browser_cpu, 1),
                  "server_ms_per_step": round(1000 * server_cpu / max(len(stats.steps), 1), 1),
                  "browser_ms_per_step": round(1000 * browser_cpu / max(len(stats.steps), 1), 1)},
        "load_avg_1min_at_start": round(load_at_start, 2),
        "one_session_alone": lone,
        "fewer_sessions": fewer,
        "wall_s": round(wall, 1),
        "targets": TARGETS,
        "server_env": env or {},
    }
    write_result(result_name, result)
    print(
        f"{sessions} sessions: {stats.completed} completed, {len(latencies)} steps, p50 {result['p50_ms']} ms, "
        f"p95 {result['p95_ms']} ms (server part p95 {result['server_part_p95_ms']} ms), errors {len(stats.errors)}, "
        f"server RSS idle {idle_rss:.0f} MB, after one session {warm_rss:.0f} MB, peak {peak:.0f} MB ({wall:.0f} s); "
        f"CPU per step: server {result['cpu_s']['server_ms_per_step']} ms, browser {result['cpu_s']['browser_ms_per_step']} ms; "
        f"one session alone: step p50 {lone['step_p50_ms']} ms, server CPU per step {lone['step_server_cpu_ms']} ms, "
        f"per page load {lone['page_load_server_cpu_ms']} ms"
    )
    for count, row in fewer.items():
        print(f"  with {count} sessions at once: p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms, errors {row['errors']}, "
              f"{row['completed']} completed, server CPU per step {row['server_cpu_ms_per_step']} ms")
    for message in stats.errors[:5]:
        print("  error:", message)
    return result


ARENA_NOTE = (
    "same walk, server started with MALLOC_ARENA_MAX=2 (glibc keeps fewer per-thread memory arenas; Streamlit runs each "
    "session's script on its own thread). A deployment setting: it has to be in the environment before the server starts."
)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = int(args[0]) if args else SESSIONS
    main(count)
    if "--no-arena-variant" not in sys.argv:
        print("== again with MALLOC_ARENA_MAX=2 in the server's environment")
        variant = main(count, env={"MALLOC_ARENA_MAX": "2"}, result_name="load_arena_max_2", fewer_sessions=())
        variant["note"] = ARENA_NOTE
        write_result("load_arena_max_2", variant)
