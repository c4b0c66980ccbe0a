"""A scripted walk of each example, clicks and seconds, before and after.

For every example answers file (content/examples/*.json) a fresh headless Chromium context
(1280x900) opens the app's Welcome page, clicks Start and, on each step page, enters that
example's answers by clicking the page's widgets as a person would (never by loading the
example or a link), then presses Next until Results shows. It counts every mouse click and
key press the walk makes (Start, Next and the widgets; scrolling is free) and measures the
seconds from the Start click until Results shows its result heading (the band, or for an
emergency or urgent example the "what to do now" heading that opens Results instead). It
then checks the result Results shows (band and urgency) against the example's
expected_band/expected_urgency, and the answers the tab stored (sessionStorage) against the
example's answers, so a walk that entered wrong answers fails instead of being counted. A
click the app ignored (checked after each one) is clicked again and counted apart, as "lost",
so "clicks" stays what the walk needs.

"Before" is the app at BASELINE_REV (exported with ``git archive`` into a temporary folder
and served from there), "after" is this working tree. Walks alternate before/after per
example (so machine noise hits both) and each runs ``--repeat`` times; the table gives the
median seconds. "seconds" include the waits the walk makes so no click lands while the page
is still being drawn (1 s quiet after each page load, 0.3 s after each widget's rerun);
"app_seconds" in the JSON leaves those fixed waits out.

Run (from the repository root)::

    .venv/bin/python bench/bench_walk.py                      # before and after, 2 repeats
    .venv/bin/python bench/bench_walk.py --only baseline --shots artifacts/walk
    .venv/bin/python bench/bench_walk.py --only current --examples calf-clot-mimic --repeat 1

Writes bench/results/bench_walk.json. One tree's walk runs in its own process
(``bench_walk.py --tree DIR --port N --json OUT --example ID``), with PYTHONPATH=DIR so the
drivers read that tree's own content.

Drivers: WIDGET_DRIVERS (by content Question.kind), OPTION_CLICKERS (how to pick one option
inside a keyed widget, by the Streamlit element found there) and PAGE_DRIVERS (by step page
id). A driver that meets a page or widget it does not understand raises WalkError naming the
page and field; add a driver to the registry for a new kind or page.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
RESULT_FILE = RESULTS / "bench_walk.json"
FAILED_SHOTS = ROOT / "artifacts" / "walk" / "failed"
BASELINE_REV = "6d11c8d"  # the commit before the redesign
FIRST_EXAMPLE = "ultra-fall-top-of-foot"  # the example the --shots walks use, when present
DESKTOP = (1280, 900)
PHONE = (390, 844)
PAGE_QUIET_MS = 1000  # after a page load: past the browser bridge's second run (a click then can be lost)
WIDGET_QUIET_MS = 300  # after a widget's rerun
RERUN_START_MS = 5000  # how long an interaction's rerun may take to start
MAX_RETRIES = 2  # extra clicks allowed when a click did not take (counted as "lost")
WALK_TIMEOUT_S = 420
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
STORE_KEY = "nervetriage:tab"  # the tab's answers (nervetriage/ui/assets/browser_store.js)
NOT_COMPARED = ("origin", "version", "dated", "client", "journal", "note")  # not entered by a walk

# Counts the messages the server sends over the WebSocket (bench_browser.py's RECORDER does
# the same), installed before any page script: a quick rerun's answer arrives without the
# page ever showing data-test-script-state="running".
WS_COUNTER = """
window.__ntMsgs = 0;
const NtOrigWS = window.WebSocket;
window.WebSocket = function (...args) {
  const ws = new NtOrigWS(...args);
  ws.addEventListener('message', () => { window.__ntMsgs += 1; });
  return ws;
};
window.WebSocket.prototype = NtOrigWS.prototype;
Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
"""
RERAN = "() => window.__ntRan === true || (window.__ntMsgs || 0) > window.__ntMsgsAtArm"

# Notes when the script starts running or the server answers, so an interaction can wait for
# the rerun it caused to start (late on a loaded machine) and finish (tests/e2e/conftest.py's
# ARM). A quick run can start and end before the observer's callback reads the attribute, so
# the records' old values count too.
ARM = """() => {
  window.__ntRan = false;
  window.__ntMsgsAtArm = window.__ntMsgs || 0;
  const app = document.querySelector('[data-testid="stApp"]');
  if (window.__ntObs) window.__ntObs.disconnect();
  window.__ntObs = new MutationObserver((records) => {
    if (app.getAttribute('data-test-script-state') === 'running'
        || records.some((r) => r.oldValue === 'running')) window.__ntRan = true;
  });
  window.__ntObs.observe(app, {attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state']});
}"""


class WalkError(RuntimeError):
    """The walk met something it does not know how to drive, or a click never took."""


def key(widget_key: str) -> str:
    """CSS selector of the element Streamlit tags with a widget's key (tests/e2e/conftest.py)."""
    return ".st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", widget_key)


def squash(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------------
# The walk: one browser page, the counters and the waiting.
# ---------------------------------------------------------------------------------------------


class Walk:
    """One example walked through one tree's app. Every click and key press goes through
    ``click``, ``click_at`` or ``press``, which count it."""

    def __init__(self, page: Any, tree: Tree, example: dict[str, Any]) -> None:
        self.page = page
        self.tree = tree
        self.example = example
        self.answers: dict[str, Any] = example["answers"]
        self.clicks = 0  # the clicks and key presses the walk needs
        self.lost = 0  # extra clicks because one did not take (a lost click, re-clicked)
        self.quiet_s = 0.0  # the fixed quiet waits, left out of app_seconds
        self.page_id = "welcome"
        self.claimed: set[str] = set()  # answer fields a driver looked at
        self.pages: dict[str, dict[str, float]] = {}
        self.shots: tuple[Path, str, int] | None = None  # (directory, tree label, width)
        self.actions: list[list[Any]] = []  # [page, what, seconds, whether it caused a rerun] per click
        self._what = ""

    # -- failing loudly
    def fail(self, message: str) -> NoReturn:
        raise WalkError(f"page {self.page_id}: {message}")

    # -- waiting
    def wait_idle(self, timeout: float = 30_000) -> None:
        self.page.wait_for_selector(IDLE, timeout=timeout)
        self.page.wait_for_timeout(150)
        self.page.wait_for_selector(IDLE, timeout=timeout)

    def settle(self, quiet_ms: int, timeout: float = 30_000) -> None:
        """Until the script has stayed idle, and the server silent, for ``quiet_ms`` (conftest.wait_quiet)."""
        deadline = time.monotonic() + timeout / 1000
        while time.monotonic() < deadline:
            self.wait_idle(timeout)
            since = time.monotonic()
            messages = self.messages()
            while time.monotonic() - since < quiet_ms / 1000:
                if self.page.locator(IDLE).count() == 0 or self.messages() != messages:
                    break
                self.page.wait_for_timeout(50)
            else:
                self.quiet_s += quiet_ms / 1000
                return
        self.fail(f"the page never stayed idle for {quiet_ms} ms")

    def messages(self) -> int:
        """How many WebSocket messages the server has sent this page (WS_COUNTER)."""
        return int(self.page.evaluate("() => window.__ntMsgs || 0"))

    def _act(self, action: Callable[[], object], rerun: bool) -> None:
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        t0 = time.perf_counter()
        if not rerun:
            action()
            self.actions.append([self.page_id, self._what, round(time.perf_counter() - t0, 2), None])
            return
        self.page.evaluate(ARM)
        action()
        ran = True
        try:
            self.page.wait_for_function(RERAN, timeout=RERUN_START_MS)
        except PlaywrightTimeout:
            ran = False
        self.settle(WIDGET_QUIET_MS)
        self.actions.append([self.page_id, self._what, round(time.perf_counter() - t0, 2), ran])

    def _counted(self, action: Callable[[], object], rerun: bool, done: Callable[[], bool] | None, what: str) -> None:
        """Do ``action`` (one click or key press); with ``done``, re-do it (a lost click) until done holds."""
        self.clicks += 1
        self._what = what
        self._act(action, rerun)
        if done is None:
            return
        for _ in range(MAX_RETRIES):
            if done():
                return
            self.lost += 1
            self._act(action, rerun)
        if not done():
            self.fail(f"{what}: still not done after {MAX_RETRIES + 1} clicks")

    # -- the counted inputs
    def click(self, locator: Any, *, rerun: bool = True, done: Callable[[], bool] | None = None, what: str = "") -> None:
        """One mouse click on ``locator`` (counted); waits for the rerun it causes."""
        self._counted(locator.click, rerun, done, what or str(locator))

    def click_at(self, x: float, y: float, *, rerun: bool = True, done: Callable[[], bool] | None = None, what: str = "") -> None:
        self._counted(lambda: self.page.mouse.click(x, y), rerun, done, what or f"click at {x:.0f},{y:.0f}")

    def press(self, keys: str, *, rerun: bool = True, what: str = "") -> None:
        """One key press (counted)."""
        self._counted(lambda: self.page.keyboard.press(keys), rerun, None, what or keys)

    # -- finding things
    def widget(self, widget_key: str, field: str = "") -> Any:
        """The element keyed ``widget_key``; fails loudly when the page has none."""
        holder = self.page.locator(key(widget_key))
        if holder.count() == 0:
            self.fail(f"field {field or widget_key}: no widget keyed {widget_key!r} on the page")
        return holder.first

    def claim(self, field: str) -> None:
        self.claimed.add(field)

    def value(self, field: str) -> Any:
        """The example's answer at the dotted ``field`` (None: not answered)."""
        current: Any = self.answers
        for part in field.split("."):
            if not isinstance(current, dict):
                return None
            current = current.get(part)
        return current

    def main_text(self) -> str:
        return squash(str(self.page.locator('[data-testid="stMain"]').inner_text()))

    def shot(self, number: int, page_id: str) -> None:
        if self.shots is None:
            return
        directory, label, width = self.shots
        tall_shot(self.page, directory / f"{label}-{width}-{number:02d}-{page_id}.png")


def tall_shot(page: Any, path: Path) -> None:
    """Streamlit scrolls inside its own container: grow the viewport to the content, then shoot
    (the wizard browser test's way)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(...['stMain', 'stSidebar'].map(id => {"
        " const el = document.querySelector(`[data-testid=\"${id}\"]`);"
        " return el ? el.scrollHeight : 0; }))"
    )
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height) + 40, 8000))})
    page.wait_for_timeout(300)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    page.wait_for_timeout(200)


# ---------------------------------------------------------------------------------------------
# Picking one option inside a keyed widget: by the Streamlit element found there.
# ---------------------------------------------------------------------------------------------


def pick_radio(walk: Walk, holder: Any, label: str, what: str) -> None:
    option = holder.locator('label[data-testid="stRadioOption"]').filter(has=walk.page.get_by_text(label, exact=True))
    if option.count() != 1:
        walk.fail(f"{what}: {option.count()} radio options read {label!r}")
    radio = option.locator("input")
    if radio.is_checked():
        return
    walk.click(option, done=radio.is_checked, what=f"{what} = {label!r}")


def pressed(button: Any) -> bool:
    return "true" in (button.get_attribute("aria-pressed"), button.get_attribute("aria-checked"))


def pick_pill(walk: Walk, holder: Any, label: str, what: str) -> None:
    button = holder.locator("button").filter(has=walk.page.get_by_text(label, exact=True))
    if button.count() != 1:
        walk.fail(f"{what}: {button.count()} pills read {label!r}")
    if pressed(button):
        return
    walk.click(button, done=lambda: pressed(button), what=f"{what} = {label!r}")


OptionClicker = Callable[[Walk, Any, str, str], None]
# The Streamlit element inside the keyed holder (its data-testid) -> how to pick one option of it.
OPTION_CLICKERS: dict[str, OptionClicker] = {
    "stRadio": pick_radio,
    "stButtonGroup": pick_pill,  # st.pills and st.segmented_control
}


def pick_option(walk: Walk, holder: Any, label: str, what: str) -> None:
    """Choose the option reading ``label`` in the widget ``holder``, whatever kind of single choice it is."""
    for testid, clicker in OPTION_CLICKERS.items():
        if holder.locator(f'[data-testid="{testid}"]').count():
            clicker(walk, holder, label, what)
            return
    walk.fail(f"{what}: no option clicker for this widget (OPTION_CLICKERS knows {sorted(OPTION_CLICKERS)})")


def tick(walk: Walk, holder: Any, what: str) -> None:
    """Tick the checkbox in ``holder`` (a click on its label), if it is not ticked yet."""
    box = holder.locator('input[type="checkbox"]')
    if box.count() != 1:
        walk.fail(f"{what}: no checkbox here")
    if box.is_checked():
        return
    walk.click(holder.locator("label").first, done=box.is_checked, what=f"{what} ticked")


def set_slider(walk: Walk, holder: Any, value: int, what: str) -> None:
    """Move a 0-10 slider (st.slider 0..10, or st.select_slider with a "not answered" step
    before 0) to ``value``: one click on the track where the value sits, then arrow keys if
    it landed beside it. 10 is the last step either way."""
    thumb = holder.locator('input[type="range"]')
    if thumb.count() != 1:
        walk.fail(f"{what}: no slider here")
    want = str(value)

    def shown() -> str:
        return str(thumb.get_attribute("aria-valuetext") or thumb.get_attribute("value"))

    if shown() == want:
        return
    top = int(thumb.get_attribute("max") or 10)
    index = top - (10 - value)
    track = holder.locator('[data-testid="stSlider"] [data-orientation="horizontal"][style*="relative"]').first
    track.scroll_into_view_if_needed()
    box = track.bounding_box()
    if box is None:
        walk.fail(f"{what}: the slider's track is not on screen")
    x = min(box["x"] + box["width"] * index / top, box["x"] + box["width"] - 1)
    walk.click_at(x, box["y"] + box["height"] / 2, what=f"{what} = {value}")
    for _ in range(12):
        now = shown()
        if now == want:
            return
        position = int(thumb.get_attribute("value") or 0)
        walk.press("ArrowRight" if position < index else "ArrowLeft", what=f"{what}: nudge to {value}")
    walk.fail(f"{what}: the slider shows {shown()!r}, not {want!r}")


# ---------------------------------------------------------------------------------------------
# WIDGET_DRIVERS: one per content Question.kind. Each gets the example's (non-None) answer.
# ---------------------------------------------------------------------------------------------


def drive_checkbox(walk: Walk, q: Any, value: Any) -> None:
    if value:
        tick(walk, walk.widget(walk.tree.widget_key(q.field), q.field), q.field)


def drive_slider(walk: Walk, q: Any, value: Any) -> None:
    set_slider(walk, walk.widget(walk.tree.widget_key(q.field), q.field), int(value), q.field)


def drive_choice(walk: Walk, q: Any, value: Any) -> None:
    if value not in q.options:
        walk.fail(f"field {q.field}: the example's {value!r} is not an option ({sorted(q.options)})")
    pick_option(walk, walk.widget(walk.tree.widget_key(q.field), q.field), q.options[value], q.field)


def drive_yesno(walk: Walk, q: Any, value: Any) -> None:
    labels = walk.tree.ui.labels
    pick_option(walk, walk.widget(walk.tree.widget_key(q.field), q.field), labels.yes if value else labels.no, q.field)


def drive_multi(walk: Walk, q: Any, value: Any) -> None:
    """Pills for the chosen options; [] is the separate "none of these" box."""
    if value == []:
        tick(walk, walk.widget(walk.tree.widget_key(q.field, "none"), q.field), f"{q.field} (none of these)")
        return
    holder = walk.widget(walk.tree.widget_key(q.field), q.field)
    for option in value:
        if option not in q.options:
            walk.fail(f"field {q.field}: the example's {option!r} is not an option ({sorted(q.options)})")
        pick_pill(walk, holder, q.options[option], q.field)


def drive_rating(walk: Walk, q: Any, value: Any) -> None:
    """A 0-10 rating as a row of number pills (nothing chosen is "not answered")."""
    pick_pill(walk, walk.widget(walk.tree.widget_key(q.field), q.field), str(int(value)), q.field)


def drive_outcomes(walk: Walk, q: Any, value: Any) -> None:
    """One row of pills per treatment tried, keyed q:<field>:<treatment>; where the page first
    asks which were tried (pills keyed q:<field>:tried), those are picked first."""
    outcomes = walk.tree.ui.labels.outcomes
    tried_key = walk.tree.widget_key(q.field, "tried")
    if walk.page.locator(key(tried_key)).count():
        holder = walk.widget(tried_key, f"{q.field} (tried)")
        for treatment in dict(value):
            if treatment not in q.options:
                walk.fail(f"field {q.field}.{treatment}: not offered")
            pick_pill(walk, holder, q.options[treatment], f"{q.field} tried")
    for treatment, outcome in dict(value).items():
        what = f"{q.field}.{treatment}"
        if treatment not in q.options or outcome not in outcomes:
            walk.fail(f"field {what}: the example's {treatment!r}/{outcome!r} is not offered")
        pick_option(walk, walk.widget(walk.tree.widget_key(q.field, treatment), what), outcomes[outcome], what)


WidgetDriver = Callable[[Walk, Any, Any], None]
WIDGET_DRIVERS: dict[str, WidgetDriver] = {
    "checkbox": drive_checkbox,
    "slider": drive_slider,
    "choice": drive_choice,
    "multi": drive_multi,
    "yesno": drive_yesno,
    "outcomes": drive_outcomes,
    "rating": drive_rating,
}


def enter_questions(walk: Walk, questions: list[Any]) -> None:
    """Each content question's answer, in the page's order (a follow-up appears once its lead is answered)."""
    for q in questions:
        walk.claim(q.field)
        value = walk.value(q.field)
        if value is None:
            continue  # not answered in the example: left alone, as a person would
        driver = WIDGET_DRIVERS.get(q.kind)
        if driver is None:
            walk.fail(f"field {q.field}: no driver for widget kind {q.kind!r} (WIDGET_DRIVERS knows {sorted(WIDGET_DRIVERS)})")
        driver(walk, q, value)


# ---------------------------------------------------------------------------------------------
# PAGE_DRIVERS: one per step page id; each enters the example's answers on its page.
# ---------------------------------------------------------------------------------------------


def choose_in_multiselect(walk: Walk, holder: Any, label: str, what: str) -> None:
    """Open the list (its chevron; the first click after the page loads often only focuses the
    field, and a second opens it), scroll to ``label`` and click it. The list stays open."""
    field = holder.get_by_role("combobox")
    chevron = holder.locator("button[aria-haspopup=listbox]")
    tag = holder.locator(f'[data-tag] [title="{label}"]')
    if tag.count():
        return

    def is_open(wait_ms: int = 400) -> bool:
        deadline = time.monotonic() + wait_ms / 1000
        while field.get_attribute("aria-expanded") != "true":
            if time.monotonic() > deadline:
                return False
            walk.page.wait_for_timeout(50)
        return True

    if not is_open(0):  # a first click that only focuses the field counts as lost
        walk.click(chevron, rerun=False, done=is_open, what=f"{what}: open the list")
    listbox = walk.page.locator(f'[role="listbox"][id="{field.get_attribute("aria-controls")}"]')
    if listbox.count() == 0:
        listbox = walk.page.get_by_role("listbox")
    option = listbox.get_by_role("option", name=label, exact=True)
    listbox.evaluate("e => e.scrollTo(0, 0)")
    for _ in range(80):  # a long list is drawn as you scroll (scrolling is free)
        if option.count():
            break
        listbox.evaluate("e => e.scrollBy(0, 120)")
        walk.page.wait_for_timeout(40)
    else:
        walk.fail(f"{what}: the list has no option {label!r}")
    option.scroll_into_view_if_needed()
    walk.click(option, done=lambda: tag.count() > 0, what=f"{what} = {label!r}")


def drive_where(walk: Walk) -> None:
    """Areas from the list (the body map does the same), then side and strength per area, then the story."""
    text = walk.tree.ui.where
    labels = {r.id: r.label for r in walk.tree.content.regions}
    walk.claim("regions")
    regions = list(walk.answers.get("regions") or [])
    ids = [r["region"] for r in regions]
    if len(set(ids)) != len(ids):
        walk.fail("field regions: an area is listed twice; this page keeps one side per area")
    if regions:
        chooser = walk.widget("where:regions", "regions")
        for region in ids:
            if region not in labels:
                walk.fail(f"field regions: no area {region!r} in this tree's content")
            choose_in_multiselect(walk, chooser, labels[region], "regions")
        if chooser.get_by_role("combobox").get_attribute("aria-expanded") == "true":
            walk.press("Escape", rerun=False, what="close the list")
    for entry in regions:
        region = entry["region"]
        pick_option(walk, walk.widget(f"where:side:{region}", "regions.side"), text.sides[entry["side"]], f"regions.{region}.side")
        intensity = entry.get("intensity", 5)
        if intensity is not None:
            set_slider(walk, walk.widget(f"where:level:{region}", "regions.intensity"), int(intensity), f"regions.{region}.intensity")
    enter_questions(walk, walk.tree.content.questions.steps["story"])


def drive_safety(walk: Walk) -> None:
    """The clue questions, then a box per red flag and mimic, or "none of these apply"."""
    enter_questions(walk, walk.tree.content.questions.steps["safety_clues"])
    walk.claim("red_flags")
    walk.claim("mimics")
    flags, mimics = walk.answers.get("red_flags"), walk.answers.get("mimics")
    if flags is None and mimics is None:
        return
    if not flags and not mimics:
        tick(walk, walk.widget("safety:none", "red_flags"), "red_flags (none of these apply)")
        return
    groups = getattr(walk.tree.content.red_flags, "groups", None)  # grouped yes/no questions (after 6d11c8d)
    for field, items in (("red_flags", flags or []), ("mimics", mimics or [])):
        for item in items:
            if groups:  # answer the item's group yes, so its boxes show
                group = next(g for g in groups if item in g.items)
                pick_radio(walk, walk.widget(f"safety:group:{group.id}", f"{field}.{item}"), walk.tree.ui.labels.yes,
                           f"safety group {group.id}")
            tick(walk, walk.widget(f"safety:{field}:{item}", f"{field}.{item}"), f"{field}.{item}")


def drive_along(walk: Walk) -> None:
    """A stiff and a painful box per site along the nerve, then the neck questions."""
    walk.claim("sites")
    for site in walk.answers.get("sites") or []:
        for what in ("stiffness", "pain"):
            if site.get(what):
                tick(walk, walk.widget(f"along:{site['site']}:{what}", f"sites.{site['site']}.{what}"), f"sites.{site['site']}.{what}")
    enter_questions(walk, walk.tree.content.questions.steps["along_the_nerve"])


def drive_selfcheck(walk: Walk) -> None:
    """Optional: skipped unless the example did (or chose to skip) the self-check."""
    text = walk.tree.ui.selfcheck
    walk.claim("slump.done")
    slump = walk.answers.get("slump")
    if slump is None:
        for q in walk.tree.content.questions.slump_criteria:
            walk.claim(q.field)
        return
    if walk.page.locator(key("selfcheck:gate_box")).count() == 0:
        walk.fail("field slump: the example did the self-check but the page shows no gate box (locked or blocked)")
    tick(walk, walk.widget("selfcheck:gate_box", "slump"), "slump (gate)")
    pick_option(walk, walk.widget("selfcheck:choice", "slump.done"), text.choice_done if slump.get("done") else text.choice_skip,
                "slump.done")
    if slump.get("done"):
        enter_questions(walk, walk.tree.content.questions.slump_criteria)
    else:
        for q in walk.tree.content.questions.slump_criteria:
            walk.claim(q.field)


def sign_driver(number: int) -> Callable[[Walk], None]:
    def drive_sign(walk: Walk) -> None:
        enter_questions(walk, walk.tree.content.sign(number).questions)

    drive_sign.__name__ = f"drive_sign{number}"
    return drive_sign


PageDriver = Callable[[Walk], None]
PAGE_DRIVERS: dict[str, PageDriver] = {
    "where": drive_where,
    "safety": drive_safety,
    "along": drive_along,
    **{f"sign{n}": sign_driver(n) for n in range(1, 7)},
    "selfcheck": drive_selfcheck,
}


# ---------------------------------------------------------------------------------------------
# Results: the heading that stops the clock, then what the page shows.
# ---------------------------------------------------------------------------------------------

RESULT_HEADING = f"{key('results_band')} :is(h1, h2, h3), {key('urgent_result')} :is(h1, h2, h3)"


def read_results(walk: Walk) -> dict[str, Any]:
    """Band and urgency as Results shows them. An emergency or urgent result shows no band until
    the person asks for the rest: those two clicks are the check's, not the walk's (not counted)."""
    page, tree = walk.page, walk.tree
    bands = {squash(b.label): b.id for b in tree.content.scoring.bands}
    urgent = page.locator(key("urgent_result"))
    verify_clicks = 0
    if urgent.count():
        text = squash(str(urgent.inner_text()))
        leads = tree.ui.urgent.call_lead
        if squash(leads.emergency) in text:
            urgency = "emergency"
        elif squash(leads.urgent) in text:
            urgency = "urgent"
        else:
            walk.fail("the urgent result names neither an emergency nor an urgent call lead")
        page.locator('[data-testid="stExpander"] summary').filter(has_text=tree.ui.urgent.continue_label).first.click()
        page.get_by_role("button", name=tree.ui.urgent.continue_button).click()
        verify_clicks = 2
        page.locator(f"{key('results_band')} :is(h2, h3)").first.wait_for(timeout=30_000)
        walk.wait_idle()
    else:
        professional = squash(tree.content.red_flags.urgency_messages["professional"])
        urgency = "professional" if professional in walk.main_text() else "none"
    heading = squash(str(page.locator(f"{key('results_band')} :is(h2, h3)").first.inner_text()))
    band = bands.get(heading)
    if band is None:
        walk.fail(f"the band heading {heading!r} is none of this tree's bands {sorted(bands)}")
    return {"band": band, "urgency": urgency, "verify_clicks": verify_clicks}


# ---------------------------------------------------------------------------------------------
# The answers the tab stored, against the example's.
# ---------------------------------------------------------------------------------------------


def normal(value: Any) -> Any:
    """Lists compared as sets of their items (the order a list is kept in is no answer)."""
    if isinstance(value, dict):
        return {k: normal(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [normal(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    return value


def flat(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict) and value:
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(flat(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    return {prefix: value}


def comparable(tree: Tree, data: dict[str, Any]) -> dict[str, Any]:
    answers = tree.answers_model.model_validate(data)
    dumped = answers.model_dump(mode="json")
    return normal({k: v for k, v in dumped.items() if k not in NOT_COMPARED})


def stored_answers(tree: Tree, raw: str | None) -> dict[str, Any]:
    if not raw:
        raise ValueError(f"sessionStorage holds no {STORE_KEY!r}")
    body = json.loads(raw).get("answers")
    if not isinstance(body, dict):
        raise ValueError("the stored record holds no answers")
    if tree.read_answers_file is not None:
        answers = tree.read_answers_file(json.dumps(body).encode("utf-8"))
        return comparable(tree, answers.model_dump(mode="json"))
    return comparable(tree, body)


def answers_diff(walk: Walk, timeout_s: float = 6.0) -> tuple[str, list[str]]:
    """("match" | "differs" | "unavailable: why", the differing fields). The bridge writes after
    the run that changed the answers, so a read may lag: read again until they agree."""
    expected = flat(comparable(walk.tree, walk.answers))
    deadline = time.monotonic() + timeout_s
    diff: list[str] = []
    while True:
        try:
            got = flat(stored_answers(walk.tree, walk.page.evaluate(f"() => sessionStorage.getItem('{STORE_KEY}')")))
        except Exception as exc:
            if time.monotonic() > deadline:
                return f"unavailable: {type(exc).__name__}: {exc}", []
        else:
            diff = [f"{path}: example {expected.get(path)!r}, entered {got.get(path)!r}"
                    for path in sorted(set(expected) | set(got)) if expected.get(path) != got.get(path)]
            if not diff or time.monotonic() > deadline:
                return ("match" if not diff else "differs"), diff
        walk.page.wait_for_timeout(300)


def unclaimed(walk: Walk) -> list[str]:
    """Answered fields of the example that no page driver looked at."""

    def leaves(value: Any, prefix: str) -> Iterator[str]:
        if prefix in walk.claimed:
            return
        if isinstance(value, dict):
            for k, v in value.items():
                yield from leaves(v, f"{prefix}.{k}" if prefix else str(k))
        elif value is not None and prefix:
            yield prefix

    return sorted(leaves({k: v for k, v in walk.answers.items() if k not in NOT_COMPARED}, ""))


# ---------------------------------------------------------------------------------------------
# One tree: its content and text, read from that tree (this process runs with PYTHONPATH=tree).
# ---------------------------------------------------------------------------------------------


class Tree:
    def __init__(self, directory: Path) -> None:
        import nervetriage
        from nervetriage.content import load_content
        from nervetriage.models import Answers
        from nervetriage.ui_text import load_ui_text

        self.directory = directory.resolve()
        self.package = Path(nervetriage.__file__).resolve()
        if self.directory not in self.package.parents:
            raise WalkError(f"nervetriage comes from {self.package}, not from the tree {self.directory} (PYTHONPATH?)")
        self.content = load_content()
        self.ui = load_ui_text()
        self.answers_model = Answers
        try:
            from nervetriage.ui.nav import STEPS

            self.steps: tuple[str, ...] = tuple(STEPS)
        except ImportError:
            from nervetriage.ui_text import PAGE_IDS

            self.steps = tuple(PAGE_IDS[1 : PAGE_IDS.index("results") + 1])
        try:
            from nervetriage.ui.widgets import widget_key

            self._widget_key: Callable[..., str] = widget_key
        except ImportError:
            self._widget_key = lambda field, suffix="": f"q:{field}{':' + suffix if suffix else ''}"
        try:
            from nervetriage.share import read_answers_file

            self.read_answers_file: Callable[[bytes], Any] | None = read_answers_file
        except ImportError:
            self.read_answers_file = None

    def widget_key(self, field: str, suffix: str = "") -> str:
        return self._widget_key(field, suffix)

    def example(self, example_id: str) -> dict[str, Any]:
        path = self.directory / "content" / "examples" / f"{example_id}.json"
        if not path.exists():
            raise WalkError(f"this tree has no example {example_id!r} ({path})")
        data: dict[str, Any] = json.loads(path.read_text())
        return data


def walk_example(browser: Any, url: str, tree: Tree, example_id: str, viewport: tuple[int, int],
                 shots: tuple[Path, str] | None = None) -> dict[str, Any]:
    """Welcome, Start, every step's answers and Next, up to Results; then the checks."""
    example = tree.example(example_id)
    phone = viewport[0] < 600
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]}, is_mobile=phone, has_touch=phone,
                                  device_scale_factor=2 if phone else 1)
    context.add_init_script(WS_COUNTER)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    walk = Walk(page, tree, example)
    if shots is not None:
        walk.shots = (shots[0], shots[1], viewport[0])
    out: dict[str, Any] = {"example": example_id, "viewport": list(viewport), "ok": False, "failures": []}
    try:
        page.goto(url)
        page.locator('[data-testid="stMain"] [data-testid="stElementContainer"]').first.wait_for(timeout=60_000)
        walk.settle(PAGE_QUIET_MS)
        walk.shot(0, "welcome")
        quiet_before = walk.quiet_s
        seconds = quiet = 0.0
        t0 = time.perf_counter()
        page_start = t0
        clicks_at_page = 0
        start = walk.widget("welcome_start").get_by_role("button")
        walk.click(start, rerun=False, what="Start")
        arrive(walk, tree.steps[0], start)
        walk.pages["welcome"] = {"clicks": walk.clicks, "seconds": round(time.perf_counter() - t0, 2)}
        clicks_at_page, page_start = walk.clicks, time.perf_counter()
        for number, page_id in enumerate(tree.steps, start=1):
            walk.page_id = page_id
            if page_id == tree.steps[-1]:
                page.locator(RESULT_HEADING).first.wait_for(timeout=60_000)
                seconds = time.perf_counter() - t0
                walk.pages[page_id] = {"clicks": 0, "seconds": round(time.perf_counter() - page_start, 2)}
                quiet = walk.quiet_s - quiet_before
                walk.settle(PAGE_QUIET_MS)
                break
            driver = PAGE_DRIVERS.get(page_id)
            if driver is None:
                walk.fail(f"no driver for this page (PAGE_DRIVERS knows {sorted(PAGE_DRIVERS)})")
            driver(walk)
            page.evaluate("() => document.activeElement && document.activeElement.blur()")
            walk.shot(number, page_id)
            forward = walk.widget("nav_next").get_by_role("button")
            walk.click(forward, rerun=False, what="Next")
            walk.pages[page_id] = {"clicks": walk.clicks - clicks_at_page, "seconds": round(time.perf_counter() - page_start, 2)}
            clicks_at_page, page_start = walk.clicks, time.perf_counter()
            # Results: the clock stops at its heading, not after the page has settled
            arrive(walk, tree.steps[number], forward, settle=number < len(tree.steps) - 1)
        else:
            walk.fail("the steps ended without Results")
        shown = read_results(walk)
        walk.shot(len(tree.steps), tree.steps[-1])
        check, diff = answers_diff(walk)
        out.update(
            clicks=walk.clicks, lost=walk.lost, seconds=round(seconds, 2), quiet_seconds=round(quiet, 2),
            app_seconds=round(seconds - quiet, 2), pages=walk.pages, band=shown["band"], urgency=shown["urgency"],
            verify_clicks=shown["verify_clicks"], actions=walk.actions, expected_band=example.get("expected_band"),
            expected_urgency=example.get("expected_urgency"), answers_check=check, answers_diff=diff,
        )
        if shown["band"] != example.get("expected_band"):
            out["failures"].append(f"band: Results shows {shown['band']!r}, the example expects {example.get('expected_band')!r}")
        if shown["urgency"] != example.get("expected_urgency"):
            out["failures"].append(f"urgency: Results shows {shown['urgency']!r}, the example expects {example.get('expected_urgency')!r}")
        if check == "differs":
            out["failures"].append(f"answers: the tab holds other answers than the example's: {diff}")
        missing = unclaimed(walk)
        if missing:
            out["failures"].append(f"answers no page driver entered: {missing}")
        if check.startswith("unavailable"):
            out["warnings"] = [f"stored answers not compared ({check})"]
        out["ok"] = not out["failures"]
    except Exception as exc:
        out["failures"].append(f"{type(exc).__name__}: {exc}".strip()[:2000])
        out.update(clicks=walk.clicks, lost=walk.lost, pages=walk.pages, failed_at=walk.page_id, actions=walk.actions)
        with contextlib.suppress(Exception):
            FAILED_SHOTS.mkdir(parents=True, exist_ok=True)
            name = f"{shots[1] if shots else 'walk'}-{viewport[0]}-{example_id}-{walk.page_id}.png"
            page.screenshot(path=str(FAILED_SHOTS / name), full_page=True)
            out["failure_shot"] = str(FAILED_SHOTS / name)
    finally:
        out["page_errors"] = errors
        context.close()
    return out


