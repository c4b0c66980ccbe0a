"""Real-browser fixtures: one Streamlit server per test module, Debian's headless chromium.

A missing browser is a failure, not a skip: CI must not silently drop a whole class of
tests. ``./run test`` installs chromium first.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from support.streamlit_server import CHROMIUM, CHROMIUM_ARGS, ROOT, StreamlitServer, free_port

ARTIFACTS = ROOT / "artifacts" / "screenshots"
# The launcher and the Chromium flags live in tests/support/streamlit_server.py, shared with
# bench/; these names stay importable from here for the test modules.
AppServer = StreamlitServer
__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "AppServer", "free_port"]


@pytest.fixture(scope="module")
def app_server() -> Iterator[AppServer]:
    """A freshly started server for this module (deep links are tested against it cold)."""
    server = AppServer()
    server.start()
    yield server
    server.stop()
    assert "Traceback" not in server.log_text(), f"server logged a traceback:\n{server.log_text()[-3000:]}"


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (./run test does this)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def context_page(browser: Any, request: Any, fail_on_page_errors: bool = False, **options: Any) -> Iterator[Any]:
    """A page in a fresh browser context made with ``options``, for a fixture to yield from:
    a screenshot when the test failed, and (``fail_on_page_errors``) no uncaught page error."""
    context = browser.new_context(**options)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        shot(pg, f"FAILED-{request.node.name}")
    context.close()
    if fail_on_page_errors:
        assert errors == [], errors


@pytest.fixture
def page(browser, request):  # type: ignore[no-untyped-def]
    """A fresh browser context per test (desktop size); screenshots on failure."""
    yield from context_page(browser, request, viewport={"width": 1280, "height": 900}, accept_downloads=True)


@pytest.fixture
def phone_page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True)
    pg = context.new_page()
    yield pg
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


def wait_idle(pg, timeout: float = 30_000) -> None:  # type: ignore[no-untyped-def]
    """Wait until Streamlit has finished running the script for the current page."""
    pg.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)
    pg.wait_for_timeout(150)
    pg.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)


def goto_app(pg: Any, url: str, timeout: float = 60_000) -> None:
    """Open ``url`` and wait until the script's first run has drawn the page and finished.

    Right after loading, the page reports an idle script before its first run has even
    started (the run waits for the websocket), so waiting for idle alone can return too early
    on a loaded machine. Every page draws at least one element in the main area: wait for
    that, then for idle.
    """
    pg.goto(url)
    pg.locator('[data-testid="stMain"] [data-testid="stElementContainer"]').first.wait_for(timeout=timeout)
    wait_idle(pg, timeout)


def wait_quiet(pg: Any, quiet_ms: int = 1000, timeout: float = 30_000) -> None:
    """Wait until the script has stayed idle for ``quiet_ms``: past the browser bridge's second
    run after a page load (it reports what the tab kept), so a click made next does not land
    while the page is being drawn again."""
    deadline = time.monotonic() + timeout / 1000
    while time.monotonic() < deadline:
        wait_idle(pg, timeout)
        quiet_since = time.monotonic()
        while time.monotonic() - quiet_since < quiet_ms / 1000:
            if pg.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').count() == 0:
                break
            pg.wait_for_timeout(50)
        else:
            return
    raise AssertionError(f"the page never stayed idle for {quiet_ms} ms")


def panel_link(pg: Any, panel: str, contains: str = "http", timeout: float = 60_000) -> str:
    """The link the "send it back" panel keyed ``panel`` shows (nervetriage/ui/handover_widget.py),
    once it holds one containing ``contains`` (Playwright's locators reach into its shadow root)."""
    from playwright.sync_api import expect

    field = pg.locator(f"{key('nt_handover_' + panel)} [data-nt='link']")
    expect(field).to_have_value(re.compile(re.escape(contains)), timeout=timeout)
    return str(field.input_value()).strip()


def shot(pg, name: str, full_page: bool = True) -> Path:  # type: ignore[no-untyped-def]
    """Keep a screenshot as a test artifact under artifacts/screenshots/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    pg.screenshot(path=str(path), full_page=full_page)
    return path


@contextlib.contextmanager
def shot_on_failure(pg: Any, name: str) -> Iterator[None]:
    """Keep a screenshot named ``FAILED-<name>`` when the block raises (then re-raise)."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(Exception):
            shot(pg, f"FAILED-{name}")
        raise


def tall_shot(pg: Any, name: str) -> None:
    """Streamlit scrolls inside its own container: grow the viewport to the content, then shoot."""
    size = pg.viewport_size
    height = pg.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    pg.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height) + 40, 6000))})
    pg.wait_for_timeout(300)
    shot(pg, name, full_page=True)
    pg.set_viewport_size(size)


RESULTS_PARTS = ("results_more_chart", "results_more_nerves", "results_more_next", "results_more_caveats")


def open_part(pg: Any, widget_key: str) -> Any:
    """Open the expander keyed ``widget_key`` (Results keeps its detail in closed ones, see
    RESULTS_PARTS) by clicking its summary, unless it is open; returns its <details>. Opening
    one reruns nothing: its content is already on the page, only hidden."""
    from playwright.sync_api import expect

    details = pg.locator(f"{key(widget_key)} details").first
    details.wait_for(timeout=60_000)
    if details.get_attribute("open") is None:
        details.locator("summary").first.click()
    expect(details).to_have_attribute("open", "")
    pg.wait_for_timeout(300)  # the opening animation
    return details


