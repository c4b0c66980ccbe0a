"""The body map in headless Chromium: real clicks select regions, clicks outside select nothing.

Runs a tiny app of its own (tests/apps/bodymap_app.py) so it does not depend on the wizard.
Screenshots of the selection and results maps are kept in artifacts/screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from e2e.conftest import AppServer, assert_no_exception, goto_app, shot, wait_idle
from nervetriage.bodymap import click_targets, region_at, view_offsets

pytestmark = pytest.mark.browser

CHOSEN = "Chosen on the map:"


@pytest.fixture(scope="module")
def bodymap_server() -> Iterator[AppServer]:
    server = AppServer(script="tests/apps/bodymap_app.py")
    server.start()
    yield server
    server.stop()
    assert "Traceback" not in server.log_text(), f"server logged a traceback:\n{server.log_text()[-3000:]}"


def _inside_point(view: str, region: str, side: str | None) -> tuple[float, float]:
    """A view-local point inside the region, deliberately between two click markers."""
    markers = [t for t in click_targets([view]) if t.target.id == region and t.target.side == side]
    middle = sorted(markers, key=lambda t: (t.y, t.x))[len(markers) // 2]
    for x, y in ((middle.x + 0.9, middle.y + 0.7), (middle.x - 0.9, middle.y - 0.7), (middle.x, middle.y)):
        if region_at(view, x, y) == (region, side):
            return x, y
    raise AssertionError(f"no point inside {region} {side} in the {view} view")


def _plot_pixel(pg, fig_x: float, fig_y: float, index: int = 0) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    plot = pg.locator(".js-plotly-plot").nth(index)
    plot.scroll_into_view_if_needed()
    pg.wait_for_timeout(200)
    return tuple(
        pg.evaluate(
            """([fx, fy, idx]) => {
                const gd = document.querySelectorAll('.js-plotly-plot')[idx];
                const r = gd.getBoundingClientRect();
                const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
                return [r.left + xa._offset + xa.l2p(fx), r.top + ya._offset + ya.l2p(fy)];
            }""",
            [fig_x, fig_y, index],
        )
    )


def _click(pg, view: str, x: float, y: float, expect_text: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """Click a view-local point; with ``expect_text``, wait until the chosen list shows it.

    Waiting for the answer itself, not a fixed pause, keeps the test honest on a loaded
    machine where the rerun may start late.
    """
    px, py = _plot_pixel(pg, view_offsets()[view] + x, y)
    pg.mouse.click(px, py)
    pg.wait_for_timeout(450)  # two clicks within ~300 ms count as a double click
    if expect_text is not None:
        expect(_chosen(pg)).to_contain_text(expect_text, timeout=30_000)
    wait_idle(pg)


def _tap(pg, view: str, x: float, y: float, expect_text: str) -> None:  # type: ignore[no-untyped-def]
    px, py = _plot_pixel(pg, view_offsets()[view] + x, y)
    pg.touchscreen.tap(px, py)
    pg.wait_for_timeout(450)
    expect(_chosen(pg)).to_contain_text(expect_text, timeout=30_000)
    wait_idle(pg)


def _chosen(pg):  # type: ignore[no-untyped-def]
    return pg.locator('[data-testid="stMarkdownContainer"]').filter(has_text=CHOSEN).first


def _chosen_text(pg) -> str:  # type: ignore[no-untyped-def]
    return str(_chosen(pg).inner_text())


def _open(pg, server: AppServer) -> None:  # type: ignore[no-untyped-def]
    goto_app(pg, server.url)
    pg.locator(".js-plotly-plot").first.wait_for()
    pg.wait_for_timeout(500)


def test_clicking_inside_a_region_selects_it_and_clicking_again_removes_it(page, bodymap_server) -> None:  # type: ignore[no-untyped-def]
    _open(page, bodymap_server)
    assert "nothing yet" in _chosen_text(page)
    x, y = _inside_point("front", "outer_shin", "left")
    _click(page, "front", x, y, expect_text="Left outer shin (5/10)")
    assert_no_exception(page)
    _click(page, "front", x, y, expect_text="nothing yet")


def test_hover_names_the_region(page, bodymap_server) -> None:  # type: ignore[no-untyped-def]
    _open(page, bodymap_server)
    x, y = _inside_point("back", "calf", "right")
    px, py = _plot_pixel(page, view_offsets()["back"] + x, y)
    page.mouse.move(px, py)
    hover = page.locator('[data-nt="bodymap"] [data-nt="tooltip"]')  # the map's own tooltip (Plotly is static)
    expect(hover).to_be_visible(timeout=5000)
    assert "Right calf" in hover.text_content()
    page.mouse.move(px, py - 400)  # off the body: no name
    expect(hover).to_be_hidden(timeout=5000)


def test_click_outside_the_body_selects_nothing(page, bodymap_server) -> None:  # type: ignore[no-untyped-def]
    _open(page, bodymap_server)
    x, y = _inside_point("back", "calf", "left")
    _click(page, "back", x, y, expect_text="Left calf (5/10)")
    before = _chosen_text(page)
    assert "Left calf (5/10)" in before
    # between the two figures at knee height, and beside the back view's head
    for fig_x, fig_y in ((0.0, 50.0), (view_offsets()["back"] + 20.0, 172.0), (view_offsets()["front"] - 21.0, 20.0)):
        px, py = _plot_pixel(page, fig_x, fig_y)
        page.mouse.click(px, py)
        page.wait_for_timeout(700)
        wait_idle(page)
        assert _chosen_text(page) == before
    assert_no_exception(page)


def test_selection_and_results_maps_on_desktop_and_phone_with_screenshots(page, phone_page, bodymap_server) -> None:  # type: ignore[no-untyped-def]
    _open(page, bodymap_server)
    for view, region, side, label in (
        ("front", "outer_shin", "left", "Left outer shin"),
        ("front", "top_of_foot", "left", "Left top of the foot and toes"),
        ("back", "sole", "left", "Left arch and middle of the sole"),
        ("back", "heel", "left", "Left underside and inner heel"),
    ):
        _click(page, view, *_inside_point(view, region, side), expect_text=label)
    _click(page, "back", *_inside_point("back", "low_back", None), expect_text="Low back (painful")
    text = _chosen_text(page)
    labels = ("Left outer shin", "Left top of the foot and toes", "Left arch and middle of the sole", "Left underside and inner heel")
    for label in (*labels, "Low back (painful"):
        assert label in text
    plots = page.locator(".js-plotly-plot")
    assert plots.count() == 2
    plots.nth(0).scroll_into_view_if_needed()
    shot(page, "bodymap-selection", full_page=True)
    plots.nth(1).scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    legend = page.locator(".js-plotly-plot").nth(1).locator(".legendtext")
    names = [legend.nth(i).text_content() for i in range(legend.count())]
    assert any("Superficial fibular" in n for n in names), names
    assert any("Crimp" in n for n in names), names
    plots.nth(1).screenshot(path=str(shot(page, "bodymap-results-page").with_name("bodymap-results.png")))
    page.get_by_text("Show dermatomes").click()
    page.wait_for_timeout(500)
    wait_idle(page)
    dermatome_shot = shot(page, "bodymap-results-page").with_name("bodymap-results-dermatomes.png")
    page.locator(".js-plotly-plot").nth(1).screenshot(path=str(dermatome_shot))
    assert_no_exception(page)

    goto_app(phone_page, bodymap_server.url)
    phone_page.locator(".js-plotly-plot").first.wait_for()
    phone_page.wait_for_timeout(500)
    # One tap chooses what is under the finger, even straight after a tap elsewhere (the map
    # tests each tap against the areas' outlines itself).
    _tap(phone_page, "back", *_inside_point("back", "calf", "right"), expect_text="Right calf (5/10)")
    _tap(phone_page, "back", *_inside_point("back", "heel", "left"), expect_text="Right calf (5/10); Left underside and inner heel (5/10)")
    assert "Right calf" not in _chosen_text(phone_page).split(";")[1]
    # a tap on a chosen region removes it
    _tap(phone_page, "back", *_inside_point("back", "heel", "left"), expect_text="Right calf (5/10)")
    assert "heel" not in _chosen_text(phone_page)
    shot(phone_page, "bodymap-phone", full_page=True)
    phone_plots = phone_page.locator(".js-plotly-plot")
    phone_plots.nth(0).screenshot(path=str(shot(phone_page, "bodymap-phone").with_name("bodymap-phone-selection.png")))
    phone_plots.nth(1).scroll_into_view_if_needed()
    phone_page.wait_for_timeout(300)
    phone_plots.nth(1).screenshot(path=str(shot(phone_page, "bodymap-phone").with_name("bodymap-phone-results.png")))
    assert_no_exception(phone_page)
