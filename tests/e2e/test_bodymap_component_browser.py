"""The tappable body map (nervetriage/ui/assets/bodymap.js) on a phone: 390 x 844 CSS px, touch.

In headless Chromium with real touch input (Playwright's touchscreen and CDP touch events):
a vertical swipe that starts on the map scrolls the page; a tap at the middle of any area, in
the whole-body view and in the close-ups, chooses exactly that area and a second tap removes
it; a tap 8 px inside an area's edge still chooses it, one a few px outside takes the nearest
area and one farther out takes nothing; every area is at least 24 x 24 CSS px in one of the
views; the keyboard alone reaches and chooses areas; axe finds nothing serious on the Where
page; and screenshots of the map at phone size are kept in artifacts/screenshots/.
"""

from __future__ import annotations

import functools
import re
import statistics
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import expect

from e2e.conftest import ARTIFACTS, AppServer, act, assert_no_exception, context_page, goto_app, key, shot, tall_shot, wait_idle
from e2e.test_accessibility_browser import blocking_violations
from nervetriage.bodymap import region_label
from nervetriage.content import load_content
from nervetriage.geometry import points_in_polygon
from nervetriage.selection_map import MapArea, inscribed_square, map_areas
from nervetriage.ui_text import load_ui_text

pytestmark = pytest.mark.browser

WORDS = load_ui_text().where.map
ALL_AREAS = map_areas(WORDS.site_label)
# By answer key ("calf:right", "low_back:" for a site): a region drawn in both views (outer
# knee, ankles, outer foot, outer hip) is one answer with an area in each; this is the first.
AREAS: dict[str, MapArea] = {}
for _area in ALL_AREAS:
    AREAS.setdefault(_area.key, _area)
MODES = ("whole", "legs_front", "legs_back")
PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
MIN_TARGET = 24  # CSS px (WCAG 2.2 target size, minimum)
MAP = '[data-nt="bodymap"]'


@pytest.fixture(scope="module")
def bodymap_server() -> Iterator[AppServer]:
    server = AppServer(script="tests/apps/selection_map_app.py")
    server.start()
    yield server
    server.stop()
    assert "Traceback" not in server.log_text(), f"server logged a traceback:\n{server.log_text()[-3000:]}"


@pytest.fixture
def phone(browser, request) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    yield from context_page(browser, request, fail_on_page_errors=True, **PHONE)


def open_map(pg: Any, url: str) -> None:
    goto_app(pg, url)
    pg.wait_for_selector(f'{MAP}[data-nt-ready="1"]', timeout=60_000)
    wait_idle(pg)
    # Room below the page, so its scroll position never has to change when the chosen list
    # under the map grows or shrinks between a tap being aimed and made (taps come fast here).
    pg.evaluate("() => { document.querySelector('[data-testid=\"stMainBlockContainer\"]').style.paddingBottom = '1600px'; }")


def set_mode(pg: Any, mode: str) -> None:
    pg.locator(f'{MAP} [data-nt="mode"][data-mode="{mode}"]').click()
    pg.wait_for_selector(f'{MAP}[data-nt-mode="{mode}"]', timeout=10_000)
    expect(pg.locator(f'{MAP} [data-nt="mode"][data-mode="{mode}"]')).to_have_attribute("aria-pressed", "true")
    pg.wait_for_timeout(100)


def areas_in_view(pg: Any) -> list[MapArea]:
    """The areas whose middle the current view shows (from the axes' ranges in the page)."""
    (x0, x1), (y0, y1) = pg.evaluate(f"""() => {{
        const fl = document.querySelector('{MAP} .js-plotly-plot')._fullLayout;
        return [fl.xaxis.range, fl.yaxis.range]; }}""")
    return [a for a in ALL_AREAS if min(x0, x1) <= a.at[0] <= max(x0, x1) and min(y0, y1) <= a.at[1] <= max(y0, y1)]


def by_answer(areas: list[MapArea]) -> dict[str, list[MapArea]]:
    groups: dict[str, list[MapArea]] = {}
    for area in areas:
        groups.setdefault(area.key, []).append(area)
    return groups


