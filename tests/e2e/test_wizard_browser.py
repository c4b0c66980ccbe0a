"""The wizard in headless Chromium: clicked through end to end, every page deep-linked by URL.

Screenshots of every page are kept under artifacts/screenshots/ (wizard-NN-<page>.png).
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from e2e.conftest import (
    RESULTS_PARTS,
    AppServer,
    act,
    assert_no_exception,
    goto_app,
    key,
    menu_link,
    menu_problems,
    menu_to,
    open_part,
    shot,
    tick_safety,
    wait_idle,
    wait_quiet,
)
from nervetriage.content import load_content
from nervetriage.ui.nav import ALL_PAGES, STEPS
from nervetriage.ui_text import load_ui_text

pytestmark = pytest.mark.browser

UI = load_ui_text()
CONTENT = load_content()


def tall_shot(pg, name: str) -> None:  # type: ignore[no-untyped-def]
    """Streamlit scrolls inside its own container: grow the viewport to the content first."""
    size = pg.viewport_size
    height = pg.evaluate(
        "() => Math.max(...['stMain', 'stSidebar'].map(id => {"
        " const el = document.querySelector(`[data-testid=\"${id}\"]`);"
        " return el ? el.scrollHeight : 0; }))"
    )
    pg.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height) + 40, 6000))})
    pg.wait_for_timeout(150)
    shot(pg, name, full_page=True)
    pg.set_viewport_size(size)


def click_option(pg, widget_key: str, label: str) -> None:  # type: ignore[no-untyped-def]
    """Choose a radio option or a pill inside the widget with this key, then wait."""
    container = pg.locator(key(widget_key))
    if container.locator('[data-testid="stRadio"]').count():
        act(pg, container.get_by_text(label, exact=True).click)
    else:
        act(pg, container.locator("button", has=pg.get_by_text(label, exact=True)).click)


def tick(pg, widget_key: str) -> None:  # type: ignore[no-untyped-def]
    act(pg, pg.locator(key(widget_key)).locator("label").first.click)


def slide_to(pg, widget_key: str, steps: int) -> None:  # type: ignore[no-untyped-def]
    """Move a slider with the keyboard, as a keyboard user would."""
    thumb = pg.locator(key(widget_key)).get_by_role("slider")
    thumb.focus()
    act(pg, lambda: [thumb.press("ArrowRight") for _ in range(steps)])
    # Each key press may send its own update; let the last of them land before moving on.
    pg.wait_for_timeout(800)
    wait_idle(pg)


def next_page(pg) -> None:  # type: ignore[no-untyped-def]
    act(pg, pg.locator(key("nav_next")).get_by_role("button").click)


def main_text(pg) -> str:  # type: ignore[no-untyped-def]
    return str(pg.locator('[data-testid="stMain"]').inner_text())


def expect_progress(pg, number: int) -> None:  # type: ignore[no-untyped-def]
    """Wait for the step's progress line (a page switch runs the script twice), then settle."""
    label = UI.labels.progress.format(n=number, total=len(STEPS), page=UI.nav[STEPS[number - 1]])
    pg.locator('[data-testid="stProgress"]').get_by_text(label, exact=True).wait_for(timeout=30_000)
    wait_idle(pg)
    assert f"Step {number} of 11" in main_text(pg)