def arrive(walk: Walk, page_id: str, button: Any, settle: bool = True) -> None:
    """After Start or Next: the next page's URL and its first element, then (``settle``) the
    page quiet. A lost click (still on the old page) is clicked again, counted as lost."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    walk.page_id = page_id
    pattern = re.compile(rf"/{re.escape(page_id)}(\?.*)?$")
    for attempt in range(MAX_RETRIES + 1):
        try:
            walk.page.wait_for_url(pattern, timeout=15_000)
            break
        except PlaywrightTimeout:
            if attempt == MAX_RETRIES or button.count() == 0:
                walk.fail(f"never arrived (the browser is at {walk.page.url})")
            walk.lost += 1
            button.click()
    walk.page.locator('[data-testid="stMain"] [data-testid="stElementContainer"]').first.wait_for(timeout=60_000)
    if settle:
        walk.settle(PAGE_QUIET_MS)


def warm_up(browser: Any, url: str, tree: Tree) -> None:
    """Every step page opened once, so the first timed walk does not pay for cold imports."""
    context = browser.new_context(viewport={"width": DESKTOP[0], "height": DESKTOP[1]})
    page = context.new_page()
    try:
        for page_id in ("", *tree.steps):
            page.goto(f"{url}/{page_id}")
            page.locator('[data-testid="stMain"] [data-testid="stElementContainer"]').first.wait_for(timeout=90_000)
            page.wait_for_selector(IDLE, timeout=60_000)
    finally:
        context.close()


def serving(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=2) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False


def child_main(args: argparse.Namespace) -> int:
    """One tree, one walk (or the warm-up): ``--tree DIR --port N --json OUT``."""
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tests"))
    from support.streamlit_server import CHROMIUM, CHROMIUM_ARGS

    directory = Path(args.tree).resolve()
    result: dict[str, Any] = {"tree": str(directory), "label": args.label}
    server = None
    try:
        tree = Tree(directory)
        result["nervetriage"] = str(tree.package)
        port = args.port
        if not port or not serving(port):
            server = start_server(directory, port)
            port = server.port
        url = f"http://localhost:{port}"
        viewport = tuple(int(v) for v in args.viewport.split("x"))
        shots = (Path(args.shots).resolve(), args.label) if args.shots else None
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            result["chromium"] = browser.version
            if args.warmup:
                warm_up(browser, url, tree)
                result["ok"] = True
            else:
                result.update(walk_example(browser, url, tree, args.example, (viewport[0], viewport[1]), shots))
            browser.close()
    except Exception as exc:
        result.setdefault("failures", []).append(f"{type(exc).__name__}: {exc}"[:2000])
        result["ok"] = False
    finally:
        if server is not None:
            server.stop()
    Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    return 0 if result.get("ok") else 1


# ---------------------------------------------------------------------------------------------
# The parent: both trees, their servers, interleaved walks, the table.
# ---------------------------------------------------------------------------------------------


def tree_env(directory: Path) -> dict[str, str]:
    """The tree's own nervetriage first (PYTHONPATH beats the editable install of /work/main)."""
    return {**os.environ, "PYTHONPATH": str(directory)}