def top_down(areas: list[MapArea]) -> list[str]:
    """Answer keys in the order tap_all taps the areas' middles."""
    return [a.key for a in sorted(areas, key=lambda a: -a.at[1])]


def pressed_keys(pg: Any) -> set[str]:
    return set(pg.evaluate(f"""() => Array.from(document.querySelectorAll('{MAP} [data-nt="region"][aria-pressed="true"]'))
        .map((b) => b.getAttribute('data-key'))"""))


# Scrolls the figure point to the middle of the screen if it is near an edge (Streamlit
# scrolls its main block, not the window) and returns its position in CSS px of the viewport.
TO_SCREEN = f"""([fx, fy]) => {{
  const gd = document.querySelector('{MAP} .js-plotly-plot');
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  const main = document.querySelector('[data-testid="stMain"]');
  let r = gd.getBoundingClientRect();
  const y = r.top + ya._offset + ya.l2p(fy);
  if (y < 120 || y > innerHeight - 120) {{
    main.scrollBy({{top: y - innerHeight / 2, behavior: 'instant'}});
    r = gd.getBoundingClientRect();
  }}
  return [r.left + xa._offset + xa.l2p(fx), r.top + ya._offset + ya.l2p(fy)];
}}"""

# Scrolls so the first of the figure points sits near the top of the screen; returns every
# point's position on screen (CSS px), null for those off screen.
BAND = f"""(points) => {{
  const gd = document.querySelector('{MAP} .js-plotly-plot');
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  const main = document.querySelector('[data-testid="stMain"]');
  let r = gd.getBoundingClientRect();
  const first = r.top + ya._offset + ya.l2p(points[0][1]);
  if (first < 100 || first > innerHeight - 100) {{
    main.scrollBy({{top: first - 140, behavior: 'instant'}});
    r = gd.getBoundingClientRect();
  }}
  return points.map(([fx, fy]) => {{
    const x = r.left + xa._offset + xa.l2p(fx), y = r.top + ya._offset + ya.l2p(fy);
    return y > 90 && y < innerHeight - 60 ? [x, y] : null;
  }});
}}"""

# Notes what every tap took (the map's data-nt-last-tap), to compare with what was aimed at.
TAP_LOG = f"""() => {{
  window.__ntTapped = [];
  new MutationObserver(() => window.__ntTapped.push(document.querySelector('{MAP}').getAttribute('data-nt-last-tap')))
    .observe(document.querySelector('{MAP}'), {{attributes: true, attributeFilter: ['data-nt-last-tap']}});
}}"""


def tap_figure(pg: Any, fx: float, fy: float) -> None:
    x, y = pg.evaluate(TO_SCREEN, [fx, fy])
    pg.touchscreen.tap(x, y)


def tap_area(pg: Any, area_key: str) -> None:
    """Tap the middle of an area (its pole of inaccessibility, where its keyboard button sits)."""
    tap_figure(pg, *AREAS[area_key].at)


def tap_all(pg: Any, points: list[tuple[float, float]]) -> None:
    """Tap every figure point, top to bottom, scrolling a screenful at a time (few round trips)."""
    order = sorted(range(len(points)), key=lambda i: -points[i][1])
    while order:
        screen = pg.evaluate(BAND, [list(points[i]) for i in order])
        assert screen[0] is not None, "the point could not be scrolled into view"
        done = [i for i, pos in zip(order, screen, strict=True) if pos is not None]
        for pos in screen:
            if pos is not None:
                pg.touchscreen.tap(*pos)
        order = [i for i in order if i not in done]


def tapped(pg: Any) -> list[str]:
    """What each tap since TAP_LOG took, in order ("" for nothing); and forget them."""
    return list(pg.evaluate("() => window.__ntTapped.splice(0)"))


def chosen_line(pg: Any) -> str:
    return str(pg.locator('[data-testid="stMarkdownContainer"]').filter(has_text=WORDS.chosen).first.inner_text())


