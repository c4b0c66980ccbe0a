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


def tick(pg: Any, widget_key: str) -> None:
    tab_to(pg, f"{key(widget_key)} input[type=checkbox]")
    act(pg, lambda: pg.keyboard.press("Space"))


def slide(pg: Any, widget_key: str, steps: int) -> None:
    tab_to(pg, f'{key(widget_key)} input[type=range], {key(widget_key)} [role="slider"]')
    act(pg, lambda: [pg.keyboard.press("ArrowRight") for _ in range(steps)])
    pg.wait_for_timeout(600)  # each key press may send its own update; let the last one land
    wait_idle(pg)


def next_step(pg: Any, following: str) -> None:
    tab_to(pg, f"{key('nav_next')} button")
    act(pg, lambda: pg.keyboard.press("Enter"))
    pg.wait_for_url(f"**/{following}", timeout=30_000)
    wait_idle(pg)
    assert_no_exception(pg)


def test_the_whole_check_can_be_done_with_the_keyboard_alone(app_server: AppServer, browser: Any) -> None:
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
        act(pg, lambda: pg.keyboard.press("Enter"))
        pg.wait_for_url(f"**/{STEPS[0]}", timeout=30_000)
        wait_idle(pg)

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
        choose_first(pg, "q:sign1.returns_when_running")
        next_step(pg, "sign2")
        choose_first(pg, "q:sign2.qualities")
        next_step(pg, "sign3")
        slide(pg, "q:sign3.variability", 4)
        next_step(pg, "sign4")
        choose_first(pg, "q:sign4.self_press")
        next_step(pg, "sign5")
        choose_first(pg, "q:sign5.sitting")
        next_step(pg, "sign6")
        tick(pg, "q:sign6.imaging:none")
        next_step(pg, "selfcheck")  # open: the safety check was answered at step 2
        tick(pg, "selfcheck:gate_box")
        next_step(pg, "results")

        pg.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
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
        assert answers.sign2.qualities
        assert answers.sign3.variability == 3  # the scale starts at "not answered", then 0, 1, 2, 3
        assert answers.sign4.self_press is not None
        assert answers.sign5.sitting is not None
        assert answers.sign6.imaging == []  # "no scans" ticked
        assert answers.red_flags == [] and not answers.mimics
        shot(pg, "keyboard-results")
        assert pg.evaluate("window.__pointer") == 0, "the flow used the pointer"
    except Exception:
        shot(pg, "FAILED-keyboard")
        raise
    finally:
        context.close()