def start_server(directory: Path, port: int | None = None) -> Any:
    """``python -m streamlit run app.py`` in ``directory`` (tests/support/streamlit_server.py)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from support.streamlit_server import StreamlitServer

    log = Path(tempfile.mkstemp(prefix="bench-walk-server-", suffix=".log")[1])
    server = StreamlitServer("app.py", log_path=log, cwd=directory, env={"PYTHONPATH": str(directory)})
    if port:
        server.port, server.url = port, f"http://localhost:{port}"
    server.start(timeout=90)
    return server


def export_tree(rev: str, into: Path) -> Path:
    """``git archive REV | tar -x`` into a fresh folder, with the body map's plotly.js put in place."""
    directory = into / f"tree-{rev}"
    directory.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(directory)], input=archive, check=True)
    subprocess.run([sys.executable, "-m", "nervetriage.ui.plotly_asset"], cwd=directory, env=tree_env(directory), check=True,
                   capture_output=True)
    return directory


PREFLIGHT = """import json, nervetriage, nervetriage.ui.nav as nav
print(json.dumps({"package": nervetriage.__file__, "pages": str(nav.PAGES_DIR), "steps": list(nav.STEPS)}))"""


def preflight(directory: Path) -> dict[str, Any]:
    """What the server will import, run the way it runs (same python, cwd and PYTHONPATH): its
    nervetriage and the page files it serves must be the tree's own."""
    proc = subprocess.run([sys.executable, "-c", PREFLIGHT], cwd=directory, env=tree_env(directory), capture_output=True, text=True,
                          check=False)
    if proc.returncode:
        raise SystemExit(f"{directory}: the app does not import:\n{proc.stderr[-3000:]}")
    info: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    for what in ("package", "pages"):
        if directory.resolve() not in Path(info[what]).resolve().parents:
            raise SystemExit(f"{directory}: the app would use {info[what]} ({what}), not this tree's")
    if not any((Path(info["pages"]) / f"{p}.py").exists() for p in info["steps"]):
        raise SystemExit(f"{directory}: no page files in {info['pages']}")
    return info