def chosen_label(area_key: str) -> str:
    """How the "Chosen on the map" line names an area (before its strength in brackets)."""
    area = AREAS[area_key]
    return region_label(area.id, area.side)


def chosen_labels(pg: Any) -> set[str]:
    text = chosen_line(pg).split(WORDS.chosen, 1)[1].strip()
    if text == WORDS.nothing:
        return set()
    return {re.sub(r" \((?:\d+/10|painful|stiff|not rated).*$", "", part.strip()) for part in text.split(";")}


def wait_chosen(pg: Any, keys: set[str], timeout: float = 30_000) -> None:
    """Wait until the answers (the line under the map, from Python) hold exactly ``keys``."""
    wanted = {chosen_label(k) for k in keys}
    deadline = pg.evaluate("() => performance.now()") + timeout
    while True:
        wait_idle(pg)
        seen = chosen_labels(pg)
        if seen == wanted:
            return
        if pg.evaluate("() => performance.now()") > deadline:
            raise AssertionError(f"chosen {sorted(seen)}, wanted {sorted(wanted)}")
        pg.wait_for_timeout(250)


def test_a_vertical_swipe_that_starts_on_the_map_scrolls_the_page(phone: Any, bodymap_server: AppServer) -> None:
    pg = phone
    open_map(pg, bodymap_server.url)
    stage = pg.locator(f'{MAP} [data-nt="stage"]')
    assert stage.evaluate("(el) => getComputedStyle(el).touchAction") == "pan-y pinch-zoom"
    assert pg.locator(f"{MAP} .nsewdrag, {MAP} .draglayer .drag").count() == 0, "Plotly attached no drag handlers"
    box = stage.bounding_box()
    x, y = box["x"] + box["width"] * 0.3, min(box["y"] + box["height"] * 0.5, 700)
    assert y > box["y"] + 20, "the swipe starts on the map"
    scroll = "() => [window.scrollY, document.querySelector('[data-testid=\"stMain\"]').scrollTop]"
    before = pg.evaluate(scroll)
    cdp = pg.context.new_cdp_session(pg)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 13):
        pg.wait_for_timeout(16)
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y - 25 * step}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    pg.wait_for_timeout(600)
    after = pg.evaluate(scroll)
    moved = max(after[0] - before[0], after[1] - before[1])  # Streamlit scrolls its main block, not the window
    assert moved > 150, f"the page did not scroll: {before} -> {after}"
    wait_idle(pg)
    assert pressed_keys(pg) == set() and WORDS.nothing in chosen_line(pg), "a swipe chooses nothing"
    assert_no_exception(pg)


def test_a_tap_in_the_middle_of_any_area_chooses_exactly_it_and_a_second_removes_it(phone: Any, bodymap_server: AppServer) -> None:
    pg = phone
    open_map(pg, bodymap_server.url)
    pg.evaluate(TAP_LOG)
    seen: set[tuple[str, str]] = set()
    for mode in MODES:
        set_mode(pg, mode)
        groups = by_answer(areas_in_view(pg))
        assert groups, mode
        keys = set(groups)
        # The first tap through one area of each answer, the second through its last (for an
        # answer with an area in both views of the whole body, the other view's).
        for areas, shown in (([g[0] for g in groups.values()], keys), ([g[-1] for g in groups.values()], set())):
            tap_all(pg, [a.at for a in areas])
            took = tapped(pg)
            aimed = top_down(areas)
            assert took == aimed, (mode, [(i, a, b) for i, (a, b) in enumerate(zip(took, aimed, strict=False)) if a != b][:5])
            assert pressed_keys(pg) == shown, f"{mode}: shown at once"
            wait_chosen(pg, shown)
            assert pressed_keys(pg) == shown
            seen.update((a.view, a.key) for a in areas)
    every = {(a.view, a.key) for a in ALL_AREAS}
    assert seen == every, f"areas no view lets one tap: {sorted(every - seen)}"
    # From a tap to the map drawn with it (bodymap.js notes it): at once, not after a rerun.
    times = pg.evaluate("() => window.__ntBodymap.shaded")
    print(f"[tap -> shaded] {len(times)} draws after taps: median {statistics.median(times):.1f} ms, max {max(times):.1f} ms")
    assert statistics.median(times) < 150, "a tap is shaded before Python answers"
    draws = pg.evaluate("() => [window.__ntBodymap.plots, window.__ntBodymap.reacts]")
    assert draws[0] == 1 and draws[1] > 0, f"drawn once, then updated in place: {draws}"
    assert_no_exception(pg)


