"""axe-core on every page, and the body map's non-visual equivalent.

Every page is deep-linked cold (an empty session) and checked; Results and Where are also
checked filled in. A serious or critical violation fails the test, unless it comes from
Streamlit's own markup that the app cannot change: those are listed in ALLOWED with the
reason, matched to the exact place in Streamlit's chrome, and printed when seen.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from e2e.conftest import RESULTS_PARTS, AppServer, assert_no_exception, goto_app, key, menu_link, open_part, shot, wait_idle
from nervetriage.content import load_content
from nervetriage.models import Answers
from nervetriage.share import encode_link
from nervetriage.ui.nav import ALL_PAGES

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = Answers.model_validate(json.loads((ROOT / "examples" / "ultra-fall-top-of-foot.json").read_text()))
BLOCKING = ("serious", "critical")
# WCAG 2.x A and AA rules (axe's best-practice extras are advisory and slow on Streamlit's large DOM).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}

# rule id -> [(CSS of the Streamlit-owned element the failing node must sit in, why it is allowed)]
ALLOWED: dict[str, list[tuple[str, str]]] = {
    "target-size": [(
        '[data-testid="stDateInput"]',
        "st.date_input draws the date as day/month/year spin buttons a few pixels apart (WCAG 2.2 target size); "
        "they are Streamlit's widget internals, and the field is also fully usable by typing.",
    )],
}


def allowed_container(pg: Any, rule: str, target: list[str]) -> tuple[str, str] | None:
    for container, reason in ALLOWED.get(rule, []):
        if inside(pg, target, container):
            return container, reason
    return None


_axe = Axe()


def inside(pg: Any, target: list[str], container: str) -> bool:
    """True if the node axe names by ``target`` lies inside ``container``."""
    selector = target[-1] if isinstance(target, list) else str(target)
    return bool(pg.evaluate("([s, c]) => { const el = document.querySelector(s); return !!(el && el.closest(c)); }", [selector, container]))


def blocking_violations(pg: Any, where: str) -> list[str]:
    """Serious/critical axe violations on the page, minus the allowed Streamlit ones."""
    results = _axe.run(pg, options=AXE_OPTIONS)
    problems: list[str] = []
    for violation in results.response["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            allowed = allowed_container(pg, violation["id"], node["target"])
            if allowed:
                print(f"[axe allowed] {where}: {violation['id']} in Streamlit's {allowed[0]}: {allowed[1]}")
                continue
            summary = node.get("failureSummary", "")[:240]
            problems.append(f"{where}: {violation['id']} ({violation['impact']}): {node['html'][:160]} -- {summary}")
    return problems


def open_page(pg: Any, url: str) -> None:
    goto_app(pg, url)
    pg.locator('[data-testid="stMainBlockContainer"] :is(h1, h2)').first.wait_for(timeout=30_000)
    pg.wait_for_timeout(300)  # let late layout (charts, fonts) settle before axe measures contrast
    assert_no_exception(pg)


@pytest.mark.parametrize("page_id", ALL_PAGES)
def test_every_page_opened_cold_has_no_serious_accessibility_violation(app_server: AppServer, page: Any, page_id: str) -> None:
    open_page(page, f"{app_server.url}/{page_id}")
    assert blocking_violations(page, page_id) == []


def test_results_with_answers_has_no_serious_accessibility_violation(app_server: AppServer, page: Any) -> None:
    open_page(page, f"{app_server.url}/results?a={encode_link(EXAMPLE)}")
    assert blocking_violations(page, "results (filled, the detail closed)") == []
    for part in RESULTS_PARTS:  # and every part of the detail opened, so axe checks what it holds
        open_part(page, part)
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    assert blocking_violations(page, "results (filled)") == []
    # The same session, moved to Where through the sidebar: the filled-in region widgets.
    menu_link(page, "where").click()
    page.wait_for_url("**/where")
    wait_idle(page)
    assert page.locator(key("where:regions")).count() == 1
    assert blocking_violations(page, "where (filled)") == []


def test_the_menu_is_clean_without_any_allowance(app_server: AppServer, page: Any) -> None:
    """The sidebar menu is the app's own (frame._menu), so it needs no allowance: no rule
    fires in it, and the current page is marked for assistive technology."""
    open_page(page, f"{app_server.url}/sign1")
    results = _axe.run(page, options=AXE_OPTIONS)
    in_menu = [
        violation["id"]
        for violation in results.response["violations"]
        for node in violation["nodes"]
        if inside(page, node["target"], '[data-testid="stSidebar"]')
    ]
    assert in_menu == [], in_menu
    assert set(ALLOWED) == {"target-size"}, "the only allowance left is Streamlit's date input"
    assert page.locator('.st-key-nt_menu a[aria-current="page"]').count() == 1


# --------------------------------------------------------------------------- body map


def region_chips(pg: Any) -> list[str]:
    """The labels shown as chosen in the Where page's region list (the map's text equivalent)."""
    tags = pg.locator(key("where:regions")).locator("[data-tag]")
    return [str(label) for label in tags.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")]


def chosen_line(pg: Any) -> str:
    return str(pg.locator('[data-testid="stMain"]').get_by_text("Chosen on the map:").locator("xpath=ancestor::p[1]").inner_text())


# The map's areas, from its keyboard buttons (one per area, over the area's label point,
# data-region/data-side; nervetriage/ui/assets/bodymap.js): "region:<id>:<side>" or
# "site:<id>" -> the button's middle on screen. The buttons take no pointer events, so a
# click there lands on the map, which tests it against the area's outline.
MARKERS = """() => {
  const out = {};
  document.querySelectorAll('[data-nt="bodymap"] [data-nt="region"]').forEach((b) => {
    if (b.hidden) return;
    const r = b.getBoundingClientRect();
    const side = b.getAttribute('data-side');
    const id = side ? `region:${b.getAttribute('data-region')}:${side}` : `site:${b.getAttribute('data-region')}`;
    (out[id] = out[id] || []).push({x: r.left + r.width / 2, y: r.top + r.height / 2});
  });
  return out;
}"""


def test_the_body_map_has_a_region_list_that_stays_in_sync(app_server: AppServer, page: Any) -> None:
    """Every map region is in the accessible list; a map click shows in the list, a list choice on the map."""
    content = load_content()
    open_page(page, f"{app_server.url}/where")
    page.locator('[data-nt="bodymap"][data-nt-ready="1"]').wait_for(timeout=30_000)
    page.wait_for_timeout(800)
    markers: dict[str, list[dict[str, float]]] = page.evaluate(MARKERS)
    map_regions = {m.split(":")[1] for m in markers if m.startswith("region:")}
    listed = {r.id for r in content.regions}
    assert map_regions, "the Where page draws clickable regions"
    assert map_regions <= listed, f"map regions missing from the list: {map_regions - listed}"
    assert "nothing yet" in chosen_line(page)

    # Map -> list: click the middle marker of a left-side region.
    target = next(m for m in markers if m.startswith("region:") and m.endswith(":left"))
    region_id = target.split(":")[1]
    label = next(r.label for r in content.regions if r.id == region_id)
    button = page.locator(f'[data-nt="bodymap"] [data-nt="region"][data-region="{region_id}"][data-side="left"]:not([hidden])')
    button.scroll_into_view_if_needed()
    point = page.evaluate(MARKERS)[target][0]
    page.mouse.click(point["x"], point["y"])
    page.wait_for_timeout(500)
    wait_idle(page)
    page.locator(key("where:regions")).get_by_text(label, exact=True).wait_for(timeout=15_000)
    assert label in region_chips(page)
    assert label.lower() in chosen_line(page).lower()
    assert button.get_attribute("aria-pressed") == "true"

    # List -> map: remove it with the list's own control; the map and its text line follow.
    page.locator(key("where:regions")).get_by_role("button", name=f"Remove {label}").click()
    page.wait_for_timeout(500)
    page.get_by_text("nothing yet").wait_for(timeout=15_000)
    wait_idle(page)
    assert label not in region_chips(page)
    assert button.get_attribute("aria-pressed") == "false", "the map follows the list"
    shot(page, "a11y-where-in-sync")