def test_the_whole_wizard_can_be_completed_by_clicking(app_server: AppServer, page) -> None:  # type: ignore[no-untyped-def]
    pg = page
    goto_app(pg, app_server.url)
    assert_no_exception(pg)
    tall_shot(pg, "wizard-00-welcome")
    act(pg, pg.get_by_role("button", name=UI.welcome.start).click)

    # 1 Where it hurts: pick a region from the list by typing, then side, then the story.
    expect_progress(pg, 1)
    pg.locator(key("where:regions")).get_by_role("combobox").click()
    pg.keyboard.type("Top of the foot")
    act(pg, lambda: pg.keyboard.press("Enter"))
    pg.keyboard.press("Escape")
    click_option(pg, "where:side:top_of_foot", "Right")
    slide_to(pg, "where:level:top_of_foot", 2)
    click_option(pg, "q:duration", "6 to 12 weeks")
    click_option(pg, "q:onset", "After a fall")
    tall_shot(pg, "wizard-01-where")
    next_page(pg)

    # 2 safety, straight after where it hurts: none apply.
    expect_progress(pg, 2)
    assert UI.heading("safety") in main_text(pg)
    tick(pg, "safety:none")
    assert UI.safety.all_clear in main_text(pg)
    tall_shot(pg, "wizard-02-safety")
    next_page(pg)

    # 3 Along the nerve.
    expect_progress(pg, 3)
    tick(pg, "along:low_back:stiffness")
    click_option(pg, "q:neck_changes_legs", "Yes, they change")
    tall_shot(pg, "wizard-03-along")
    next_page(pg)

    # 4-9 the six signs.
    expect_progress(pg, 4)
    assert pg.locator(key("q:sign1.treatments:rest")).count() == 0, "no outcome rows before a treatment is picked"
    click_option(pg, "q:sign1.treatments:tried", "Rest")
    click_option(pg, "q:sign1.treatments:tried", "Ice")
    click_option(pg, "q:sign1.treatments:rest", "No change")
    click_option(pg, "q:sign1.treatments:ice", "Made it worse")
    click_option(pg, "q:sign1.returns_when_running", "Yes")
    tall_shot(pg, "wizard-04-sign1")
    next_page(pg)

    expect_progress(pg, 5)
    click_option(pg, "q:sign2.qualities", "Tingling")
    click_option(pg, "q:sign2.qualities", "Pins and needles")
    tall_shot(pg, "wizard-05-sign2")
    next_page(pg)

    expect_progress(pg, 6)
    click_option(pg, "q:sign3.variability", "8")
    click_option(pg, "q:sign3.same_run_differs", "Yes")
    click_option(pg, "q:sign3.warms_up_pattern", "No")
    tall_shot(pg, "wizard-06-sign3")
    next_page(pg)

    expect_progress(pg, 7)
    click_option(pg, "q:sign4.self_press", "I cannot find a spot that hurts")
    tall_shot(pg, "wizard-07-sign4")
    next_page(pg)

    expect_progress(pg, 8)
    click_option(pg, "q:sign5.sitting", "Yes")
    click_option(pg, "q:sign5.night", "No")
    tall_shot(pg, "wizard-08-sign5")
    next_page(pg)

    expect_progress(pg, 9)
    tick(pg, "q:sign6.imaging:none")
    tall_shot(pg, "wizard-09-sign6")
    next_page(pg)

    # 10 the optional self-check, open because the safety check is answered: its gate says
    # what was answered; confirm it, then skip the test.
    expect_progress(pg, 10)
    assert UI.selfcheck.told_none in main_text(pg)
    assert CONTENT.questions.slump_steps[0] not in main_text(pg)
    tick(pg, "selfcheck:gate_box")
    assert CONTENT.questions.slump_steps[0] in main_text(pg)
    click_option(pg, "selfcheck:choice", UI.selfcheck.choice_skip)
    tall_shot(pg, "wizard-10-selfcheck")
    next_page(pg)

    # 11 results: the band in the summary; the nerves in their part, once opened.
    expect_progress(pg, 11)
    likely = next(b.label for b in CONTENT.scoring.bands if b.id == "likely")
    assert likely in main_text(pg)
    open_part(pg, "results_more_nerves")
    pg.wait_for_selector(f"{key('results_more_nerves')} .js-plotly-plot", timeout=30_000)
    text = main_text(pg)
    assert "Superficial fibular" in text or "superficial fibular" in text.lower()
    assert UI.results.partial not in text
    assert_no_exception(pg)
    tall_shot(pg, "wizard-11-results")

    # Going back keeps the answers.
    pg.locator(key("nav_back")).get_by_role("button").click()
    expect_progress(pg, 10)
    assert pg.locator(key("selfcheck:choice")).get_by_role("radio", name=UI.selfcheck.choice_skip).is_checked()

    # Start over asks first; confirming clears the answers and returns to Welcome.
    act(pg, pg.locator(key("nav_reset")).get_by_role("button").click)
    dialog = pg.get_by_role("dialog")
    dialog.get_by_text(UI.labels.reset_body).wait_for()
    tall_shot(pg, "wizard-12-reset-dialog")
    act(pg, dialog.get_by_role("button", name=UI.labels.reset_confirm).click)
    pg.get_by_role("button", name=UI.welcome.start).wait_for()
    act(pg, menu_link(pg, "safety").click)
    expect_progress(pg, 2)
    assert not pg.locator(key("safety:none")).get_by_role("checkbox").is_checked()
    assert "Traceback" not in app_server.log_text()


