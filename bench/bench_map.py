"""The "where it hurts" map in headless Chromium: click to highlight, and click to answers.

Three maps are measured in the same run, with the same clicks (the middle of the same areas,
desktop 1280 x 900, mouse):

- ``legacy``: the map before issue 14, an ``st.plotly_chart`` that sends each click to Python
  and is redrawn from a new figure (``bench/legacy_map_app.py``): the baseline;
- ``component``: the tappable component alone in a small app (``tests/apps/selection_map_app.py``),
  like for like with the baseline;
- ``app``: the component on the app's own Where page (what a runner gets).

Each click is timed from the browser's ``pointerdown``:

- *to highlight*: to the first animation frame whose map shows the change, i.e. the chart is
  fully drawn (at least 90 % of its paths) and the number of paths filled with the new-area
  colour has gone up (a click that chooses) or down (one that removes);
- *to answers*: to the settled page whose "Chosen on the map" line (from the answers in
  Python) has changed (``bench_browser.SETTLED``: the server's last message, the app idle).

Targets (issue 14): click-to-highlight p50 <= 50 ms and click-to-answers p50 <= 200 ms, on
the app's Where page. Ratios are against the legacy map measured in this run. Writes
bench/results/map.json.

    .venv/bin/python bench/bench_map.py [--clicks N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from bench_browser import RECORDER, summary, timed_action_parts, wait_idle  # noqa: E402
from bench_server import CHROMIUM, CHROMIUM_ARGS, Server, write_result  # noqa: E402

from nervetriage.bodymap import DEFAULT_INTENSITY, intensity_colour, region_label  # noqa: E402
from nervetriage.selection_map import MapArea, map_areas  # noqa: E402

TARGET_HIGHLIGHT_MS = 50.0
TARGET_ANSWERS_MS = 200.0
MAPS = {
    "legacy": ("bench/legacy_map_app.py", "", ".js-plotly-plot"),
    "component": ("tests/apps/selection_map_app.py", "", '[data-nt="bodymap"] .js-plotly-plot'),
    "app": ("app.py", "/where", '[data-nt="bodymap"] .js-plotly-plot'),
}
CHOSEN_LINE = "Chosen on the map"

# Figure point -> viewport px for the graph ``sel``; scrolls Streamlit's main block first when
# the point is near the top or bottom of the screen.
TO_SCREEN = """([sel, fx, fy]) => {
  const gd = document.querySelector(sel);
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  const main = document.querySelector('[data-testid="stMain"]');
  let r = gd.getBoundingClientRect();
  const y = r.top + ya._offset + ya.l2p(fy);
  if (y < 150 || y > innerHeight - 150) {
    main.scrollBy({top: y - innerHeight / 2, behavior: 'instant'});
    r = gd.getBoundingClientRect();
  }
  return [r.left + xa._offset + xa.l2p(fx), r.top + ya._offset + ya.l2p(fy)];
}"""

# Counts the graph's paths, and how much of them is filled with ``rgb`` (the chosen areas may
# share one path, so the length of their outlines); then, on every animation frame
# until the change shows (or 10 s pass), notes the frame's time in window.__ntShown.
ARM = """([sel, rgb, on]) => {
  const count = () => {
    const gd = document.querySelector(sel);
    if (!gd) return [0, 0];
    const paths = gd.querySelectorAll('path');
    let filled = 0;  // how much is drawn in that colour: the length of those paths' outlines
    paths.forEach((p) => {
      if ((p.style.fill || '').replace(/\\s/g, '') === rgb) filled += (p.getAttribute('d') || '').length;
    });
    return [paths.length, filled];
  };
  const [total0, filled0] = count();
  window.__ntShown = null;
  const started = performance.now();
  const check = (now) => {
    const [total, filled] = count();
    // performance.now(), not the frame's start time: a change made in the click's own frame
    // (the component draws at once) would otherwise read as shown before the click.
    if (total >= 0.9 * total0 && (on ? filled > filled0 : filled < filled0)) { window.__ntShown = performance.now(); return; }
    if (now - started < 10000) requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}"""
# [to the frame that showed it, to the server's first message after the click] (ms), or null.
SHOWN = """([n]) => {
  if (window.__ntShown === null) return null;
  const click = window.__nt.clicks[n];
  const reply = window.__nt.msgs.find((t) => t > click);
  return [window.__ntShown - click, reply === undefined ? null : reply - click];
}"""
CHOSEN_TEXT = f"""() => {{
  const el = [...document.querySelectorAll('[data-testid="stMarkdownContainer"]')].find((e) => e.innerText.includes('{CHOSEN_LINE}'));
  return el ? el.innerText : '';
}}"""


def areas_to_click(count: int) -> list[MapArea]:
    """Regions (not sites) in the whole-body view, the roomiest first, one per answer: their
    middles are well inside them, so both maps take the click for the same area."""
    seen: set[str] = set()
    out: list[MapArea] = []
    for area in sorted(map_areas(), key=lambda a: -a.radius):
        if area.kind == "region" and area.key not in seen:
            seen.add(area.key)
            out.append(area)
    return out[:count]


def wait_for_map(page: Any, graph: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    ready = f"() => {{ const gd = document.querySelector('{graph}'); return !!(gd && gd._fullLayout); }}"
    while not page.evaluate(ready):
        if time.monotonic() > deadline:
            raise TimeoutError(f"no map ({graph}) within {timeout_s} s")
        page.wait_for_timeout(200)
    page.wait_for_timeout(800)
    wait_idle(page)


def measure(browser: Any, url: str, graph: str, areas: list[MapArea], clicks: int) -> dict[str, Any]:
    """Click each area on, then each off again, until ``clicks`` clicks are made."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORDER)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    wait_idle(page)
    wait_for_map(page, graph)
    hexc = intensity_colour(DEFAULT_INTENSITY).lstrip("#")
    rgb = "rgb(" + ",".join(str(int(hexc[i:i + 2], 16)) for i in (0, 2, 4)) + ")"
    highlight: list[float] = []
    answers: list[float] = []
    missed = local = 0
    for i in range(clicks):
        area = areas[i % len(areas)]
        x, y = page.evaluate(TO_SCREEN, [graph, *area.at])
        page.wait_for_timeout(100)
        before = page.evaluate(CHOSEN_TEXT)
        on = region_label(area.id, area.side) not in before  # from the answers, so a missed click cannot confuse it
        n = page.evaluate("window.__nt.clicks.length")
        page.evaluate(ARM, [graph, rgb, on])
        cond = (f"const el = [...document.querySelectorAll('[data-testid=\"stMarkdownContainer\"]')]"
                f".find((e) => e.innerText.includes('{CHOSEN_LINE}')); return !!el && el.innerText !== {before!r};")
        try:
            total, _server = timed_action_parts(page, lambda px=x, py=y: page.mouse.click(px, py), cond, timeout=10_000)
        except TimeoutError:
            missed += 1
            page.wait_for_timeout(1000)
            continue
        answers.append(total)
        shown = page.evaluate(SHOWN, [n])
        if shown is None:
            missed += 1
        else:
            highlight.append(float(shown[0]))
            # shown before the server had answered: drawn by the browser alone
            local += shown[1] is None or shown[0] < shown[1]
        page.mouse.move(5, 5)  # off the map, so no tooltip or hover sits over the next area
        page.wait_for_timeout(400)
    context.close()
    return {"highlight": highlight, "answers": answers, "missed": missed, "shown_before_reply": local, "page_errors": errors}


def main() -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clicks", type=int, default=16)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    areas = areas_to_click(8)
    servers = {name: Server(script) for name, (script, _path, _graph) in MAPS.items()}
    results: dict[str, Any] = {}
    try:
        for server in servers.values():
            server.start()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            # Interleaved rounds, so a burst of load on this shared machine falls on every map alike.
            rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in MAPS}
            for _ in range(2):
                for name, (_script, path, graph) in MAPS.items():
                    rounds[name].append(measure(browser, servers[name].url + path, graph, areas, args.clicks // 2))
            browser.close()
    finally:
        for server in servers.values():
            server.stop()
    for name, runs in rounds.items():
        results[name] = {
            "highlight": summary([t for r in runs for t in r["highlight"]]),
            "answers": summary([t for r in runs for t in r["answers"]]),
            "missed": sum(r["missed"] for r in runs),
            "shown_before_server_reply": sum(r["shown_before_reply"] for r in runs),
            "page_errors": [e for r in runs for e in r["page_errors"]],
        }
    legacy = results["legacy"]
    for name in ("component", "app"):
        for part in ("highlight", "answers"):
            base = legacy[part]["p50_ms"]
            results[name][part]["p50_ratio_to_legacy"] = round(results[name][part]["p50_ms"] / base, 3) if base else None
    app = results["app"]
    result = {
        "clicks_per_map": args.clicks,
        "areas": [a.key for a in areas],
        "targets": {"highlight_p50_ms": TARGET_HIGHLIGHT_MS, "answers_p50_ms": TARGET_ANSWERS_MS},
        "meets_targets": app["highlight"]["p50_ms"] <= TARGET_HIGHLIGHT_MS and app["answers"]["p50_ms"] <= TARGET_ANSWERS_MS,
        **results,
    }
    write_result("map", result)
    for name, row in results.items():
        ratio = "" if name == "legacy" else (f"  (x{row['highlight']['p50_ratio_to_legacy']} and "
                                             f"x{row['answers']['p50_ratio_to_legacy']} of legacy)")
        print(f"{name:9s} click to highlight p50 {row['highlight']['p50_ms']:7.1f} ms p95 {row['highlight']['p95_ms']:7.1f}; "
              f"to answers p50 {row['answers']['p50_ms']:7.1f} ms p95 {row['answers']['p95_ms']:7.1f}; "
              f"missed {row['missed']}{ratio}")
    print(f"targets on the Where page: highlight p50 <= {TARGET_HIGHLIGHT_MS:.0f} ms, answers p50 <= {TARGET_ANSWERS_MS:.0f} ms: "
          f"{'met' if result['meets_targets'] else 'MISSED'}")
    return result


if __name__ == "__main__":
    main()