def run_child(directory: Path, label: str, port: int, *extra: str) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(prefix="bench-walk-", suffix=".json", delete=False) as handle:
        out = Path(handle.name)
    command = [sys.executable, str(Path(__file__).resolve()), "--tree", str(directory), "--port", str(port), "--label", label,
               "--json", str(out), *extra]
    try:
        proc = subprocess.run(command, cwd=ROOT, env=tree_env(directory), timeout=WALK_TIMEOUT_S, capture_output=True, text=True,
                              check=False)
        data: dict[str, Any] = json.loads(out.read_text()) if out.stat().st_size else {}
        if not data:
            data = {"ok": False, "failures": [f"the walk process wrote nothing (exit {proc.returncode}): {proc.stderr[-2000:]}"]}
    except subprocess.TimeoutExpired:
        data = {"ok": False, "failures": [f"the walk took over {WALK_TIMEOUT_S} s"]}
    finally:
        out.unlink(missing_ok=True)
    return data


def example_ids(directories: list[Path], only: list[str]) -> list[str]:
    ids = sorted({p.stem for d in directories for p in (d / "content" / "examples").glob("*.json")})
    if only:
        unknown = sorted(set(only) - set(ids))
        if unknown:
            raise SystemExit(f"no such example: {unknown} (there are {ids})")
        ids = [i for i in ids if i in only]
    if FIRST_EXAMPLE in ids:
        ids.remove(FIRST_EXAMPLE)
        ids.insert(0, FIRST_EXAMPLE)
    return ids


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    ok = [r for r in runs if r.get("ok")]
    row: dict[str, Any] = {"runs": len(runs), "ok_runs": len(ok), "ok": bool(runs) and len(ok) == len(runs)}
    if ok:
        clicks = sorted({int(r["clicks"]) for r in ok})
        row.update(
            clicks=clicks[0] if len(clicks) == 1 else statistics.median(clicks),
            clicks_seen=clicks,
            lost=statistics.median(int(r.get("lost", 0)) for r in ok),  # per walk
            seconds=round(statistics.median(float(r["seconds"]) for r in ok), 2),
            app_seconds=round(statistics.median(float(r["app_seconds"]) for r in ok), 2),
            seconds_all=[r["seconds"] for r in ok],
            band=ok[0].get("band"), urgency=ok[0].get("urgency"),
            pages={p: v["clicks"] for p, v in ok[0].get("pages", {}).items()},
        )
    failures = [f for r in runs for f in r.get("failures", [])]
    if failures:
        row["failures"] = failures
    return row