def test_a_red_flag_puts_the_banner_on_the_next_page(app_server: AppServer, page) -> None:  # type: ignore[no-untyped-def]
    goto_app(page, f"{app_server.url}/safety")
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    tick_safety(page, "safety:red_flags:saddle_numbness")
    menu_to(page, "sign1")
    banner = page.locator('[data-testid="stAlertContentError"]').first
    assert CONTENT.red_flags.urgency_messages["emergency"] in banner.inner_text()
    tall_shot(page, "wizard-banner-on-sign1")


def test_the_self_check_is_locked_until_the_safety_check_is_answered(app_server: AppServer, page) -> None:  # type: ignore[no-untyped-def]
    """Clicking Next from sign 6 before the safety check lands on a locked self-check; its
    link leads to the safety check, and the self-check opens once that is answered."""
    pg = page
    goto_app(pg, f"{app_server.url}/sign6")
    next_page(pg)
    expect_progress(pg, 10)
    assert_locked(pg)
    tall_shot(pg, "selfcheck-locked")
    forward = pg.locator(key("nav_next")).get_by_role("button")
    assert forward.inner_text().strip() == UI.labels.to_results, "Next from the locked self-check goes to Results"

    act(pg, pg.locator('[data-testid="stMain"]').get_by_role("link", name=UI.selfcheck.locked_link).click)
    expect_progress(pg, 2)
    tick_safety(pg, "safety:mimics:bone_stress")
    menu_to(pg, "selfcheck")
    expect_progress(pg, 10)
    text = main_text(pg)
    assert UI.selfcheck.told_some in text and "Possible bone stress injury" in text
    assert "answered yes to any safety question" not in text
    assert pg.locator(key("selfcheck:gate_box")).count() == 1
    tall_shot(pg, "selfcheck-open-professional")

    act(pg, sidebar_link(pg, "safety").click)
    expect_progress(pg, 2)
    tick_safety(pg, "safety:red_flags:foot_drop")
    menu_to(pg, "selfcheck")
    expect_progress(pg, 10)
    text = main_text(pg)
    assert UI.selfcheck.blocked in " ".join(text.split()) and "Foot drop or growing weakness" in text
    assert pg.locator(key("selfcheck:gate_box")).count() == 0
    assert CONTENT.questions.slump_steps[0] not in text
    tall_shot(pg, "selfcheck-blocked-urgent")


def sidebar_link(pg, page_id: str):  # type: ignore[no-untyped-def]
    return menu_link(pg, page_id)


def assert_locked(pg) -> None:  # type: ignore[no-untyped-def]
    """The locked self-check: why, a link to the safety check, and no gate box or test steps."""
    assert_no_exception(pg)
    text = main_text(pg)
    assert UI.selfcheck.locked_heading in text and UI.selfcheck.locked_body in " ".join(text.split())
    main = pg.locator('[data-testid="stMain"]')
    assert main.get_by_role("link", name=UI.selfcheck.locked_link).count() == 1
    assert pg.locator(key("selfcheck:gate_box")).count() == 0
    assert not any(step in text for step in CONTENT.questions.slump_steps)


def test_a_deep_link_to_the_self_check_is_locked(app_server: AppServer, page) -> None:  # type: ignore[no-untyped-def]
    goto_app(page, f"{app_server.url}/selfcheck")
    expect_progress(page, 10)
    assert_locked(page)


def fresh_server() -> Iterator[AppServer]:
    server = AppServer()
    server.start()
    yield server
    server.stop()
    assert "Traceback" not in server.log_text(), server.log_text()[-3000:]


@pytest.fixture(scope="module")
def unopened_server() -> Iterator[AppServer]:
    """A fresh server whose root URL is never opened: every visit is a deep link."""
    yield from fresh_server()


def assert_inside_frame(pg, page_id: str) -> None:  # type: ignore[no-untyped-def]
    """The page rendered with the sidebar navigation, the reset button and its own heading."""
    assert_no_exception(pg)
    assert not menu_problems(pg, page_id), menu_problems(pg, page_id)
    assert pg.locator(key("nav_reset")).count() == 1
    text = main_text(pg)
    if page_id.startswith("sign"):
        assert CONTENT.sign(int(page_id[-1])).question in text
    elif page_id not in ("welcome", "physio", "journal"):  # those pages word their own titles
        assert UI.heading(page_id) in text
    if page_id in STEPS:
        assert f"Step {STEPS.index(page_id) + 1} of {len(STEPS)}" in text
    assert "Page not found" not in text


