"""Click-to-update latency in headless Chromium, against a bare Streamlit app.

A click is timed from the browser's own ``pointerdown`` (recorded in the page) until the
script has run (``data-test-script-state`` went to ``running`` and back to
``notRunning``) and the DOM shows the change. The baseline is a one-checkbox Streamlit app
measured the same way in the same run. Also measured: a body-map region click (when the
Where page draws the map), a Next-button page change, and the first load of a page.
Target: click-to-update p50 <= 250 ms.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_server import CHROMIUM, CHROMIUM_ARGS, Server, bare_app_path, pct, write_result  # noqa: E402

TARGET_P50_MS = 250.0
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
BARE_CHECKBOX_APP = """import streamlit as st

st.title("Bare")
ticked = st.checkbox("Tick me", key="tick")
st.write("ticked" if ticked else "not ticked")
"""

# Installed before any page script: records script-state changes, clicks, every message
# the server sends over the WebSocket, and DOM mutation times.
RECORDER = """
window.__nt = {states: [], clicks: [], msgs: [], muts: []};
document.addEventListener('pointerdown', () => window.__nt.clicks.push(performance.now()), true);
document.addEventListener('keydown', () => window.__nt.clicks.push(performance.now()), true);
const OrigWS = window.WebSocket;
window.WebSocket = function (...args) {
  const ws = new OrigWS(...args);
  ws.addEventListener('message', () => window.__nt.msgs.push(performance.now()));
  return ws;
};
window.WebSocket.prototype = OrigWS.prototype;
Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
new MutationObserver((records) => {
  const now = performance.now();
  const m = window.__nt.muts;
  if (m.length > 5000) m.splice(0, 2500);
  m.push(now);
  for (const r of records) {
    if (r.attributeName === 'data-test-script-state') {
      window.__nt.states.push([now, r.target.getAttribute('data-test-script-state')]);
    }
  }
}).observe(document, {attributes: true, childList: true, characterData: true, subtree: true});
"""

# The settled time of the update caused by click number ``n``, or null while still busy:
# ``total`` (what the person waits for) and ``server`` (to the last message the server sent).
# the server answered (a WebSocket message after the click), the app is idle, nothing has
# arrived for QUIET ms, and ``cond`` holds. The update is done at the last message, or at
# the last DOM change it caused (within 300 ms of it), whichever is later.
SETTLED = """([n, cond, quiet]) => {
  const nt = window.__nt;
  if (nt.clicks.length <= n) return null;
  const click = nt.clicks[n];
  const msgs = nt.msgs.filter(t => t > click);
  if (!msgs.length) return null;
  const last = msgs[msgs.length - 1];
  const now = performance.now();
  if (now - last < quiet) return null;
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return null;
  if (cond && !(new Function(cond))()) return null;
  const after = nt.muts.filter(t => t >= last && t <= last + 300);
  const done = Math.max(last, ...after);
  return {total: done - click, server: last - click};
}"""
QUIET_MS = 300


def wait_idle(page: Any, timeout: float = 30_000) -> None:
    page.wait_for_selector(IDLE, timeout=timeout)
    page.wait_for_timeout(150)
    page.wait_for_selector(IDLE, timeout=timeout)


def timed_action(page: Any, action: Any, cond: str = "", timeout: float = 20_000) -> float:
    """Milliseconds from the click ``action`` performs to the settled update (and ``cond``)."""
    return timed_action_parts(page, action, cond, timeout)[0]


def timed_action_parts(page: Any, action: Any, cond: str = "", timeout: float = 20_000) -> tuple[float, float]:
    """(total, server) milliseconds: to the settled page, and to the server's last message."""
    clicks_before = page.evaluate("window.__nt.clicks.length")
    action()
    deadline = time.monotonic() + timeout / 1000
    while True:
        parts = page.evaluate(SETTLED, [clicks_before, cond, QUIET_MS])
        if parts is not None:
            return float(parts["total"]), float(parts["server"])
        if time.monotonic() > deadline:
            raise TimeoutError(f"no settled update within {timeout} ms (condition: {cond})")
        time.sleep(0.02)


def checkbox_latencies(page: Any, url: str, holder_css: str, n: int) -> list[float]:
    """Toggle the checkbox inside ``holder_css`` (its keyed container) ``n`` times."""
    page.goto(url)
    wait_idle(page)
    times: list[float] = []
    holder = page.locator(holder_css).first
    for _ in range(n):
        want = "false" if holder.locator("input").is_checked() else "true"
        cond = f"return document.querySelector('{holder_css} input').checked === {want};"
        times.append(timed_action(page, lambda: holder.locator("label").click(), cond))
        page.wait_for_timeout(400)
    return times


def nav_latencies(page: Any, base: str, n: int) -> list[float]:
    """Next button from one step to the next, ``n`` times starting at the first sign page."""
    from nervetriage.ui.nav import STEPS

    times: list[float] = []
    start = STEPS.index("sign1")
    for i in range(n):
        current = STEPS[start + i % 5]
        following = STEPS[start + i % 5 + 1]
        page.goto(f"{base}/{current}")
        wait_idle(page)
        cond = f"return location.pathname.endsWith('/{following}');"
        times.append(timed_action(page, lambda: page.locator(".st-key-nav_next button").click(), cond))
        page.wait_for_timeout(200)
    return times


