"""Repeated full flows in a real browser, each carrying hostile text, against one server.

Three flows run one after another on the same server (a small soak). Each one: a physio
prepares a clinic link whose name and note are markup or script; the client opens it,
walks every step to Results, and adds a journal check-in with a hostile note. At every
stop the text must appear as text: no element injected, no script run (the payloads
would set ``window.__xss``), no dialog opened, no exception shown, no server traceback.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from e2e.conftest import AppServer, assert_no_exception, goto_app, key, menu_link, panel_link, shot, wait_idle
from nervetriage.ui.nav import STEPS

pytestmark = pytest.mark.browser

PAYLOADS = [
    ("<script>window.__xss=1</script>", '<img src=x onerror="window.__xss=1">'),
    ("**Bold** [click](javascript:window.__xss=1)", "<a href=\"javascript:window.__xss=1\">open</a> _it_ `code` $x^2$"),
    ('"><svg onload=window.__xss=1>', "</div><iframe srcdoc=\"<script>parent.__xss=1</script>\"></iframe> :red[red]"),
]

INJECTED = """() => {
  const main = document.querySelector('[data-testid="stApp"]');
  const found = [];
  const risky = 'script, iframe, svg[onload], img[onerror], [onclick], [onload]';
  for (const el of main.querySelectorAll(risky)) found.push(el.outerHTML.slice(0, 120));
  for (const a of main.querySelectorAll('a[href]')) {
    if (a.getAttribute('href').trim().toLowerCase().startsWith('javascript:')) found.push(a.outerHTML.slice(0, 120));
  }
  return {found, xss: window.__xss === 1};
}"""


def assert_only_text(pg: Any, where: str, dialogs: list[str]) -> None:
    state = pg.evaluate(INJECTED)
    assert state["found"] == [], f"{where}: markup from user text became elements: {state['found']}"
    assert not state["xss"], f"{where}: a script from user text ran"
    assert dialogs == [], f"{where}: a dialog opened: {dialogs}"
    assert_no_exception(pg)


def visible_text(pg: Any) -> str:
    """The page's text; zero-width spaces (the app puts one in "javascript:" so it cannot autolink) removed."""
    return str(pg.locator('[data-testid="stApp"]').inner_text()).replace("\u200b", "")


def make_clinic_link(pg: Any, base: str, clinic: str, note: str) -> str:
    goto_app(pg, f"{base}/physio")
    pg.locator(key("physio:clinic")).locator("input").fill(clinic)
    pg.locator(key("physio:note")).locator("textarea").fill(note)
    pg.get_by_role("button", name="Create the link").click()
    link = panel_link(pg, "physio", "?c=")
    wait_idle(pg)
    return link


def walk_to_results(pg: Any) -> None:
    pg.locator(f"{key('welcome_start')} button").click()
    for step in STEPS[:-1]:
        pg.wait_for_url(f"**/{step}", timeout=30_000)
        wait_idle(pg)
        pg.locator(f"{key('nav_next')} button").click()
    pg.wait_for_url("**/results", timeout=30_000)
    wait_idle(pg)


def add_journal_note(pg: Any, note: str) -> None:
    menu_link(pg, "journal").click()
    pg.wait_for_url("**/journal", timeout=30_000)
    wait_idle(pg)
    pg.locator(key("nt_journal_note")).locator("textarea").fill(note)
    form = pg.locator('[data-testid="stForm"]').filter(has=pg.locator(key("nt_journal_note")))
    form.locator('[data-testid="stFormSubmitButton"] button').click()
    wait_idle(pg)
    pg.get_by_text(re.compile(r"What helped, what flared it, notes")).click()
    wait_idle(pg)


@pytest.mark.parametrize(("clinic", "note"), PAYLOADS, ids=["script-img", "markdown-links", "svg-iframe"])
def test_repeated_full_flows_show_hostile_text_only_as_text(app_server: AppServer, browser: Any, clinic: str, note: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    pg.on("dialog", on_dialog)
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        link = make_clinic_link(pg, app_server.url, clinic, note)
        assert_only_text(pg, "physio", dialogs)

        goto_app(pg, link)
        pg.get_by_text(note, exact=True).wait_for(timeout=30_000)  # the whole note, verbatim, as text
        assert clinic in visible_text(pg)
        assert_only_text(pg, "welcome from the clinic link", dialogs)

        walk_to_results(pg)
        assert clinic in visible_text(pg), "Results names the clinic to send the results back to"
        assert_only_text(pg, "results", dialogs)

        add_journal_note(pg, note)
        assert f"Note: {note}" in visible_text(pg)
        assert_only_text(pg, "journal", dialogs)
        assert errors == [], errors
    except Exception:
        shot(pg, f"FAILED-soak-{PAYLOADS.index((clinic, note))}")
        raise
    finally:
        context.close()
    assert "Traceback" not in app_server.log_text()
