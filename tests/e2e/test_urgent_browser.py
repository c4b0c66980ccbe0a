"""The urgent result in headless Chromium: an emergency ticked by clicking on the Safety page,
and an inferred urgent alert opened from a share link, each shown as only the urgent result
(what to do now, a tel: link to call, what to tell the clinician), on desktop and phone.

Screenshots go to artifacts/screenshots/urgent-*.png.
"""

from __future__ import annotations

from typing import Any

import pytest
from urgent_cases import INFERRED

from e2e.conftest import AppServer, act, assert_no_exception, goto_app, key, menu_link, menu_to, open_part, tick_safety, wait_idle
from e2e.test_accessibility_browser import blocking_violations
from e2e.test_wizard_browser import main_text, tall_shot
from nervetriage.content import load_content
from nervetriage.models import Answers
from nervetriage.scoring import assess
from nervetriage.share import encode_link
from nervetriage.ui_text import load_ui_text
from nervetriage.urgent import urgent_flags

pytestmark = pytest.mark.browser

UI = load_ui_text()
CONTENT = load_content()


def call_links(pg: Any) -> list[dict[str, Any]]:
    """Every tel: link on the page: its address, text, and size on screen."""
    return list(pg.evaluate(
        """() => [...document.querySelectorAll('[data-testid="stMain"] a[href^="tel:"]')].map(a => {
             const r = a.getBoundingClientRect();
             return {href: a.getAttribute('href'), text: a.innerText.trim(), width: r.width, height: r.height};
           })"""
    ))


def assert_only_the_urgent_result(pg: Any, number: str = "112") -> None:
    text = main_text(pg)
    for band in CONTENT.scoring.bands:
        assert band.label not in text, band.label
    assert UI.results.score not in text and "/ 100" not in text
    for advice in CONTENT.advice.advice:
        assert advice.title not in text, advice.title
    for nerve in CONTENT.nerves:
        assert nerve.name not in text, nerve.name
    assert pg.locator(".js-plotly-plot").count() == 0, "no chart or body map"
    assert UI.urgent.heading in text and UI.urgent.handover_heading in text
    [link] = call_links(pg)
    assert link["href"] == f"tel:{number}" and link["text"].endswith(f"Call {number}")
    assert link["height"] >= 40 and link["width"] >= 120, f"the call button is too small to tap: {link}"
    assert_no_exception(pg)


def choose_country(pg: Any, label: str) -> None:
    box = pg.locator(key("urgent:country"))
    box.get_by_role("combobox").click()
    act(pg, pg.locator('[role="option"]').filter(has_text=label).first.click)


def continue_to_the_rest(pg: Any) -> None:
    pg.get_by_text(UI.urgent.continue_label).click()
    act(pg, pg.get_by_role("button", name=UI.urgent.continue_button).click)


def test_an_emergency_ticked_on_the_safety_page_leads_to_only_the_urgent_result(app_server: AppServer, page: Any) -> None:
    goto_app(page, f"{app_server.url}/safety")
    tick_safety(page, "safety:red_flags:saddle_numbness")
    link = page.get_by_role("link", name=UI.urgent.banner_link)
    link.wait_for(timeout=30_000)
    tall_shot(page, "urgent-banner-on-safety")
    link.click()
    page.wait_for_url("**/results")
    page.get_by_text(UI.urgent.handover_heading).wait_for(timeout=30_000)
    wait_idle(page)
    assert_only_the_urgent_result(page)
    flag = next(f for f in CONTENT.red_flags.flags if f.id == "saddle_numbness")
    box = page.locator('[data-testid="stAlertContentError"]')
    assert box.count() == 1, "the frame's banner does not repeat the urgent result on Results"
    assert flag.action in box.inner_text()
    tall_shot(page, "urgent-emergency-desktop")
    assert blocking_violations(page, "results (urgent)") == []

    choose_country(page, "United Kingdom")
    assert [c["href"] for c in call_links(page)] == ["tel:999"]
    menu_to(page, "sign1")
    menu_link(page, "results").click()
    page.get_by_text(UI.urgent.handover_heading).wait_for(timeout=30_000)
    wait_idle(page)
    assert [c["href"] for c in call_links(page)] == ["tel:999"], "the choice is kept for the session"
    assert "999" not in page.url

    continue_to_the_rest(page)
    open_part(page, "results_more_nerves")  # no finding yet, so no chart: the body map is the Plotly figure
    page.locator(f"{key('results_more_nerves')} .js-plotly-plot").wait_for(timeout=30_000)
    answers = Answers.model_validate({"red_flags": ["saddle_numbness"], "mimics": []})
    assert assess(answers).band_label in main_text(page)
    assert [c["href"] for c in call_links(page)] == ["tel:999"], "the call button stays at the top"
    tall_shot(page, "urgent-emergency-continued-desktop")


def test_the_emergency_result_on_a_phone(app_server: AppServer, phone_page: Any) -> None:
    pg = phone_page
    goto_app(pg, f"{app_server.url}/safety")
    tick_safety(pg, "safety:red_flags:bladder_change")
    tick_safety(pg, "safety:red_flags:saddle_numbness")
    pg.get_by_role("link", name=UI.urgent.banner_link).click()
    pg.wait_for_url("**/results")
    pg.get_by_text(UI.urgent.handover_heading).wait_for(timeout=30_000)
    wait_idle(pg)
    assert_only_the_urgent_result(pg)
    overflow = pg.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the urgent result scrolls sideways by {overflow}px on a phone"
    tall_shot(pg, "urgent-emergency-phone")


def open_link(pg: Any, url: str) -> None:
    """Open a results link and wait for the run that applies it (it drops ?a= from the address)."""
    goto_app(pg, url)
    pg.wait_for_url(lambda now: "?a=" not in now, timeout=60_000)
    pg.get_by_text(UI.urgent.handover_heading).wait_for(timeout=60_000)
    wait_idle(pg)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_an_inferred_urgent_alert_from_a_share_link_opens_on_the_urgent_result(
    app_server: AppServer, page: Any, phone_page: Any, viewport: str
) -> None:
    pg = page if viewport == "desktop" else phone_page
    value = Answers.model_validate(INFERRED["dvt"])
    assessment = assess(value)
    open_link(pg, f"{app_server.url}/results?a={encode_link(value)}")
    assert_only_the_urgent_result(pg)
    flag = urgent_flags(assessment)[0]
    assert flag.kind == "inferred"
    box = pg.locator('[data-testid="stAlertContentError"]').inner_text()
    assert flag.action in box and flag.reason in box
    for line in assessment.handover:
        assert line in main_text(pg)
    tall_shot(pg, f"urgent-inferred-link-{viewport}")
    if viewport == "desktop":
        assert blocking_violations(pg, "results (urgent, from a link)") == []