# Every page as the very first request of its own fresh server: test_deeplinks_cold_browser.py.


def assert_settled_inside_frame(pg, page_id: str, settle_s: float = 15) -> None:  # type: ignore[no-untyped-def]
    """``assert_inside_frame`` once the page has settled: a fresh session runs twice (the browser
    bridge asks for a second run), and a check during that redraw can miss the progress line."""
    deadline = time.monotonic() + settle_s
    while True:
        wait_idle(pg)
        try:
            assert_inside_frame(pg, page_id)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            pg.wait_for_timeout(500)


def test_every_page_opens_by_its_url_before_anyone_opens_the_root(unopened_server: AppServer, page) -> None:  # type: ignore[no-untyped-def]
    for page_id in [p for p in ALL_PAGES if p != "welcome"]:
        goto_app(page, f"{unopened_server.url}/{page_id}")
        assert_settled_inside_frame(page, page_id)
        shot(page, f"deeplink-{page_id}", full_page=False)
    goto_app(page, unopened_server.url)
    assert_settled_inside_frame(page, "welcome")


def test_phone_sized_sign_page_and_results(app_server: AppServer, phone_page) -> None:  # type: ignore[no-untyped-def]
    pg = phone_page
    goto_app(pg, app_server.url)
    pg.get_by_role("button", name=UI.welcome.example_button).click()
    wait_idle(pg)
    pg.locator(key("results_band")).wait_for(timeout=90_000)
    assert_no_exception(pg)
    tall_shot(pg, "phone-results")  # the summary, the detail closed
    for part in RESULTS_PARTS:
        open_part(pg, part)
    pg.wait_for_selector(".js-plotly-plot", timeout=90_000)  # Plotly's 4.7 MB bundle, on a loaded machine
    tall_shot(pg, "phone-results-opened")
    overflow = pg.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"the results page scrolls sideways by {overflow}px on a phone"
    goto_app(pg, f"{app_server.url}/sign5")
    assert_no_exception(pg)
    pg.get_by_text("Step 8 of 11").first.wait_for(timeout=15_000)
    tall_shot(pg, "phone-sign5")


def test_a_sign_page_can_be_answered_and_left_with_the_keyboard_alone(app_server: AppServer, page) -> None:  # type: ignore[no-untyped-def]
    pg = page
    goto_app(pg, f"{app_server.url}/sign5")
    yes = pg.locator(key("q:sign5.sitting")).get_by_role("radio", name="Yes")
    for _ in range(60):  # Tab through the page until the first question has focus
        pg.keyboard.press("Tab")
        if yes.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the first answer of the sign page could not be reached with Tab")
    act(pg, lambda: pg.keyboard.press("Space"))
    assert yes.is_checked()
    next_button = pg.locator(key("nav_next")).get_by_role("button")
    for _ in range(60):
        pg.keyboard.press("Tab")
        if next_button.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the Next button could not be reached with Tab")
    act(pg, lambda: pg.keyboard.press("Enter"))
    expect_progress(pg, 9)
    act(pg, pg.locator(key("nav_back")).get_by_role("button").click)
    expect_progress(pg, 8)
    assert pg.locator(key("q:sign5.sitting")).get_by_role("radio", name="Yes").is_checked()


@pytest.mark.parametrize(("size", "width", "height"), [("desktop", 1280, 900), ("phone", 390, 844)])
def test_start_is_on_the_first_screen_of_the_welcome_page(app_server: AppServer, browser, size: str, width: int,  # type: ignore[no-untyped-def]
                                                          height: int) -> None:
    """A new visitor sees Start without scrolling, on a laptop and on a phone."""
    phone = size == "phone"
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=2 if phone else 1,
                                  is_mobile=phone, has_touch=phone)
    pg = context.new_page()
    try:
        goto_app(pg, app_server.url)
        start = pg.locator(key("welcome_start")).get_by_role("button")
        start.wait_for()
        box = start.bounding_box()
        assert box is not None
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, f"Start ends at {box['y'] + box['height']:.0f} px of {height}"
        # The disclaimer and what the check does not do follow at once (no scrolling past anything else first).
        assert pg.get_by_text(UI.welcome.disclaimer.split(".")[0], exact=False).count() == 1
        shot(pg, f"welcome-first-screen-{size}", full_page=False)
    finally:
        context.close()