def _inside_at(area: MapArea, distance: float) -> tuple[float, float] | None:
    """A point inside ``area`` about ``distance`` figure units from its nearest edge."""
    poly = np.asarray(area.points, dtype=float)
    (x0, y0), (x1, y1) = poly.min(axis=0), poly.max(axis=0)
    step = max(min(x1 - x0, y1 - y0) / 60, 0.02)
    gx, gy = np.meshgrid(np.arange(x0, x1, step), np.arange(y0, y1, step))
    xs, ys = gx.ravel(), gy.ravel()
    inside = points_in_polygon(xs, ys, poly)
    xs, ys = xs[inside], ys[inside]
    if not len(xs):
        return None
    a, b = poly[:-1], poly[1:]
    d = b - a
    t = np.clip(((xs[:, None] - a[:, 0]) * d[:, 0] + (ys[:, None] - a[:, 1]) * d[:, 1]) / np.maximum((d**2).sum(axis=1), 1e-12), 0, 1)
    dist = np.hypot(xs[:, None] - (a[:, 0] + t * d[:, 0]), ys[:, None] - (a[:, 1] + t * d[:, 1])).min(axis=1)
    best = int(np.abs(dist - distance).argmin())
    if abs(dist[best] - distance) > 0.1 * distance:
        return None
    return float(xs[best]), float(ys[best])


def _scale(pg: Any) -> float:
    """CSS px per figure unit in the current view (equal on both axes)."""
    return float(pg.evaluate(f"() => Math.abs(document.querySelector('{MAP} .js-plotly-plot')._fullLayout.xaxis._m)"))


def test_a_tap_8px_inside_an_areas_edge_chooses_it_and_one_just_outside_snaps(phone: Any, bodymap_server: AppServer) -> None:
    pg = phone
    open_map(pg, bodymap_server.url)
    pg.evaluate(TAP_LOG)
    tried: set[tuple[str, str]] = set()
    for mode in MODES:
        set_mode(pg, mode)
        scale = _scale(pg)
        targets: dict[str, tuple[float, float]] = {}
        for answer, areas in by_answer(areas_in_view(pg)).items():
            for area in areas:  # one area of each answer per pass, so two taps do not cancel out
                point = _inside_at(area, 8 / scale)
                if point is not None and (area.view, answer) not in tried:
                    targets[answer] = point
                    tried.add((area.view, answer))
                    break
        aimed = sorted(targets, key=lambda k: -targets[k][1])
        tap_all(pg, list(targets.values()))
        assert tapped(pg) == aimed, mode
        assert pressed_keys(pg) == set(targets), mode
        wait_chosen(pg, set(targets))
        tap_all(pg, list(targets.values()))
        assert tapped(pg) == aimed, mode
        wait_chosen(pg, set())
    print(f"[8 px inside] {len(tried)} of {len(ALL_AREAS)} areas have such a point in some view, and took the tap")
    assert len(tried) > 50, "most areas have a point 8 px inside their edge in some view"

    # Just outside the body (nothing else near): the nearest area within 10 px, nothing beyond.
    set_mode(pg, "legs_front")
    scale = _scale(pg)
    shin = AREAS["outer_shin:left"]  # the front view's left leg is on the viewer's right
    outer_x = max(x for x, y in shin.points if abs(y - shin.at[1]) < 1.0)
    tap_figure(pg, outer_x + 5 / scale, shin.at[1])
    tap_figure(pg, outer_x + 16 / scale, shin.at[1])
    assert tapped(pg) == ["outer_shin:left", ""], "5 px outside snaps to the area, 16 px outside takes nothing"
    wait_chosen(pg, {"outer_shin:left"})
    assert pressed_keys(pg) == {"outer_shin:left"}
    assert_no_exception(pg)