# The map's areas on screen: the middle of each one's keyboard button (it sits on the area's
# label point and takes no pointer events, so a click there lands on the map itself;
# nervetriage/ui/assets/bodymap.js). Null until the map is drawn.
MARKER_PIXELS = """() => {
  const root = document.querySelector('[data-nt="bodymap"][data-nt-ready="1"]');
  if (!root) return null;
  const out = [];
  root.querySelectorAll('[data-nt="region"]').forEach((b) => {
    if (b.hidden) return;
    const r = b.getBoundingClientRect();
    if (r.top < 0 || r.bottom > innerHeight) return;
    out.push({id: b.getAttribute('data-key'), x: r.left + r.width / 2, y: r.top + r.height / 2});
  });
  return out;
}"""


def map_latencies(page: Any, base: str, n: int) -> tuple[list[float], int]:
    """Click body-map regions on the Where page: (latencies, clicks that got no answer).

    Empty when the page has no map. Each click toggles a region, so the chosen-regions
    line under the map must change before the update counts as done.
    """
    page.goto(f"{base}/where")
    wait_idle(page)
    # The map loads plotly.js (~4.8 MB, ~1.5 MB compressed) on first use: on a busy machine
    # it can take seconds to appear, so wait for its areas (not a fixed time).
    points: list[dict[str, Any]] = []
    deadline = time.monotonic() + 30
    while not points and time.monotonic() < deadline:
        points = page.evaluate(MARKER_PIXELS) or []
        page.wait_for_timeout(250)
    if not points:
        return [], 0
    page.wait_for_timeout(1000)
    points = page.evaluate(MARKER_PIXELS) or points
    times: list[float] = []
    missed = 0
    for i in range(n):
        if not points:
            break
        point = points[(i * 7) % len(points)]
        before = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').innerText.length")
        cond = f"return document.querySelector('[data-testid=\"stMain\"]').innerText.length !== {before};"
        try:
            times.append(timed_action(page, lambda p=point: page.mouse.click(p["x"], p["y"]), cond, timeout=5000))
        except TimeoutError:
            missed += 1
        page.wait_for_timeout(600)
        points = page.evaluate(MARKER_PIXELS) or points
    return times, missed


def first_load_ms(browser: Any, url: str) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(url)
    wait_idle(page)
    page.wait_for_selector('[data-testid="stMainBlockContainer"] h1', timeout=30_000)
    elapsed = (time.perf_counter() - t0) * 1000
    context.close()
    return elapsed


def summary(times: list[float]) -> dict[str, Any]:
    top = round(max(times), 1) if times else 0
    return {"n": len(times), "p50_ms": round(pct(times, 50), 1), "p95_ms": round(pct(times, 95), 1), "max_ms": top}


def first_checkbox_css(page: Any, url: str) -> str:
    """A CSS selector for the label of the first checkbox in the main area of ``url``."""
    page.goto(url)
    wait_idle(page)
    key = page.evaluate(
        """() => {
      const el = document.querySelector('[data-testid="stMain"] [data-testid="stCheckbox"]');
      if (!el) return null;
      const holder = el.closest('[class*="st-key-"]');
      if (!holder) return null;
      return [...holder.classList].find(c => c.startsWith('st-key-'));
    }"""
    )
    if not key:
        raise RuntimeError(f"no keyed checkbox on {url}")
    return f'[class~="{key}"]'


def main(clicks: int = 20) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    app = Server("app.py")
    with tempfile.TemporaryDirectory() as tmp:
        bare = Server(bare_app_path(Path(tmp), BARE_CHECKBOX_APP))
        app.start()
        bare.start()
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.add_init_script(RECORDER)
                page = context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda exc: errors.append(str(exc)))
                bare_times = checkbox_latencies(page, bare.url, ".st-key-tick", clicks)
                css = first_checkbox_css(page, f"{app.url}/along")
                app_times = checkbox_latencies(page, f"{app.url}/along", css, clicks)
                map_times, map_missed = map_latencies(page, app.url, 12)
                nav_times = nav_latencies(page, app.url, 10)
                load_app = [first_load_ms(browser, f"{app.url}/results") for _ in range(2)]
                load_bare = [first_load_ms(browser, bare.url) for _ in range(2)]
                browser.close()
        finally:
            rss = app.rss_mb()
            app.stop()
            bare.stop()
    app_sum, bare_sum = summary(app_times), summary(bare_times)
    result: dict[str, Any] = {
        "target_p50_ms": TARGET_P50_MS,
        "checkbox_click": {"app": app_sum, "bare": bare_sum, "p50_ratio": round(app_sum["p50_ms"] / bare_sum["p50_ms"], 3)},
        "map_click": {**summary(map_times), "missed": map_missed} if map_times else {"n": 0, "note": "no clickable body map"},
        "next_button": summary(nav_times),
        "first_load_ms": {
            "app_results_page": round(statistics.median(load_app), 1),
            "bare": round(statistics.median(load_bare), 1),
            "ratio": round(statistics.median(load_app) / statistics.median(load_bare), 3),
        },
        "page_errors": errors,
        "server_rss_mb_after": round(rss, 1),
    }
    write_result("browser", result)
    print(
        f"checkbox click to update: app p50 {app_sum['p50_ms']} ms p95 {app_sum['p95_ms']} ms; bare p50 {bare_sum['p50_ms']} ms "
        f"(ratio {result['checkbox_click']['p50_ratio']})"
    )
    if map_times:
        print(f"body-map click to update: p50 {result['map_click']['p50_ms']} ms p95 {result['map_click']['p95_ms']} ms")
    else:
        print("body-map click: no map on the Where page yet")
    print(f"Next button to next page: p50 {result['next_button']['p50_ms']} ms p95 {result['next_button']['p95_ms']} ms")
    print(f"first load: results page {result['first_load_ms']['app_results_page']} ms, bare {result['first_load_ms']['bare']} ms")
    return result


if __name__ == "__main__":
    main()
