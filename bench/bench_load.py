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
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
TARGETS = {"p95_ms": 1000.0, "errors": 0, "rss_mb": 300.0}


class Stats:
    """Step latencies and errors collected from all sessions."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, float]] = []
        self.errors: list[str] = []
        self.completed = 0
        self.downloads = 0


async def settle(page: Any, clicks_before: int, cond: str, timeout: float = 60.0) -> float:
    deadline = time.monotonic() + timeout
    while True:
        latency = await page.evaluate(SETTLED, [clicks_before, cond, QUIET_MS])
        if latency is not None:
            return float(latency)
        if time.monotonic() > deadline:
            raise TimeoutError(f"no settled update in {timeout} s ({cond})")
        await asyncio.sleep(0.05)


async def timed_click(page: Any, locator: Any, cond: str, label: str, stats: Stats) -> None:
    clicks_before = await page.evaluate("window.__nt.clicks.length")
    await locator.click(timeout=30_000)
    stats.steps.append((label, await settle(page, clicks_before, cond)))


async def check_page(page: Any, where: str, stats: Stats) -> None:
    if await page.locator('[data-testid="stException"]').count():
        stats.errors.append(f"{where}: the page shows an exception")


async def walk(browser: Any, base: str, index: int, stats: Stats) -> None:
    """One runner's whole flow; every failure is recorded, never raised."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    await context.add_init_script(RECORDER)
    page = await context.new_page()
    page.on("pageerror", lambda exc: stats.errors.append(f"session {index}: page error {exc}"))
    here = "welcome"
    try:
        await asyncio.sleep(index * 0.1)  # people do not all click in the same millisecond
        await page.goto(base, timeout=90_000)
        await page.wait_for_selector(IDLE, timeout=90_000)
        await page.wait_for_selector(".st-key-welcome_start button", timeout=90_000)
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
        await check_page(page, "results", stats)
        button = page.locator(".st-key-nav_download_pdf button, .st-key-nt_download_pdf button").first
        t0 = time.perf_counter()
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


def sample_memory(server: Server, stop: threading.Event, peaks: list[float]) -> None:
    while not stop.is_set():
        peaks.append(server.rss_mb())
        stop.wait(0.25)


async def run_sessions(base: str, stats: Stats, sessions: int) -> None:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        await asyncio.gather(*(walk(browser, base, i, stats) for i in range(sessions)))
        await browser.close()


def main(sessions: int = SESSIONS) -> dict[str, Any]:
    server = Server("app.py")
    server.start()
    idle_rss = server.rss_mb()
    stats = Stats()
    stop = threading.Event()
    samples: list[float] = []
    sampler = threading.Thread(target=sample_memory, args=(server, stop, samples), daemon=True)
    sampler.start()
    t0 = time.perf_counter()
    try:
        asyncio.run(run_sessions(server.url, stats, sessions))
    finally:
        wall = time.perf_counter() - t0
        stop.set()
        sampler.join()
        after_rss = server.rss_mb()
        server.stop()
    if "Traceback" in server.log_text():
        stats.errors.append("the server logged a traceback")
    latencies = [t for _, t in stats.steps if _ != "download_pdf"]
    downloads = [t for name, t in stats.steps if name == "download_pdf"]
    by_kind: dict[str, list[float]] = {}
    for name, t in stats.steps:
        by_kind.setdefault(name.split(":")[0], []).append(t)
    peak = max(samples) if samples else 0.0
    result = {
        "sessions": sessions,
        "completed": stats.completed,
        "steps": len(latencies),
        "p50_ms": round(pct(latencies, 50), 1),
        "p95_ms": round(pct(latencies, 95), 1),
        "max_ms": round(max(latencies), 1) if latencies else 0,
        "by_kind_p95_ms": {k: round(pct(v, 95), 1) for k, v in sorted(by_kind.items())},
        "pdf_download_p50_ms": round(pct(downloads, 50), 1),
        "errors": len(stats.errors),
        "error_messages": stats.errors[:20],
        "server_rss_mb": {"idle": round(idle_rss, 1), "peak": round(peak, 1), "after": round(after_rss, 1)},
        "wall_s": round(wall, 1),
        "targets": TARGETS,
    }
    write_result("load", result)
    print(
        f"{sessions} sessions: {stats.completed} completed, {len(latencies)} steps, p50 {result['p50_ms']} ms, "
        f"p95 {result['p95_ms']} ms, errors {len(stats.errors)}, server RSS idle {idle_rss:.0f} MB peak {peak:.0f} MB "
        f"({wall:.0f} s)"
    )
    for message in stats.errors[:5]:
        print("  error:", message)
    return result


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else SESSIONS)
