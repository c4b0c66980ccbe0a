"""The coach's example bar in a real browser: switching examples on the Where page, Presenting."""

from __future__ import annotations

import re
from typing import Any

import pytest

from e2e.conftest import AppServer, act, assert_no_exception, goto_app, key, menu_link, shot, wait_idle, wait_quiet
from nervetriage.examples import load_examples, step_example
from nervetriage.ui_text import load_ui_text

pytestmark = pytest.mark.browser

EXAMPLES = load_examples()
FIRST, SECOND = EXAMPLES[0], step_example(EXAMPLES[0].id, +1)
TEXT = load_ui_text()


def _bar(pg: Any) -> str:
    return str(pg.locator(key("nt_coach_bar")).inner_text())


def _load_first_example(pg: Any, url: str) -> None:
    """Welcome's "Load this example" (the first is preselected when none is loaded), then Where."""
    goto_app(pg, url)
    wait_quiet(pg)
    pg.locator(key("welcome_load_example")).get_by_role("button").click()
    pg.wait_for_url(re.compile(r".*/results$"))
    wait_idle(pg)
    act(pg, menu_link(pg, "where").click)
    pg.wait_for_url(re.compile(r".*/where$"))
    pg.locator(key("nt_coach_bar")).wait_for()
    wait_idle(pg)
    assert FIRST.title in _bar(pg)


def _next_example(pg: Any) -> None:
    """Next example: from an example nobody changed it loads at once, with no question."""
    pg.locator(key("nt_coach_next")).get_by_role("button").click()
    pg.locator(key("nt_coach_bar")).get_by_text(SECOND.title, exact=False).first.wait_for()
    wait_idle(pg)
    assert pg.get_by_role("dialog").count() == 0


def _top_shot(pg: Any, name: str) -> None:
    """A viewport screenshot with the page scrolled back to the bar at the top."""
    pg.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTo(0, 0)")
    pg.wait_for_timeout(300)
    shot(pg, name, full_page=False)


def _picked(pg: Any) -> str:
    """The title the bar's example list shows as chosen."""
    box = pg.locator(key("nt_coach_pick")).get_by_role("combobox")
    return str(box.input_value() or box.get_attribute("aria-label") or "")


def _presenting(pg: Any) -> None:
    act(pg, lambda: pg.locator(key("nt_coach_presenting")).locator("label").click())


def _sidebar_shown(pg: Any) -> bool:
    return bool(pg.locator('[data-testid="stSidebar"]').is_visible())


def test_next_example_on_the_where_page_changes_the_banner_and_stays(app_server: AppServer, page: Any) -> None:
    _load_first_example(page, app_server.url)
    _top_shot(page, "coach-01-where-bar")
    page.locator(key("nt_coach_bar")).get_by_text(TEXT.coach.about).click()
    page.get_by_text(TEXT.coach.expected_heading).wait_for()
    page.wait_for_timeout(500)  # the expander's opening animation
    shot(page, "coach-02-about-open", full_page=False)
    _next_example(page)
    assert SECOND.title in _bar(page) and FIRST.title not in _bar(page)
    assert page.url.endswith("/where"), "switching from the bar stays on the page"
    assert _picked(page) == SECOND.title, "the list shows the current example"
    assert_no_exception(page)


def test_presenting_hides_the_sidebar_and_enlarges_the_text_until_turned_off(app_server: AppServer, page: Any) -> None:
    _load_first_example(page, app_server.url)
    assert _sidebar_shown(page)
    _presenting(page)
    page.wait_for_function("() => getComputedStyle(document.documentElement).fontSize === '20px'")
    assert not _sidebar_shown(page)
    assert page.locator('[data-testid="stExpandSidebarButton"]').count() == 0 or not page.locator(
        '[data-testid="stExpandSidebarButton"]').is_visible()
    _top_shot(page, "coach-03-presenting")
    _presenting(page)
    page.wait_for_function("() => getComputedStyle(document.documentElement).fontSize === '16px'")
    assert _sidebar_shown(page), "turning Presenting off brings the menu back"
    assert_no_exception(page)


def test_the_bar_on_a_phone(app_server: AppServer, phone_page: Any) -> None:
    pg = phone_page
    goto_app(pg, app_server.url)
    wait_quiet(pg)
    pg.locator(key("welcome_load_example")).get_by_role("button").click()
    pg.wait_for_url(re.compile(r".*/results$"))
    pg.locator(key("nt_coach_bar")).wait_for()
    wait_idle(pg)
    _top_shot(pg, "coach-04-phone-bar")
    _next_example(pg)
    assert SECOND.title in _bar(pg) and pg.url.endswith("/results")
    _presenting(pg)
    pg.wait_for_function("() => getComputedStyle(document.documentElement).fontSize === '17px'")
    assert not _sidebar_shown(pg) and not pg.locator('[data-testid="stExpandSidebarButton"]').is_visible()
    steps = [pg.locator(key(k)).bounding_box() for k in ("nt_coach_previous", "nt_coach_next")]
    assert steps[0] and steps[1] and abs(steps[0]["y"] - steps[1]["y"]) < 4, "Previous and Next share a row"
    _top_shot(pg, "coach-05-phone-presenting")
    assert_no_exception(pg)
