"""The "send it back" panel (nervetriage/ui/handover_widget.py) in headless Chromium.

tests/apps/handover_app.py shows one panel with a 254-character results link and a clinic
mailto: link. Checked: copying by keyboard (Tab, Enter, Space) and by a tap at phone size,
the clipboard holding exactly the link; the execCommand fallback and, when both ways fail,
the link selected for the person; the Send link's href and what it decodes to; Share only
where navigator.share exists, with title, text and url; an update in place on a rerun
(another link, a refused javascript: "mailto"); the page's Content-Security-Policy; no
page error, no console error, no message to the server and nothing in its log.
Screenshots: artifacts/screenshots/handover-*.png.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from apps.handover_app import LINK, MAILTO, NOT_MAILTO, OTHER_LINK, OTHER_TOKEN, SEND_LABEL, SHARE_TEXT, SHARE_TITLE, TOKEN
from playwright.sync_api import expect

from e2e.conftest import ROOT, AppServer, act, assert_no_exception, goto_app, shot, shot_on_failure, wait_idle

pytestmark = pytest.mark.browser

PANEL = ".st-key-nt_handover_results"
CLIPBOARD = ["clipboard-read", "clipboard-write"]
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}}
PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
FAKE_SHARE = """
navigator.share = async (data) => {
  window.__shared = data;
  if (window.__shareError) throw new DOMException('share failed', window.__shareError);
};
"""
WATCH_CSP = """
document.addEventListener('securitypolicyviolation', (e) => {
  (window.__ntViolations = window.__ntViolations || []).push(e.effectiveDirective + ' ' + e.blockedURI + ' ' + e.sourceFile);
});
"""
# Make the Clipboard API refuse, as it does without permission or on an unfocused page.
REFUSE_CLIPBOARD = "navigator.clipboard.writeText = () => Promise.reject(new DOMException('refused', 'NotAllowedError'));"
REFUSE_EXEC_COMMAND = "document.execCommand = () => false;"
# Count the Clipboard API writes (one tap must write once, however many reruns came before).
COUNT_WRITES = """
const write = navigator.clipboard.writeText.bind(navigator.clipboard);
navigator.clipboard.writeText = (text) => { window.__writes = (window.__writes || 0) + 1; return write(text); };
"""


@pytest.fixture(scope="module")
def server() -> Iterator[AppServer]:
    running = AppServer(script="tests/apps/handover_app.py")
    running.start()
    yield running
    running.stop()
    log = running.log_text()
    assert "Traceback" not in log, f"server logged a traceback:\n{log[-3000:]}"
    assert TOKEN not in log and OTHER_TOKEN not in log, "the link reached the server log"


class Opened:
    """A page of the app in its own context, with what went wrong on it and what it sent."""

    def __init__(self, pg: Any) -> None:
        self.pg = pg
        self.problems: list[str] = []
        self.sent: list[str] = []

    def part(self, name: str) -> Any:
        return self.pg.locator(f'{PANEL} [data-nt="{name}"]')

    def clipboard(self) -> str:
        return str(self.pg.evaluate("() => navigator.clipboard.readText()"))

    def set_clipboard(self, text: str) -> None:
        self.pg.evaluate("(text) => navigator.clipboard.writeText(text)", text)

    def focused(self, name: str) -> bool:
        return bool(self.part(name).evaluate("(el) => el.getRootNode().activeElement === el"))

    def box(self, name: str) -> dict[str, float]:
        box = self.part(name).bounding_box()
        assert box is not None, f"{name} is not shown"
        return dict(box)


@contextlib.contextmanager
def opened(browser: Any, server: AppServer, name: str, device: dict[str, Any] = DESKTOP, *, scripts: tuple[str, ...] = (),
           csp: str | None = None) -> Iterator[Opened]:
    """The app in a fresh context allowed to use the clipboard; fails on any page or console error."""
    # A page served through route.fulfill is no longer "local" to Chromium, whose Local Network
    # Access checks then block its WebSocket to localhost unless allowed.
    context = browser.new_context(permissions=CLIPBOARD + (["local-network-access"] if csp else []), **device)
    for script in scripts:
        context.add_init_script(script)
    if csp is not None:
        def with_csp(route: Any) -> None:
            response = route.fetch()
            route.fulfill(response=response, headers={**response.headers, "content-security-policy": csp})

        context.route(re.compile(re.escape(server.url) + r"/(\?.*)?$"), with_csp)
    pg = context.new_page()
    page = Opened(pg)
    pg.on("pageerror", lambda exc: page.problems.append(f"pageerror: {exc}"))
    pg.on("console", lambda msg: page.problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    pg.on("websocket", lambda ws: ws.on("framesent", lambda payload: page.sent.append(str(payload)[:200])))
    try:
        with shot_on_failure(pg, f"handover-{name}"):
            goto_app(pg, server.url)
            expect(page.part("link")).to_have_value(LINK, timeout=30_000)
            assert_no_exception(pg)
            yield page
            assert page.problems == [], page.problems
    finally:
        context.close()


def test_keyboard_only_copy_and_send(browser: Any, server: AppServer) -> None:
    """Tab from the link reaches Copy; Enter and Space copy exactly the link; Tab reaches Send, Space opens it."""
    with opened(browser, server, "keyboard") as page:
        pg = page.pg
        page.part("link").focus()
        assert page.focused("link")
        pg.keyboard.press("Tab")
        assert page.focused("copy"), "Tab from the link field does not reach Copy link"
        ring = page.part("copy").evaluate("(el) => [getComputedStyle(el).outlineStyle, getComputedStyle(el).outlineWidth]")
        assert ring == ["solid", "2px"], f"no visible focus ring on Copy link: {ring}"
        pg.keyboard.press("Enter")
        expect(page.part("status")).to_have_text("Link copied")
        assert page.clipboard() == LINK

        page.set_clipboard("something else")
        page.part("copy").focus()
        pg.keyboard.press("Space")
        pg.wait_for_function("(link) => navigator.clipboard.readText().then((t) => t === link)", arg=LINK, timeout=5000)
        assert page.clipboard() == LINK
        expect(page.part("status")).to_have_text("Link copied")
        assert page.focused("copy"), "copying moved the focus away from Copy link"

        pg.keyboard.press("Shift+Tab")
        assert page.focused("link")
        pg.keyboard.press("Tab")
        pg.keyboard.press("Tab")
        if page.part("share").is_visible():
            assert page.focused("share")
            pg.keyboard.press("Tab")
        assert page.focused("send"), "Tab does not reach the Send link"
        # Note where the link goes instead of leaving the page for a mail program.
        page.part("send").evaluate(
            "(el) => el.addEventListener('click', (e) => { window.__sent = (window.__sent || []).concat(el.href); e.preventDefault(); })")
        pg.keyboard.press("Space")
        pg.keyboard.press("Enter")
        assert pg.evaluate("() => window.__sent") == [MAILTO, MAILTO]


def test_a_tap_copies_at_phone_size_and_everything_fits(browser: Any, server: AppServer) -> None:
    with opened(browser, server, "phone", PHONE) as page:
        pg = page.pg
        wait_idle(pg)
        frames_before = len(page.sent)
        page.part("copy").tap()
        expect(page.part("status")).to_have_text("Link copied")
        assert page.clipboard() == LINK
        pg.wait_for_timeout(500)
        assert page.sent[frames_before:] == [], "copying sent something to the server"

        width = PHONE["viewport"]["width"]
        for name in ("copy", "send"):
            box = page.box(name)
            assert box["height"] >= 44, f"{name} is {box['height']} px tall"
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"{name} leaves the viewport: {box}"
        field = page.box("link")
        assert field["x"] >= 0 and field["x"] + field["width"] <= width, f"the link field leaves the viewport: {field}"
        assert field["height"] >= 44
        fits = page.part("link").evaluate("(el) => [el.scrollWidth, el.clientWidth, el.scrollHeight, el.clientHeight]")
        assert fits[0] <= fits[1], f"the link scrolls sideways in its field: {fits}"
        assert fits[2] <= fits[3] + 1, f"the whole link is not shown on a phone: {fits}"
        assert pg.evaluate("() => document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
        shot(pg, "handover-phone")


def test_the_send_link_opens_a_message_to_the_clinic(browser: Any, server: AppServer) -> None:
    with opened(browser, server, "send") as page:
        send = page.part("send")
        expect(send).to_be_visible()
        expect(send).to_have_text(SEND_LABEL)
        href = send.get_attribute("href")
        assert href == MAILTO
        parts = urlsplit(href)
        assert (parts.scheme, parts.path, parts.fragment) == ("mailto", "clinic@example.org", "")
        assert parse_qs(parts.query, keep_blank_values=True, strict_parsing=True) == {
            "subject": ["Results from J.D."],
            "body": ["line one\r\nline two\r\n" + LINK],
        }
        assert send.evaluate("(el) => el.tagName") == "A"
        assert page.part("copy").evaluate("(el) => [el.tagName, el.type]") == ["BUTTON", "button"]
        colours = send.evaluate("(el) => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]")
        assert colours == ["rgb(31, 111, 120)", "rgb(255, 255, 255)"], f"Send is not in the theme's primary colour: {colours}"
        assert page.box("send")["height"] >= 44
        shot(page.pg, "handover-desktop")


def test_share_only_where_the_browser_can_and_with_the_link(browser: Any, server: AppServer) -> None:
    with opened(browser, server, "no-share") as page:
        has_share = page.pg.evaluate("() => typeof navigator.share === 'function'")
        if has_share:
            expect(page.part("share")).to_be_visible()
        else:
            expect(page.part("share")).to_be_hidden()

    with opened(browser, server, "share", PHONE, scripts=(FAKE_SHARE,)) as page:
        pg = page.pg
        share = page.part("share")
        expect(share).to_be_visible()
        expect(share).to_have_text("Share…")
        assert page.box("share")["height"] >= 44
        shot(pg, "handover-phone-share")
        share.tap()
        pg.wait_for_function("() => window.__shared !== undefined", timeout=5000)
        assert pg.evaluate("() => window.__shared") == {"title": SHARE_TITLE, "text": SHARE_TEXT, "url": LINK}
        assert page.part("status").text_content() == ""

        # The person closes the share sheet: nothing to report, no error.
        pg.evaluate("() => { window.__shared = undefined; window.__shareError = 'AbortError'; }")
        share.tap()
        pg.wait_for_function("() => window.__shared !== undefined", timeout=5000)
        pg.wait_for_timeout(300)
        assert page.part("status").text_content() == ""

        # Sharing fails otherwise: the link is copied instead.
        page.set_clipboard("something else")
        pg.evaluate("() => { window.__shareError = 'NotAllowedError'; }")
        share.tap()
        expect(page.part("status")).to_have_text("Link copied")
        assert page.clipboard() == LINK


def test_the_fallback_copy_and_when_nothing_can_copy(browser: Any, server: AppServer) -> None:
    with opened(browser, server, "exec-command", PHONE, scripts=(REFUSE_CLIPBOARD,)) as page:
        page.part("copy").tap()
        expect(page.part("status")).to_have_text("Link copied")
        assert page.clipboard() == LINK, "document.execCommand('copy') did not copy the link"
        assert page.pg.evaluate("() => document.querySelectorAll('textarea').length") == 0
        assert page.part("copy").evaluate("(el) => el.getRootNode().querySelectorAll('textarea').length") == 1

    with opened(browser, server, "no-copy", DESKTOP, scripts=(REFUSE_CLIPBOARD, REFUSE_EXEC_COMMAND)) as page:
        page.part("copy").click()
        expect(page.part("status")).to_have_text("Select the link and copy it")
        assert page.focused("link")
        selected = page.part("link").evaluate("(el) => [el.selectionStart, el.selectionEnd, el.value.length]")
        assert selected == [0, len(LINK), len(LINK)], f"the link is not selected for copying: {selected}"


def test_a_rerun_updates_the_panel_in_place(browser: Any, server: AppServer) -> None:
    with opened(browser, server, "rerun", DESKTOP, scripts=(COUNT_WRITES,)) as page:
        pg = page.pg
        page.part("panel").evaluate("(el) => { el.__ntMark = 'first'; }")
        page.part("copy").click()
        expect(page.part("status")).to_have_text("Link copied")

        act(pg, pg.get_by_text("Another link").click)
        expect(page.part("link")).to_have_value(OTHER_LINK)
        assert page.part("panel").evaluate("(el) => el.__ntMark") == "first", "the panel was built again, not updated"
        expect(page.part("send")).to_be_hidden()
        assert page.part("send").get_attribute("href") is None, f"a non-mailto link was shown: {NOT_MAILTO}"
        assert page.part("status").text_content() == "", "the old link's status stayed"
        assert pg.evaluate("() => window.__writes") == 1

        act(pg, pg.get_by_text("Another link").click)
        expect(page.part("link")).to_have_value(LINK)
        expect(page.part("send")).to_have_attribute("href", MAILTO)
        assert page.part("panel").count() == 1
        page.part("copy").click()
        expect(page.part("status")).to_have_text("Link copied")
        assert pg.evaluate("() => window.__writes") == 2, "one click wrote more than once (listeners added again)"
        assert page.clipboard() == LINK


def test_the_panel_works_under_the_sites_content_security_policy(browser: Any, server: AppServer) -> None:
    template = (ROOT / "deploy" / "nginx.conf.template").read_text(encoding="utf-8")
    match = re.search(r'add_header Content-Security-Policy "([^"]+)" always;', template)
    assert match, "no CSP in deploy/nginx.conf.template"
    with opened(browser, server, "csp", PHONE, scripts=(WATCH_CSP,), csp=match.group(1)) as page:
        page.part("copy").tap()
        expect(page.part("status")).to_have_text("Link copied")
        assert page.clipboard() == LINK
        sheet = page.part("copy").evaluate("(el) => getComputedStyle(el).minHeight")
        assert sheet == "44px", "handover.css did not load under the CSP"
        assert page.pg.evaluate("() => window.__ntViolations || []") == []


def test_nothing_reaches_the_server_log(server: AppServer) -> None:
    log = server.log_text()
    assert TOKEN not in log and OTHER_TOKEN not in log
    assert "clinic@example.org" not in log
