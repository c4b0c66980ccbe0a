"""Answers kept in the browser (nervetriage/ui/browser_store.py) in headless Chromium.

A reload on every page, a server killed and started again mid-flow, "Remember on this
device" across browser contexts (on and off), two tabs changing the remembered copy, and
tampered storage. The answers a session holds are read back from what the bridge writes
once the session has synced (it writes the session's own answers, or removes the record
when the session is empty), so each check proves the server session has them too.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

from e2e.conftest import AppServer, act, assert_no_exception, goto_app, menu_to, shot, wait_idle
from nervetriage.examples import get_example
from nervetriage.models import Answers, JournalEntry
from nervetriage.share import answers_file_json, encode_link
from nervetriage.ui.nav import ALL_PAGES
from nervetriage.ui_text import load_ui_text

pytestmark = pytest.mark.browser

UI = load_ui_text()
TAB = "nervetriage:tab"
DEVICE = "nervetriage:device"
NOTE = "ZEBRA-7731 knee felt odd on the hill"  # a marker that must never reach the server log


def rich_answers() -> Answers:
    base = get_example("deep-buttock-sitting").answers
    journal = [
        JournalEntry(date=dt.date(2026, 10, 5) + dt.timedelta(weeks=i), flare_ups=5 - i, worst=7 - i, typical=4 - i,
                     duration_minutes=30, running_minutes=40 + 10 * i, note=NOTE if i == 0 else "")
        for i in range(3)
    ]
    return base.model_copy(update={"journal": journal})


def expected(answers: Answers) -> dict[str, Any]:
    return dict(json.loads(answers_file_json(answers)))


def stored(pg: Any, area: str = "sessionStorage", key: str = TAB) -> dict[str, Any] | None:
    raw = pg.evaluate(f"() => {area}.getItem({json.dumps(key)})")
    return json.loads(raw) if raw else None


def wait_stored(pg: Any, want: dict[str, Any] | None, area: str = "sessionStorage", key: str = TAB,
                timeout_s: float = 20) -> dict[str, Any] | None:
    """Wait until the bridge has written ``want`` (the answers object) under ``key``."""
    for _ in range(int(timeout_s * 10)):
        record = stored(pg, area, key)
        got = record["answers"] if record else None
        if got == want:
            return record
        pg.wait_for_timeout(100)
    raise AssertionError(f"{area}[{key}] holds {json.dumps(got)[:300] if got else got}, not the expected answers")


def sidebar_to(pg: Any, page_id: str) -> None:
    menu_to(pg, page_id)


def restored_note(pg: Any) -> str:
    pg.get_by_text("Restored your answers", exact=False).first.wait_for(timeout=20_000)
    return str(pg.locator('[data-testid="stAlert"]').first.inner_text())


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


def open_with_answers(pg: Any, server: AppServer, answers: Answers) -> None:
    goto_app(pg, f"{server.url}/?a={encode_link(answers)}")
    wait_stored(pg, expected(answers))


def test_a_reload_on_every_page_restores_every_answer_and_the_page(app_server: AppServer, context: Any) -> None:
    answers = rich_answers()
    pg = context.new_page()
    open_with_answers(pg, app_server, answers)
    for page_id in ALL_PAGES:
        sidebar_to(pg, page_id)
        url = pg.url
        pg.reload()
        goto_app(pg, pg.url)
        assert "Restored your answers from this browser tab" in restored_note(pg), page_id
        assert pg.url == url, f"{page_id}: the reload moved to {pg.url}"
        record = wait_stored(pg, expected(answers))
        assert record is not None and record["page"] == page_id
        assert_no_exception(pg)
    shot(pg, "persist-reload-results")
    assert NOTE not in app_server.log_text(), "answer text reached the server log"


def test_a_new_server_process_mid_flow_restores_the_answers(context: Any) -> None:
    first = AppServer()
    first.start()
    second = AppServer()
    second.port, second.url = first.port, first.url  # the same address, as after a restart
    try:
        answers = rich_answers()
        pg = context.new_page()
        open_with_answers(pg, first, answers)
        sidebar_to(pg, "sign3")
        first.stop()
        second.start()
        # The page reconnects by itself and its new session restores the answers at once,
        # before any click (so no click is lost to the new session).
        restored_note(pg)
        wait_stored(pg, expected(answers))
        assert pg.url.endswith("/sign3")
        sidebar_to(pg, "sign4")
        assert pg.url.endswith("/sign4")
        sidebar_to(pg, "journal")
        assert "3 check-ins" in pg.locator('[data-testid="stMain"]').inner_text().replace("\u200b", "")
        shot(pg, "persist-after-server-restart")
    finally:
        second.stop()
        first.stop()
    assert NOTE not in first.log_text() + second.log_text(), "answer text reached the server log"


def test_remember_on_this_device_restores_answers_and_journal_in_a_new_context(app_server: AppServer, browser: Any) -> None:
    answers = rich_answers()
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    open_with_answers(pg, app_server, answers)
    act(pg, pg.get_by_text(UI.storage.remember).click)
    wait_stored(pg, expected(answers), "localStorage", DEVICE)
    saved_state = ctx.storage_state()
    ctx.close()

    later = browser.new_context(viewport={"width": 1280, "height": 900}, storage_state=saved_state)
    try:
        pg = later.new_page()
        goto_app(pg, app_server.url)
        assert "remembered on this device" in restored_note(pg)
        wait_stored(pg, expected(answers))  # the new tab's session holds them
        sidebar_to(pg, "journal")
        assert "3 check-ins" in pg.locator('[data-testid="stMain"]').inner_text().replace("\u200b", "")
        shot(pg, "persist-remembered-new-context")
        # Forget this device: the remembered copy goes, this tab keeps its own
        act(pg, pg.get_by_role("button", name=UI.storage.forget).click)
        wait_stored(pg, None, "localStorage", DEVICE)
        wait_stored(pg, expected(answers))
    finally:
        later.close()


def test_without_remember_a_new_context_starts_empty(app_server: AppServer, browser: Any) -> None:
    ctx = browser.new_context()
    pg = ctx.new_page()
    open_with_answers(pg, app_server, rich_answers())
    saved_state = ctx.storage_state()
    ctx.close()
    assert not any(item["name"].startswith("nervetriage:device") for origin in saved_state["origins"]
                   for item in origin["localStorage"]), "nothing is remembered unless the person asks"
    later = browser.new_context(storage_state=saved_state)
    try:
        pg = later.new_page()
        goto_app(pg, app_server.url)
        pg.wait_for_timeout(1500)
        assert pg.get_by_text("Restored your answers").count() == 0
        assert stored(pg) is None
    finally:
        later.close()


def test_tampered_storage_shows_a_message_and_keeps_this_tabs_answers(app_server: AppServer, context: Any) -> None:
    answers = rich_answers()
    pg = context.new_page()
    open_with_answers(pg, app_server, answers)
    act(pg, pg.get_by_text(UI.storage.remember).click)
    wait_stored(pg, expected(answers), "localStorage", DEVICE)
    forged = json.dumps({"app": "nervetriage", "format": 1, "answers": {"regions": "[click](https://evil.example)"}})
    pg.evaluate(f"() => localStorage.setItem({json.dumps(DEVICE)}, {json.dumps(forged)})")
    pg.reload()
    goto_app(pg, pg.url)
    alert = pg.get_by_text("The answers remembered on this device could not be used", exact=False).first
    alert.wait_for(timeout=20_000)
    assert pg.locator('[data-testid="stAlert"] a').count() == 0
    wait_stored(pg, expected(answers))  # restored from this tab's own copy
    shot(pg, "persist-tampered-device-copy")
    # garbage in this tab's copy, with nothing remembered: a message and an empty form
    act(pg, pg.get_by_text(UI.storage.remember).click)
    wait_stored(pg, None, "localStorage", DEVICE)
    pg.evaluate(f"() => sessionStorage.setItem({json.dumps(TAB)}, 'not json {{')")
    pg.reload()
    goto_app(pg, pg.url)
    pg.get_by_text("The answers kept in this browser tab are not readable", exact=False).first.wait_for(timeout=20_000)
    assert_no_exception(pg)
    # another app on the same origin, under its own key, is left alone
    pg.evaluate("() => localStorage.setItem('other-app:state', '{\"x\": 1}')")
    sidebar_to(pg, "where")
    assert pg.evaluate("() => localStorage.getItem('other-app:state')") == '{"x": 1}'


def test_a_second_tab_never_silently_overwrites_the_first(app_server: AppServer, context: Any) -> None:
    first_answers = rich_answers()
    tab_a = context.new_page()
    open_with_answers(tab_a, app_server, first_answers)
    act(tab_a, tab_a.get_by_text(UI.storage.remember).click)
    wait_stored(tab_a, expected(first_answers), "localStorage", DEVICE)

    tab_b = context.new_page()  # same browser, same device storage, its own tab storage
    goto_app(tab_b, app_server.url)
    assert "remembered on this device" in restored_note(tab_b)
    sidebar_to(tab_b, "sign2")
    act(tab_b, tab_b.get_by_role("button", name="Burning", exact=True).click)
    b_record = stored(tab_b, "localStorage", DEVICE)
    assert b_record is not None and "burning" in json.dumps(b_record["answers"])

    tab_a.bring_to_front()
    sidebar_to(tab_a, "sign2")
    act(tab_a, tab_a.get_by_role("button", name="Tingling", exact=True).click)
    tab_a.get_by_text("changed in another tab", exact=False).first.wait_for(timeout=20_000)
    assert stored(tab_a, "localStorage", DEVICE) == b_record, "tab A overwrote tab B's later change without asking"
    shot(tab_a, "persist-two-tabs-question")
    act(tab_a, tab_a.get_by_role("button", name=UI.storage.keep_mine).click)
    for _ in range(100):
        record = stored(tab_a, "localStorage", DEVICE)
        if record and "tingling" in json.dumps(record["answers"]):
            break
        tab_a.wait_for_timeout(100)
    assert record and "tingling" in json.dumps(record["answers"]) and "burning" not in json.dumps(record["answers"])
    wait_idle(tab_a)
    assert_no_exception(tab_a)
