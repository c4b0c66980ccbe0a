"""Every page deep-linked in Chromium as the very first request a freshly started server sees.

Streamlit 1.67 with a top-level pages/ folder runs a deep-linked page file without app.py on
a fresh server; every page starts with ``ensure_frame()`` to render the frame itself then.
Each page gets a server of its own (started a few at a time, so the visits overlap with the
starts) and one shared browser opens ``/<page id>`` on it. Viewport screenshots are kept as
artifacts/screenshots/deeplink-cold-<page id>.png. A cold /selfcheck must show the self-check
locked (nothing is answered in a new session).
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor, as_completed

import pytest

from e2e.conftest import AppServer, key, menu_problems, shot, wait_idle
from nervetriage.content import load_content
from nervetriage.ui.nav import ALL_PAGES, STEPS
from nervetriage.ui_text import load_ui_text

pytestmark = pytest.mark.browser

UI = load_ui_text()
CONTENT = load_content()
PARALLEL_STARTS = 6  # servers booting at once
OPEN_AT_ONCE = 4  # pages loading at once, each on its own server, while further servers boot
TIMEOUT_MS = 60_000


def heading(page_id: str) -> str:
    """The title each page puts at its top (sign pages show the sign's own title)."""
    if page_id.startswith("sign"):
        return CONTENT.sign(int(page_id.removeprefix("sign"))).question
    if page_id == "welcome":
        return UI.app_title
    if page_id == "physio":
        return "Prepare a link for a client"
    return UI.heading(page_id)


def frame_problems(pg, page_id: str) -> list[str]:  # type: ignore[no-untyped-def]
    """What is missing or wrong on a cold-opened page (an empty list when it is all there)."""
    problems: list[str] = []
    main = pg.locator('[data-testid="stMain"]')
    if pg.locator('[data-testid="stException"]').count():
        problems.append("shows an exception: " + pg.locator('[data-testid="stException"]').first.inner_text()[:300])
    if "Page not found" in main.inner_text():
        problems.append("says 'Page not found'")
    title = main.get_by_role("heading", name=heading(page_id), exact=True)
    if title.count() != 1:
        problems.append(f"has {title.count()} headings {heading(page_id)!r}")
    problems += menu_problems(pg, page_id)
    if pg.locator(key("nav_reset")).count() != 1:
        problems.append("no 'Start over' button in the sidebar")
    progress = pg.locator('[data-testid="stProgress"]')
    if page_id in STEPS:
        label = UI.labels.progress.format(n=STEPS.index(page_id) + 1, total=len(STEPS), page=UI.nav[page_id])
        if progress.count() != 1 or label not in progress.inner_text():
            problems.append(f"no progress line {label!r}")
    elif progress.count():
        problems.append("shows a progress line outside the steps")
    if page_id == "selfcheck":  # nothing answered yet: locked, with no test instructions
        text = " ".join(main.inner_text().split())
        if UI.selfcheck.locked_body not in text or main.get_by_role("link", name=UI.selfcheck.locked_link).count() != 1:
            problems.append("the self-check is not shown locked (why, and a link to the safety check)")
        if pg.locator(key("selfcheck:gate_box")).count() or any(step in text for step in CONTENT.questions.slump_steps):
            problems.append("the locked self-check shows its gate or its test instructions")
    expect_back = page_id in STEPS
    expect_next = page_id in STEPS[:-1]
    back = pg.locator(key("nav_back")).get_by_role("button", name=UI.labels.back)
    forward = pg.locator(key("nav_next")).get_by_role("button")
    if back.count() != int(expect_back):
        problems.append(f"Back button count {back.count()}, expected {int(expect_back)}")
    if forward.count() != int(expect_next):
        problems.append(f"Next button count {forward.count()}, expected {int(expect_next)}")
    elif expect_next:
        caption = UI.labels.to_results if STEPS[STEPS.index(page_id) + 1] == "results" else UI.labels.next
        if forward.inner_text().strip() != caption:
            problems.append(f"Next button reads {forward.inner_text().strip()!r}, not {caption!r}")
    return problems


def settled_problems(pg, page_id: str, settle_ms: int = 15_000) -> list[str]:  # type: ignore[no-untyped-def]
    """``frame_problems`` once the page has settled.

    A fresh session runs twice: its first run draws the page, then the browser bridge
    reports what this tab kept and asks for a second run. On a loaded machine the check can
    land while that second run is redrawing the frame, so a missing piece is looked for
    again after the next idle, for up to ``settle_ms``; what is still wrong then is reported.
    """
    deadline = time.monotonic() + settle_ms / 1000
    while True:
        wait_idle(pg, timeout=TIMEOUT_MS)
        problems = frame_problems(pg, page_id)
        if not problems or time.monotonic() > deadline:
            return problems
        pg.wait_for_timeout(500)


class ColdVisit:
    """One page opened in its own browser context as the first request to its own server."""

    def __init__(self, browser, server: AppServer, page_id: str) -> None:  # type: ignore[no-untyped-def]
        self.server, self.page_id = server, page_id
        self.errors: list[str] = []
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.pg = self.context.new_page()
        self.pg.on("pageerror", lambda exc: self.errors.append(f"browser error: {exc}"))
        self.pg.goto(f"{server.url}/{page_id}", wait_until="commit")

    def finish(self) -> list[str]:
        """Wait for the page, check it, stop its server; what went wrong (empty when all is well)."""
        pg = self.pg
        try:
            main = pg.locator('[data-testid="stMain"]')
            main.get_by_role("heading", name=heading(self.page_id), exact=True).first.wait_for(timeout=TIMEOUT_MS)
            problems = settled_problems(pg, self.page_id) + self.errors
            shot(pg, f"deeplink-cold-{self.page_id}", full_page=False)
        except Exception as exc:  # a timeout names the page instead of ending the whole run
            problems = [f"did not render: {type(exc).__name__}: {str(exc).splitlines()[0]}", *self.errors]
        finally:
            self.context.close()
            self.server.stop()
        log = self.server.log_text()
        if "Traceback" in log:
            problems.append("server logged a traceback:\n" + log[-2000:])
        return problems


def test_every_page_deep_linked_as_a_fresh_servers_first_request_renders_inside_the_frame(browser) -> None:  # type: ignore[no-untyped-def]
    servers = {page_id: AppServer() for page_id in ALL_PAGES}
    failures: dict[str, list[str]] = {}
    opened: list[ColdVisit] = []

    def finish_oldest() -> None:
        visit = opened.pop(0)
        problems = visit.finish()
        if problems:
            failures[visit.page_id] = problems

    try:
        with ThreadPoolExecutor(max_workers=PARALLEL_STARTS) as pool:
            started = {pool.submit(servers[p].start): p for p in ALL_PAGES}
            for future in as_completed(started):
                page_id = started[future]
                if future.exception() is not None:
                    failures[page_id] = [f"server did not start: {future.exception()}"]
                    continue
                opened.append(ColdVisit(browser, servers[page_id], page_id))
                if len(opened) >= OPEN_AT_ONCE:
                    finish_oldest()
            while opened:
                finish_oldest()
    finally:  # after the pool has finished every start, so no server is left running
        for visit in opened:
            visit.context.close()
        for server in servers.values():
            server.stop()
    assert sorted(failures) == [], "\n".join(f"/{p}: " + "; ".join(msgs) for p, msgs in failures.items())
