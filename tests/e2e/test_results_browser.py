"""Results on a phone and a desktop, in headless Chromium: the summary first, the detail in parts.

Phone first (issue 15): at 390x844 the band, why (the strongest reasons) and what to do next
are within the first two screens of a results link; the chart, the nerves and body map, all
the steps and the caveats are in parts opened on request, and the body map drawn in a part
opened later has its full size. Pictures of the page (closed and opened) go to
artifacts/screenshots/results-*.png for a person to look at.
"""

from __future__ import annotations

from typing import Any

import pytest

from e2e.conftest import ARTIFACTS, RESULTS_PARTS, AppServer, assert_no_exception, key, open_part, tall_shot, wait_idle
from e2e.test_sharing_browser import open_url
from nervetriage.examples import get_example
from nervetriage.models import Answers
from nervetriage.scoring import assess
from nervetriage.share import encode_link
from nervetriage.ui.results_view import top_reasons
from nervetriage.ui.sharing import SHARE_ANCHOR
from nervetriage.ui_text import load_ui_text

pytestmark = pytest.mark.browser

UI = load_ui_text()
PHONE_HEIGHT = 844
MAIN = '[data-testid="stMain"]'


def _own_link() -> Answers:
    """A runner's own results link: the ultrarunner example's answers without the example's
    name (an example adds the coach's example bar above the page, which is not the result)."""
    return get_example("ultra-fall-top-of-foot").fresh_answers().model_copy(update={"origin": None})


def _open_results(pg: Any, server: AppServer, answers: Answers) -> None:
    open_url(pg, f"{server.url}/results?a={encode_link(answers)}")
    pg.locator(key("results_band")).wait_for(timeout=60_000)
    wait_idle(pg)
    pg.wait_for_timeout(500)  # late layout: fonts, the send panel
    pg.locator(MAIN).evaluate("main => main.scrollTo(0, 0)")


def _visible(pg: Any, selector: str, text: str) -> Any:
    return pg.locator(MAIN).locator(selector).filter(has_text=text).filter(visible=True).first


def _bottom(locator: Any) -> float:
    box = locator.bounding_box()
    assert box is not None and box["height"] > 0
    return float(box["y"] + box["height"])


def _screens(pg: Any, height: int) -> float:
    return float(pg.locator(MAIN).evaluate("main => main.scrollHeight")) / height


def test_the_summary_fits_the_first_two_phone_screens(app_server: AppServer, phone_page: Any) -> None:
    pg = phone_page
    answers = _own_link()
    assessment = assess(answers)
    _open_results(pg, app_server, answers)
    reasons = top_reasons(assessment)
    parts = {
        "the band": pg.locator(key("results_band")).get_by_role("heading", name=assessment.band_label),
        "why": _visible(pg, "ul", reasons[0].lead),
        "what to do": _visible(pg, "ul", assessment.next_steps[0].title),
        "the link to sharing": pg.get_by_role("link", name=UI.results.share_jump),
    }
    bottoms = {name: _bottom(locator) for name, locator in parts.items()}
    assert all(bottom <= 2 * PHONE_HEIGHT for bottom in bottoms.values()), bottoms
    assert list(bottoms.values()) == sorted(bottoms.values()), "band, why, what to do, then the link, in that order"
    why = parts["why"].inner_text()
    for reason in reasons:
        assert reason.lead in why
    # the detail: closed, and every part's button on the page below the summary
    for part in RESULTS_PARTS:
        details = pg.locator(f"{key(part)} details").first
        assert details.get_attribute("open") is None, part
        assert details.locator("summary").first.is_visible()
    assert pg.locator(".js-plotly-plot").filter(visible=True).count() == 0, "no chart before a part is opened"
    assert pg.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), "no sideways scrolling"
    print(f"[results] phone, detail closed: {_screens(pg, PHONE_HEIGHT):.2f} screens; bottoms {bottoms}")
    tall_shot(pg, "results-phone-summary")
    assert_no_exception(pg)


def test_opening_the_nerves_part_shows_the_body_map_at_its_full_size(app_server: AppServer, phone_page: Any) -> None:
    """The map is drawn while its part is closed; once opened it fills the part's width (it
    does not stay at a hidden container's size)."""
    pg = phone_page
    answers = _own_link()
    _open_results(pg, app_server, answers)
    details = open_part(pg, "results_more_nerves")
    plot = details.locator(".js-plotly-plot")
    plot.wait_for(timeout=60_000)
    plot.scroll_into_view_if_needed()
    pg.wait_for_timeout(300)
    box = plot.bounding_box()
    inner = details.locator('[data-testid="stVerticalBlock"]').first.bounding_box()
    assert box is not None and inner is not None
    assert box["width"] >= inner["width"] - 2 and box["height"] >= 300, (box, inner)
    drawn = plot.evaluate("gd => [gd._fullLayout.width, gd._fullLayout.height, gd.querySelectorAll('.legend .traces').length]")
    assert abs(drawn[0] - box["width"]) <= 2 and drawn[1] >= 300 and drawn[2] >= 1, drawn
    legend = " ".join(plot.locator(".legendtext").all_text_contents())
    for nerve in assess(answers).nerves[:2]:
        assert nerve.name in legend
    assert details.get_by_text(UI.results.nerves_heading).is_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    plot.screenshot(path=str(ARTIFACTS / "results-phone-nerves-map.png"))
    assert_no_exception(pg)


def test_the_link_in_the_summary_goes_to_the_share_panel(app_server: AppServer, page: Any) -> None:
    _open_results(page, app_server, _own_link())
    heading = page.locator(f"#{SHARE_ANCHOR}")
    assert heading.bounding_box()["y"] > 900, "the share panel starts below the first screen"  # type: ignore[index]
    page.get_by_role("link", name=UI.results.share_jump).click()
    page.wait_for_timeout(600)
    box = heading.bounding_box()
    assert box is not None and 0 <= box["y"] < 900 - box["height"], box
    assert page.url.endswith(f"/results#{SHARE_ANCHOR}"), "the same page, only scrolled"
    assert page.locator(key("nt_prepare_pdf")).is_visible() or page.locator(key("nt_download_json")).count() == 1
    assert_no_exception(page)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_results_kept_as_pictures_closed_and_opened(app_server: AppServer, page: Any, phone_page: Any, size: str) -> None:
    """For a person to look at: artifacts/screenshots/results-<size>-closed.png and -opened.png
    (a results link of the ultrarunner example, as a coach would open it)."""
    pg, height = (page, 900) if size == "desktop" else (phone_page, PHONE_HEIGHT)
    _open_results(pg, app_server, get_example("ultra-fall-top-of-foot").fresh_answers())
    closed = _screens(pg, height)
    tall_shot(pg, f"results-{size}-closed")
    for part in RESULTS_PARTS:
        open_part(pg, part)
    pg.locator(f"{key('results_more_nerves')} .js-plotly-plot").wait_for(timeout=60_000)
    print(f"[results] {size}: {closed:.2f} screens closed, {_screens(pg, height):.2f} opened")
    tall_shot(pg, f"results-{size}-opened")
    assert_no_exception(pg)