def ratio(after: Any, before: Any) -> float | None:
    return round(after / before, 3) if isinstance(after, (int, float)) and isinstance(before, (int, float)) and before else None


def cell(value: Any, fmt: str = "{}") -> str:
    return "-" if value is None else fmt.format(value)


def print_table(examples: dict[str, dict[str, Any]], totals: dict[str, Any]) -> None:
    head = f"{'example':28s} {'clicks before':>13s} {'clicks after':>12s} {'s before':>9s} {'s after':>8s} {'after/before':>12s}"
    print("\n" + head + "\n" + "-" * len(head))
    for example_id, row in examples.items():
        before, after = row.get("before", {}), row.get("after", {})

        def show(side: dict[str, Any], field: str, fmt: str = "{}") -> str:
            if side and not side.get("ok"):
                return "FAILED"
            return cell(side.get(field), fmt)

        print(f"{example_id:28s} {show(before, 'clicks'):>13s} {show(after, 'clicks'):>12s} {show(before, 'seconds', '{:.1f}'):>9s} "
              f"{show(after, 'seconds', '{:.1f}'):>8s} {cell(row.get('seconds_ratio'), '{:.2f}'):>12s}")
    print("-" * len(head))
    b, a = totals.get("before", {}), totals.get("after", {})
    print(f"{'total (ok walks)':28s} {cell(b.get('clicks')):>13s} {cell(a.get('clicks')):>12s} {cell(b.get('seconds'), '{:.1f}'):>9s} "
          f"{cell(a.get('seconds'), '{:.1f}'):>8s} {cell(totals.get('seconds_ratio'), '{:.2f}'):>12s}")
    for example_id, row in examples.items():
        for side in ("before", "after"):
            for failure in list(dict.fromkeys(row.get(side, {}).get("failures", [])))[:3]:
                print(f"  {side} {example_id}: {failure[:400]}")