MEASURE = f"""(rings) => {{
  const gd = document.querySelector('{MAP} .js-plotly-plot');
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  const out = {{}};
  for (const [k, ring] of Object.entries(rings)) {{
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    for (let i = 0; i < ring.length; i += 2) {{
      const px = Math.min(Math.max(xa.l2p(ring[i]), 0), xa._length), py = Math.min(Math.max(ya.l2p(ring[i + 1]), 0), ya._length);
      x0 = Math.min(x0, px); x1 = Math.max(x1, px); y0 = Math.min(y0, py); y1 = Math.max(y1, py);
    }}
    out[k] = [x1 - x0, y1 - y0];
  }}
  return {{sizes: out, scale: Math.abs(xa._m), yscale: Math.abs(ya._m), width: gd.getBoundingClientRect().width}};
}}"""


@functools.cache
def _square(view: str, key: str) -> float:
    return inscribed_square(next(a for a in ALL_AREAS if a.view == view and a.key == key), step=0.15)


def test_every_area_is_at_least_24px_in_the_whole_view_or_a_close_up(phone: Any, bodymap_server: AppServer) -> None:
    pg = phone
    open_map(pg, bodymap_server.url)
    best: dict[tuple[str, str], tuple[float, float, str]] = {}
    report = []
    for mode in MODES:
        set_mode(pg, mode)
        shown = {f"{a.view}:{a.key}": a for a in areas_in_view(pg)}
        measured = pg.evaluate(MEASURE, {uid: [c for p in a.points for c in p] for uid, a in shown.items()})
        assert abs(measured["scale"] - measured["yscale"]) < 1e-6, "the map is not stretched"
        sizes = {uid: (w, h) for uid, (w, h) in measured["sizes"].items()}
        squares = {uid: _square(a.view, a.key) * measured["scale"] for uid, a in shown.items()}
        smallest = min(sizes, key=lambda k: min(sizes[k]))
        tight = min(squares, key=lambda k: squares[k])
        report.append(f"{mode}: map {measured['width']:.0f} px wide, {measured['scale']:.2f} px per unit; smallest box "
                      f"{smallest} {sizes[smallest][0]:.1f} x {sizes[smallest][1]:.1f} px; smallest inscribed square "
                      f"{tight} {squares[tight]:.1f} px")
        for uid, (w, h) in sizes.items():
            area = shown[uid]
            if (area.view, area.key) not in best or min(w, h) > min(best[(area.view, area.key)][:2]):
                best[(area.view, area.key)] = (w, h, mode)
    print("\n[target sizes] " + "\n[target sizes] ".join(report))
    too_small = {k: v for k, v in best.items() if min(v[:2]) < MIN_TARGET}
    assert not too_small, f"areas under {MIN_TARGET} x {MIN_TARGET} px in every view: {too_small}"
    assert set(best) == {(a.view, a.key) for a in ALL_AREAS}