def test_on_a_phone_the_menu_closes_after_choosing_a_page_and_on_a_laptop_it_stays(app_server: AppServer, browser) -> None:  # type: ignore[no-untyped-def]
    for phone in (True, False):
        size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
        context = browser.new_context(viewport=size, is_mobile=phone, has_touch=phone)
        pg = context.new_page()
        try:
            goto_app(pg, app_server.url)
            wait_quiet(pg)  # a click in the page load's second run can be lost (see conftest.wait_quiet)
            if phone:
                pg.locator('[data-testid="stExpandSidebarButton"]').click()
            menu_link(pg, "learn").click()
            pg.wait_for_url("**/learn", timeout=30_000)
            wait_idle(pg)
            collapse = pg.locator('[data-testid="stSidebarCollapseButton"] button')
            if phone:
                expect_closed = 'button[aria-label="Collapse sidebar"][aria-expanded="true"]'
                pg.wait_for_function(f"() => !document.querySelector('{expect_closed}')", timeout=10_000)
                box = pg.locator('[data-testid="stSidebar"]').bounding_box()
                assert box is None or box["x"] + box["width"] <= 1, f"the menu still covers the page: {box}"
                shot(pg, "menu-closed-after-navigation-phone", full_page=False)
            else:
                assert collapse.get_attribute("aria-expanded") == "true", "the sidebar beside the page stays open"
                assert menu_link(pg, "learn").is_visible()
        finally:
            context.close()


def test_a_chosen_option_shows_a_tick_and_a_strong_state(app_server: AppServer, page) -> None:  # type: ignore[no-untyped-def]
    goto_app(page, f"{app_server.url}/sign2")
    click_option(page, "q:sign2.qualities", "Tingling")
    pills = page.locator(key("q:sign2.qualities"))
    chosen = pills.locator('button[data-variant="pills"][aria-pressed="true"]')
    assert chosen.count() == 1 and "Tingling" in chosen.inner_text()
    style = chosen.evaluate("""(b) => {
      const s = getComputedStyle(b), tick = getComputedStyle(b, '::before');
      const box = b.getBoundingClientRect();
      return {bg: s.backgroundColor, fg: s.color, tick: tick.content, w: box.width, h: box.height};
    }""")
    assert style["tick"] == '"\u2713"', style
    assert style["bg"] == "rgb(31, 111, 120)" and style["fg"] == "rgb(255, 255, 255)", style
    assert style["w"] >= 24 and style["h"] >= 24, style
    other = pills.locator('button[data-variant="pills"][aria-pressed="false"]').first
    assert other.evaluate("(b) => getComputedStyle(b, '::before').content") in ("none", "normal"), "no tick on an option not chosen"
    pills.scroll_into_view_if_needed()
    shot(page, "chosen-option-tick", full_page=False)


CHOSEN_STYLE = """(b) => {
  const s = getComputedStyle(b), tick = getComputedStyle(b, '::before');
  const box = b.getBoundingClientRect();
  return {bg: s.backgroundColor, fg: s.color, tick: tick.content, w: box.width, h: box.height};
}"""


@pytest.mark.parametrize(("page_id", "widget_key", "label"), [("sign3", "q:sign3.variability", "7"),
                                                              ("sign5", "q:sign5.rest_intensity", "0")])
def test_a_chosen_rating_shows_the_same_tick_and_strong_state(app_server: AppServer, page, page_id: str,  # type: ignore[no-untyped-def]
                                                             widget_key: str, label: str) -> None:
    """Single-choice pills (a 0-10 rating) mark their choice with aria-checked, not aria-pressed:
    the tick and the fill follow it, and nothing is marked before a number is chosen."""
    goto_app(page, f"{app_server.url}/{page_id}")
    row = page.locator(key(widget_key))
    assert row.locator('button[aria-checked="true"]').count() == 0, "not answered: no number is marked"
    click_option(page, widget_key, label)
    chosen = row.locator('button[data-variant="pills"][aria-checked="true"]')
    assert chosen.count() == 1 and chosen.inner_text().strip().endswith(label)
    style = chosen.evaluate(CHOSEN_STYLE)
    assert style["tick"] == '"\u2713"' and style["bg"] == "rgb(31, 111, 120)" and style["fg"] == "rgb(255, 255, 255)", style
    assert style["w"] >= 24 and style["h"] >= 24, style
    row.scroll_into_view_if_needed()
    shot(page, f"chosen-rating-{page_id}", full_page=False)
