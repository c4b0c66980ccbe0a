"""The whole check, from Welcome to Results, done with the keyboard alone.

Only Tab, Shift+Tab, Space, Enter, Escape, arrow keys and typing are used; a listener in
the page counts pointer events and the test fails if any happened. Focus is moved with
Tab until the wanted control has it (as a keyboard user would), so a control that cannot
be reached by Tab fails the test.
"""

from __future__ import annotations

from typing import Any

import pytest

from e2e.conftest import AppServer, act, assert_no_exception, goto_app, key, panel_link, shot, wait_idle
from nervetriage.content import load_content
from nervetriage.share import decode_link, token_from_text
from nervetriage.ui.nav import STEPS
from nervetriage.ui_text import load_ui_text

pytestmark = pytest.mark.browser

UI = load_ui_text()

MAX_TABS = 150
POINTER_SPY = """
window.__pointer = 0;
for (const type of ['pointerdown', 'mousedown', 'touchstart']) {
  document.addEventListener(type, () => { window.__pointer += 1; }, true);
}
"""
def tab_to(pg: Any, css: str, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element matches ``css``."""
    test = "(css) => !!document.activeElement && document.activeElement.matches(css)"
    for _ in range(MAX_TABS):
        if pg.evaluate(test, css):
            return
        pg.keyboard.press("Shift+Tab" if backwards else "Tab")
    raise AssertionError(f"{css} cannot be reached with {'Shift+' if backwards else ''}Tab")


def choose_first(pg: Any, widget_key: str) -> None:
    """Focus the first option of a radio, pills or checkbox widget and press Space."""
    scope = f'[class*="{key(widget_key)[1:]}"]'
    tab_to(pg, f"{scope} input[type=radio], {scope} input[type=checkbox], {scope} button")
    act(pg, lambda: pg.keyboard.press("Space"))


def choose_labelled(pg: Any, widget_key: str, label: str) -> None:
    """Choose the option showing ``label`` in a pills widget (a 0-10 rating, say): Tab into
    the group (one tab stop), the arrow keys to the option, then Space."""
    css = f"{key(widget_key)} button"
    tab_to(pg, css)
    test = "(label) => document.activeElement.innerText.trim() === label"
    for _ in range(20):
        if pg.evaluate(test, label):
            act(pg, lambda: pg.keyboard.press("Space"))
            return
        pg.keyboard.press("ArrowRight")
    raise AssertionError(f"option {label!r} of {widget_key} cannot be reached with the arrow keys")


def tick(pg: Any, widget_key: str) -> None:
    tab_to(pg, f"{key(widget_key)} input[type=checkbox]")
    act(pg, lambda: pg.keyboard.press("Space"))


def slide(pg: Any, widget_key: str, steps: int) -> None:
    tab_to(pg, f'{key(widget_key)} input[type=range], {key(widget_key)} [role="slider"]')
    act(pg, lambda: [pg.keyboard.press("ArrowRight") for _ in range(steps)])
    pg.wait_for_timeout(600)  # each key press may send its own update; let the last one land
    wait_idle(pg)


# The focused element, if it is the first visible heading of the page (null otherwise).
FOCUSED_HEADING = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const first = main && Array.from(main.querySelectorAll('h1, h2')).find(
    (h) => !h.closest('[data-stale="true"]') && h.getClientRects().length > 0);
  return first && document.activeElement === first ? first.innerText : null;
}"""


def assert_focus_on_heading(pg: Any, page_id: str) -> None:
    """After a change of page, keyboard focus is on the new page's first heading."""
    pg.wait_for_function(FOCUSED_HEADING, timeout=10_000)
    heading = pg.evaluate(FOCUSED_HEADING)
    assert heading, f"{page_id}: focus is not on the page's heading"
    focused_headings.append((page_id, heading))


focused_headings: list[tuple[str, str]] = []


def next_step(pg: Any, following: str) -> None:
    tab_to(pg, f"{key('nav_next')} button")
    act(pg, lambda: pg.keyboard.press("Enter"))
    pg.wait_for_url(f"**/{following}", timeout=30_000)
    wait_idle(pg)
    assert_no_exception(pg)
    assert_focus_on_heading(pg, following)


def back_step(pg: Any, previous: str) -> None:
    tab_to(pg, f"{key('nav_back')} button")
    act(pg, lambda: pg.keyboard.press("Enter"))
    pg.wait_for_url(f"**/{previous}", timeout=30_000)
    wait_idle(pg)
    assert_focus_on_heading(pg, previous)


# The outline drawn around the focused control (or, for a radio button or checkbox, around its
# option): [width px, colour], with the page background behind it.
FOCUS_RING = """() => {
  const el = document.activeElement;
  const ringed = el.closest('[data-baseweb="radio"], [data-baseweb="checkbox"]') || el;
  const style = getComputedStyle(ringed);
  return [parseFloat(style.outlineWidth) || 0, style.outlineStyle, style.outlineColor];
}"""


def _luminance(rgb: str) -> float:
    r, g, b = (int(c) / 255 for c in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def assert_focus_ring(pg: Any, what: str, background: str = "rgb(251, 250, 247)") -> None:
    width, style, colour = pg.evaluate(FOCUS_RING)
    assert width >= 2 and style != "none", f"{what}: no visible focus ring ({width}px {style})"
    light, dark = sorted((_luminance(colour), _luminance(background)), reverse=True)
    assert (light + 0.05) / (dark + 0.05) >= 3, f"{what}: focus ring {colour} is under 3:1 against {background}"


def test_the_whole_check_can_be_done_with_the_keyboard_alone(app_server: AppServer, browser: Any) -> None:
    focused_headings.clear()
    content = load_content()
    calf = next(r.label for r in content.regions if r.id == "calf")
    assert content.sites[0].id
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(POINTER_SPY)
    pg = context.new_page()
    try:
        goto_app(pg, app_server.url)

        # Welcome: Tab to Start, Enter.
        tab_to(pg, f"{key('welcome_start')} button")
        assert_focus_ring(pg, "the Start button")
        act(pg, lambda: pg.keyboard.press("Enter"))
        pg.wait_for_url(f"**/{STEPS[0]}", timeout=30_000)
        wait_idle(pg)
        assert_focus_on_heading(pg, STEPS[0])

        # Where: the region list is the keyboard's way into the body map.
        tab_to(pg, f'{key("where:regions")} input[role="combobox"]')
        pg.keyboard.type(calf)
        act(pg, lambda: pg.keyboard.press("Enter"))
        pg.keyboard.press("Escape")
        choose_first(pg, "where:side:calf")
        slide(pg, "where:level:calf", 2)
        choose_first(pg, "q:duration")
        # Back to the region list with Shift+Tab: it now holds the calf.
        tab_to(pg, f'{key("where:regions")} input[role="combobox"]', backwards=True)
        tags = pg.locator(key("where:regions")).locator("[data-tag]")
        assert calf in tags.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
        next_step(pg, "safety")
        tick(pg, "safety:none")
        next_step(pg, "along")

        tick(pg, f"along:{content.sites[0].id}:stiffness")
        next_step(pg, "sign1")
        back_step(pg, "along")  # Back puts focus on the heading too
        next_step(pg, "sign1")
        choose_labelled(pg, "q:sign1.treatments:tried", "Rest")
        choose_labelled(pg, "q:sign1.treatments:rest", UI.labels.outcomes["no_change"])
        choose_first(pg, "q:sign1.returns_when_running")
        assert_focus_ring(pg, "a radio option")
        next_step(pg, "sign2")
        choose_first(pg, "q:sign2.qualities")
        next_step(pg, "sign3")
        choose_labelled(pg, "q:sign3.variability", "3")
        next_step(pg, "sign4")
        choose_first(pg, "q:sign4.self_press")
        next_step(pg, "sign5")
        choose_first(pg, "q:sign5.sitting")
        next_step(pg, "sign6")
        tick(pg, "q:sign6.imaging:none")
        next_step(pg, "selfcheck")  # open: the safety check was answered at step 2
        tick(pg, "selfcheck:gate_box")
        next_step(pg, "results")

        pg.locator(key("results_band")).wait_for(timeout=30_000)  # the summary (the charts are in closed parts)
        text = pg.locator('[data-testid="stMain"]').inner_text()
        assert any(b.label in text for b in content.scoring.bands), "the result band is shown"
        assert UI.results.partial not in text, "every step was answered, so the result is not partial"
        # The share link on Results carries the answers: they are exactly what the keys entered.
        link = panel_link(pg, "results", "?a=")
        answers = decode_link(token_from_text(link)[1])
        assert [(r.region, r.side, r.intensity) for r in answers.regions] == [("calf", "left", 7)]
        assert [(s.site, s.stiffness) for s in answers.sites] == [(content.sites[0].id, True)]
        assert answers.duration is not None
        assert answers.sign1.returns_when_running is not None
        assert answers.sign1.treatments == {"rest": "no_change"}, "what was tried, then how it went"
        assert answers.sign2.qualities
        assert answers.sign3.variability == 3  # the number chosen, not a count of key presses
        assert answers.sign4.self_press is not None
        assert answers.sign5.sitting is not None
        assert answers.sign6.imaging == []  # "no scans" ticked
        assert answers.red_flags == [] and not answers.mimics
        assert [p for p, _ in focused_headings] == [STEPS[0], *STEPS[1:4], "along", *STEPS[3:]], focused_headings
        shot(pg, "keyboard-results")
        # A sidebar link shows its focus ring against the sidebar's colour.
        tab_to(pg, '[data-testid="stSidebar"] .st-key-nt_menu a')
        assert_focus_ring(pg, "a sidebar link", background="rgb(238, 243, 242)")
        assert pg.evaluate("window.__pointer") == 0, "the flow used the pointer"
    except Exception:
        shot(pg, "FAILED-keyboard")
        raise
    finally:
        context.close()