def test_the_map_can_be_used_with_the_keyboard_alone(app_server: AppServer, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script("window.__pointer = 0; for (const t of ['pointerdown', 'mousedown', 'touchstart']) "
                            "document.addEventListener(t, () => { window.__pointer += 1; }, true);")
    pg = context.new_page()
    try:
        open_map(pg, f"{app_server.url}/where")
        # Tab into the map: one Tab stop for all its areas (a roving tabindex).
        for _ in range(80):
            if pg.evaluate("() => !!document.activeElement && document.activeElement.matches('[data-nt=\"region\"]')"):
                break
            pg.keyboard.press("Tab")
        else:
            raise AssertionError("the map's areas cannot be reached with Tab")
        focused = "() => document.activeElement.getAttribute('data-key')"
        first = pg.evaluate(focused)
        ring = pg.evaluate("() => getComputedStyle(document.activeElement).boxShadow")
        assert "rgb(15, 26, 29)" in ring and "rgb(255, 255, 255)" in ring, f"a visible two-colour focus ring: {ring}"
        chosen = []
        for presses in (0, 3, 7):
            for _ in range(presses):
                pg.keyboard.press("ArrowRight")
            area_key = pg.evaluate(focused)
            assert area_key not in chosen
            act(pg, lambda: pg.keyboard.press("Space"))
            chosen.append(area_key)
            button = pg.locator(f'{MAP} [data-nt="region"][data-key="{area_key}"]:not([hidden])')
            expect(button).to_have_attribute("aria-pressed", "true")
            expect(button).to_have_attribute("aria-label", re.compile(re.escape(f"{AREAS[area_key].label}, {WORDS.state_on}")))
            expect(pg.locator(f'{MAP} [data-nt="status"]')).to_have_text(WORDS.added.format(area=AREAS[area_key].label))
        pg.keyboard.press("ArrowDown")
        pg.keyboard.press("ArrowUp")
        assert pg.evaluate("() => document.activeElement.matches('[data-nt=\"region\"]')"), "arrows keep focus in the map"
        wait_chosen(pg, set(chosen))
        # The answers themselves: the Where page's list holds each chosen region.
        tags = pg.locator(key("where:regions")).locator("[data-tag]").evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
        for area_key in chosen:
            if AREAS[area_key].kind == "region":
                assert load_content().region(AREAS[area_key].id).label in tags, (area_key, tags)
        # Tab leaves the map in one press (it is one stop), Shift+Tab comes back to the same area.
        pg.keyboard.press("Tab")
        assert not pg.evaluate("() => document.activeElement.matches('[data-nt=\"region\"]')")
        pg.keyboard.press("Shift+Tab")
        assert pg.evaluate(focused) == chosen[-1]
        assert first == chosen[0]
        assert pg.evaluate("window.__pointer") == 0, "the keyboard alone was used"
        shot(pg, "bodymap-component-keyboard", full_page=False)
        assert_no_exception(pg)
    finally:
        context.close()


def test_the_where_page_with_the_map_has_no_serious_accessibility_violation(app_server: AppServer, phone: Any) -> None:
    pg = phone
    open_map(pg, f"{app_server.url}/where")
    assert blocking_violations(pg, "where (map, phone)") == []
    pg.evaluate(TAP_LOG)
    tap_area(pg, "calf:right")
    tap_area(pg, "low_back:")
    assert tapped(pg) == ["calf:right", "low_back:"]
    wait_chosen(pg, {"calf:right", "low_back:"})
    set_mode(pg, "legs_back")
    wait_idle(pg)
    assert blocking_violations(pg, "where (map close-up, chosen areas)") == []
    root = pg.locator(MAP)
    assert root.get_attribute("role") == "group" and root.get_attribute("aria-label") == WORDS.group_label
    shot(pg, "bodymap-component-where-phone", full_page=False)
    assert_no_exception(pg)


def test_screenshots_of_the_map_at_phone_size(phone: Any, bodymap_server: AppServer) -> None:
    pg = phone
    open_map(pg, bodymap_server.url)
    for area_key in ("outer_shin:left", "calf:right", "heel:right", "low_back:"):
        tap_area(pg, area_key)
    wait_chosen(pg, {"outer_shin:left", "calf:right", "heel:right", "low_back:"})
    pg.evaluate("() => { document.querySelector('[data-testid=\"stMainBlockContainer\"]').style.paddingBottom = ''; }")
    tall_shot(pg, "bodymap-component-phone")
    size = pg.viewport_size
    for mode in MODES:
        set_mode(pg, mode)
        height = pg.locator(MAP).evaluate("(el) => el.getBoundingClientRect().height")
        pg.set_viewport_size({"width": size["width"], "height": int(height) + 400})
        pg.wait_for_timeout(300)
        pg.locator(MAP).scroll_into_view_if_needed()
        pg.locator(MAP).screenshot(path=str(ARTIFACTS / f"bodymap-component-phone-{mode}.png"))
        pg.set_viewport_size(size)
        pg.wait_for_timeout(200)
    assert_no_exception(pg)