def parent_main(args: argparse.Namespace) -> int:
    chosen = ["baseline", "current"] if args.only == "both" else [args.only]
    work = Path(tempfile.mkdtemp(prefix="bench-walk-"))
    servers: dict[str, Any] = {}
    trees: dict[str, Path] = {}
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    load_start = [round(x, 2) for x in os.getloadavg()]
    try:
        if "baseline" in chosen:
            trees["before"] = export_tree(args.baseline, work)
        if "current" in chosen:
            trees["after"] = ROOT
        info = {label: preflight(directory) for label, directory in trees.items()}
        for label, directory in trees.items():
            print(f"{label}: serving {directory} (nervetriage from {info[label]['package']}, pages from {info[label]['pages']})",
                  flush=True)
            servers[label] = start_server(directory)
        ids = example_ids(list(trees.values()), args.examples or [])
        for label, directory in trees.items():
            warm = run_child(directory, label, servers[label].port, "--warmup")
            if not warm.get("ok"):
                print(f"{label}: warm-up failed: {warm.get('failures')}", flush=True)
        runs: dict[str, dict[str, list[dict[str, Any]]]] = {i: {label: [] for label in trees} for i in ids}
        labels = list(trees)
        for rep in range(args.repeat):
            for n, example_id in enumerate(ids):
                order = labels if (n + rep) % 2 == 0 else labels[::-1]
                for label in order:
                    run = run_child(trees[label], label, servers[label].port, "--example", example_id)
                    runs[example_id][label].append(run)
                    state = "ok" if run.get("ok") else "FAILED"
                    print(f"[{rep + 1}/{args.repeat}] {label:6s} {example_id:28s} {state:6s} clicks {run.get('clicks')} "
                          f"lost {run.get('lost')} {run.get('seconds', '-')} s  {'; '.join(run.get('failures', []))[:300]}",
                          flush=True)
        shot_walks: dict[str, Any] = {}
        if args.shots and ids:
            directory = Path(args.shots).resolve()
            if directory.exists() and not args.keep_shots:  # this run's trees' old shots only
                for old in (p for label in trees for p in directory.glob(f"{label}-*.png")):
                    old.unlink()
            for label in trees:
                for width, height in (DESKTOP, PHONE):
                    run = run_child(trees[label], label, servers[label].port, "--example", ids[0], "--viewport",
                                    f"{width}x{height}", "--shots", str(directory))
                    shot_walks[f"{label}-{width}"] = {"ok": run.get("ok"), "failures": run.get("failures", [])}
                    print(f"shots {label} {width}x{height}: {'ok' if run.get('ok') else run.get('failures')}", flush=True)
    finally:
        for server in servers.values():
            server.stop()
        shutil.rmtree(work, ignore_errors=True)

    examples: dict[str, dict[str, Any]] = {}
    for example_id, by_label in runs.items():
        row: dict[str, Any] = {label: summary(r) for label, r in by_label.items()}
        before, after = row.get("before", {}), row.get("after", {})
        row["clicks_ratio"] = ratio(after.get("clicks"), before.get("clicks"))
        row["seconds_ratio"] = ratio(after.get("seconds"), before.get("seconds"))
        row["raw"] = by_label
        examples[example_id] = row
    totals: dict[str, Any] = {}
    both_ok = [e for e, r in examples.items() if all(r.get(label, {}).get("ok") for label in trees)]
    for label in trees:
        rows = [examples[e][label] for e in both_ok]
        totals[label] = {
            "examples_ok": sum(1 for r in examples.values() if r[label].get("ok")),
            "examples": len(examples),
            "clicks": sum(r["clicks"] for r in rows) if rows else None,
            "seconds": round(sum(r["seconds"] for r in rows), 2) if rows else None,
            "app_seconds": round(sum(r["app_seconds"] for r in rows), 2) if rows else None,
            "lost": sum(r["lost"] for r in rows) if rows else None,
        }
    totals["over_examples"] = both_ok
    totals["clicks_ratio"] = ratio(totals.get("after", {}).get("clicks"), totals.get("before", {}).get("clicks"))
    totals["seconds_ratio"] = ratio(totals.get("after", {}).get("seconds"), totals.get("before", {}).get("seconds"))
    result = {
        "baseline_rev": args.baseline,
        "only": args.only,
        "repeat": args.repeat,
        "generated_at": started,
        "waits": {"page_quiet_ms": PAGE_QUIET_MS, "widget_quiet_ms": WIDGET_QUIET_MS},
        "examples": examples,
        "totals": totals,
        "shot_walks": shot_walks,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "chromium": next((r.get("chromium") for e in runs.values() for rs in e.values() for r in rs if r.get("chromium")), None),
            "load_avg_at_start": load_start,
            "load_avg_at_end": [round(x, 2) for x in os.getloadavg()],
        },
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = Path(args.out) if args.out else RESULT_FILE
    out.write_text(json.dumps(result, indent=2) + "\n")
    print_table(examples, totals)
    print(f"\nwrote {out}")
    failed = [e for e, r in examples.items() for label in trees if not r[label].get("ok")]
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--baseline", default=BASELINE_REV, help=f"the revision walked as 'before' (default {BASELINE_REV})")
    parser.add_argument("--only", choices=["baseline", "current", "both"], default="both")
    parser.add_argument("--repeat", type=int, default=2, help="timed walks per example and tree (median reported)")
    parser.add_argument("--examples", nargs="*", help="example ids to walk (default: all)")
    parser.add_argument("--shots", help="save every step page of the first example at 1280x900 and 390x844 here")
    parser.add_argument("--keep-shots", action="store_true", help="do not first remove the old shots of the trees walked")
    parser.add_argument("--out", help=f"result file (default {RESULT_FILE.relative_to(ROOT)})")
    # one tree's walk, run by the parent in its own process
    parser.add_argument("--tree", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    parser.add_argument("--label", default="walk", help=argparse.SUPPRESS)
    parser.add_argument("--example", default=FIRST_EXAMPLE, help=argparse.SUPPRESS)
    parser.add_argument("--viewport", default=f"{DESKTOP[0]}x{DESKTOP[1]}", help=argparse.SUPPRESS)
    parser.add_argument("--warmup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.tree:
        if not args.json:
            parser.error("--tree needs --json OUT")
        return child_main(args)
    return parent_main(args)


if __name__ == "__main__":
    sys.exit(main())