def assert_no_exception(pg) -> None:  # type: ignore[no-untyped-def]
    assert pg.locator('[data-testid="stException"]').count() == 0, "the page shows an exception"


def key(widget_key: str) -> str:
    """CSS selector of the element Streamlit tags with a widget's key."""
    return ".st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", widget_key)


# Arms a watcher that notes when the script starts running, so `act` can wait for the rerun
# an interaction triggers to start (it may start late on a loaded machine) and then finish.
ARM = """() => {
  window.__ntRan = false;
  const app = document.querySelector('[data-testid="stApp"]');
  if (window.__ntObs) window.__ntObs.disconnect();
  window.__ntObs = new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') === 'running') window.__ntRan = true;
  });
  window.__ntObs.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def act(pg: Any, action: Callable[[], object]) -> None:
    """Do one interaction and wait for the rerun it triggers to start and finish."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    pg.evaluate(ARM)
    action()
    with contextlib.suppress(PlaywrightTimeout):
        pg.wait_for_function("() => window.__ntRan === true", timeout=5000)
    wait_idle(pg)



def menu_link(pg: Any, page_id: str) -> Any:
    """The sidebar menu's link for ``page_id`` (frame._menu): Welcome, the part of the check
    the page belongs to (it opens the part's first page, or the page shown while you are in
    that part), or a page outside the check."""
    from nervetriage.ui.nav import WELCOME, part_of
    from nervetriage.ui_text import load_ui_text

    menu = pg.locator('[data-testid="stSidebar"] .st-key-nt_menu')
    part = part_of(page_id)
    if part is not None:
        return menu.locator("a", has_text=load_ui_text().parts[part])
    return menu.locator(f'a[href="{"" if page_id == WELCOME else page_id}"]')


def current_page_id(pg: Any) -> str:
    path = urlparse(pg.url).path.rstrip("/").rsplit("/", 1)[-1]
    return path or "welcome"


def menu_to(pg: Any, page_id: str) -> None:
    """Go to ``page_id`` inside the app as a person would: its menu link, and for a page
    inside a part of the check, then Next or Back until it shows."""
    from nervetriage.ui.nav import STEPS, part_of

    act(pg, menu_link(pg, page_id).click)
    if part_of(page_id) is not None:
        pg.wait_for_function("() => !!document.querySelector('.st-key-nav_next, .st-key-nav_back')", timeout=30_000)
        while (here := current_page_id(pg)) != page_id:
            step = "nav_next" if STEPS.index(here) < STEPS.index(page_id) else "nav_back"
            act(pg, pg.locator(key(step)).get_by_role("button").click)
            pg.wait_for_function("(here) => !location.pathname.endsWith('/' + here)", arg=here, timeout=30_000)
    end = "" if page_id == "welcome" else page_id
    pg.wait_for_url(re.compile(r".*/" + end + r"$"), timeout=30_000)
    wait_idle(pg)
    assert_no_exception(pg)


def menu_problems(pg: Any, page_id: str) -> list[str]:
    """What is wrong with the sidebar menu on ``page_id`` (an empty list when nothing is):
    Welcome, the four parts and the pages outside the check, and this page's entry marked
    as the current one (to assistive technology too)."""
    from nervetriage.ui.nav import EXTRAS, PARTS

    expected = 1 + len(PARTS) + len(EXTRAS)
    links = pg.locator('[data-testid="stSidebar"] .st-key-nt_menu a')
    problems = []
    if links.count() != expected:
        problems.append(f"the menu has {links.count()} links, not {expected}")
    with contextlib.suppress(Exception):
        pg.wait_for_function(
            "() => document.querySelectorAll('.st-key-nt_menu a[aria-current=\"page\"]').length === 1", timeout=5_000)
    current = pg.locator('[data-testid="stSidebar"] .st-key-nt_menu a[aria-current="page"]')
    if current.count() != 1 or current.first.inner_text() != menu_link(pg, page_id).first.inner_text():
        problems.append("the menu does not mark this page's entry as the current one")
    return problems


def page_called(title: str) -> str:
    """The id of the page whose menu name (content/ui.yaml ``nav``) is ``title``."""
    from nervetriage.ui_text import load_ui_text

    return next(page_id for page_id, name in load_ui_text().nav.items() if name == title)


def tick_safety(pg: Any, widget_key: str) -> None:
    """Tick a safety item (``safety:red_flags:<id>`` or ``safety:mimics:<id>``) as a person
    does: answer its group yes if it is not yet, then tick the box that appears."""
    from nervetriage.content import load_content

    group = load_content().red_flags.group_of(widget_key.rsplit(":", 1)[-1])
    item = pg.locator(key(widget_key))
    if not item.count():
        radio = pg.locator(key(f"safety:group:{group.id}"))
        act(pg, radio.locator('[data-testid="stRadioOption"]').first.click)  # "Yes" is the first option
        item.wait_for(timeout=30_000)
    act(pg, item.locator("label").first.click)
