"""The physio's round trip in Chromium, as the people involved do it.

A physio makes a link with the clinic's name, a note, a reply address and a marked area; a
client on a phone opens it, rates the marked area, answers the safety check, types their
initials on Results and presses "Send to"; the test reads the ``mailto:`` the press opens,
and opens the result link from its body in a fresh desktop context as the clinician, who
asks for the clinician summary and downloads its PDF (its text checked with pypdf, page 1
rendered to PNG as artifacts/screenshots/handover-flow-clinician-pdf.png).
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from pypdf import PdfReader

from e2e.conftest import (
    ARTIFACTS,
    AppServer,
    act,
    assert_no_exception,
    goto_app,
    key,
    menu_link,
    page_called,
    panel_link,
    shot,
    tall_shot,
    wait_idle,
)
from nervetriage.handover import load_clinician_content
from nervetriage.share import decode_link, token_from_text

pytestmark = pytest.mark.browser

CONTACT = "desk@riverside-physio.example"
CLINIC = "Riverside Physio"
NOTE = "Hi Sam, please fill this in before Tuesday."
PAGE = load_clinician_content().page
# Notes the mailto: link the Send button opens instead of leaving the page for a mail program.
CATCH_MAILTO = """
document.addEventListener("click", (event) => {
  const link = event.composedPath().find((node) => node.tagName === "A");
  if (link && String(link.href).startsWith("mailto:")) {
    window.__mailto = link.href;
    event.preventDefault();
  }
}, true);
"""


def main_text(pg) -> str:  # type: ignore[no-untyped-def]
    return str(pg.locator('[data-testid="stMain"]').inner_text()).replace("\u200b", "")


def sidebar_to(pg, title: str) -> None:  # type: ignore[no-untyped-def]
    """Go to a page through the sidebar, opening it first where it is collapsed (on a phone)."""
    link = menu_link(pg, page_called(title))
    opener = pg.locator('[data-testid="stExpandSidebarButton"]')
    if not link.is_visible() or opener.is_visible():
        opener.click()
        link.wait_for(state="visible", timeout=10_000)
        pg.wait_for_timeout(400)  # the sidebar slides in
    act(pg, link.click)
    assert_no_exception(pg)
    closer = pg.locator('[data-testid="stSidebarCollapseButton"] button')
    if pg.viewport_size["width"] < 700 and closer.count() and pg.locator('[data-testid="stSidebar"][data-collapsed="false"]').count():
        closer.first.click()  # on a phone the open sidebar covers the page
        pg.wait_for_timeout(400)


def open_link(pg, url: str) -> None:  # type: ignore[no-untyped-def]
    goto_app(pg, url)
    pg.wait_for_url(lambda now: "?a=" not in now and "?c=" not in now, timeout=60_000)
    pg.locator('[data-testid="stMain"] [data-testid="stHeading"]').first.wait_for(timeout=60_000)
    wait_idle(pg)
    assert_no_exception(pg)


def test_physio_link_to_client_phone_to_send_to_to_clinician_summary_and_pdf(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server = AppServer()
    server.start()
    try:
        # --- the physio makes the link
        physio = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        goto_app(physio, f"{server.url}/physio")
        physio.locator(key("physio:clinic")).locator("input").fill(CLINIC)
        physio.locator(key("physio:contact")).locator("input").fill(CONTACT)
        physio.locator(key("physio:note")).locator("textarea").fill(NOTE)
        regions = physio.locator(key("physio:regions"))
        regions.locator("input").fill("Underside and inner heel")
        physio.keyboard.press("Enter")
        physio.keyboard.press("Escape")
        shot(physio, "handover-flow-00-physio-form", full_page=False)
        act(physio, physio.get_by_role("button", name="Create the link").click)
        clinic_link = panel_link(physio, "physio", "?c=")
        shot(physio, "handover-flow-01-physio", full_page=False)
        physio.context.close()

        # --- the client, on a phone
        phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                    has_touch=True)
        phone.add_init_script(CATCH_MAILTO)
        client = phone.new_page()
        open_link(client, clinic_link)
        note_box = client.locator(key("nt_clinic_note"))
        assert NOTE in note_box.inner_text() and CONTACT in note_box.inner_text().replace("\u200b", "")
        sidebar_to(client, "Where it hurts")
        assert "Marked by Riverside Physio" in main_text(client)
        assert client.locator(key("where:level:heel")).count() == 0, "no slider claims a strength for the clinic's mark"
        act(client, client.locator(key("where:rate:heel")).get_by_role("radio", name="7", exact=True).tap)
        client.locator(key("where:level:heel")).wait_for(timeout=30_000)
        sidebar_to(client, "Safety check")
        act(client, client.locator(key("safety:none")).locator("label").tap)
        sidebar_to(client, "Results")
        name = client.locator(key("nt_client_name")).locator("input")
        name.scroll_into_view_if_needed()
        name.tap()
        name.fill("S.K.")
        act(client, lambda: client.keyboard.press("Enter"))
        send = client.locator(f"{key('nt_handover_results')} [data-nt='send']")
        send.wait_for(timeout=30_000)
        assert send.inner_text().strip() == f"Send to {CLINIC}"
        send.scroll_into_view_if_needed()
        shot(client, "handover-flow-02-client-send-phone", full_page=False)
        box = send.bounding_box()
        assert box is not None and box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 390
        send.tap()
        client.wait_for_function("() => typeof window.__mailto === 'string'", timeout=10_000)
        mailto = str(client.evaluate("() => window.__mailto"))
        phone.close()

        parts = urlsplit(mailto)
        assert parts.scheme == "mailto" and unquote(parts.path) == CONTACT
        query = parse_qs(parts.query)
        assert set(query) == {"subject", "body"}
        assert query["subject"] == ["NerveTriage results: S.K."]
        body = query["body"][0]
        result_link = next(line.split(": ", 1)[1] for line in body.splitlines() if line.startswith("Open them here: "))
        assert result_link.startswith(f"{server.url}/results?a=")
        returned = decode_link(token_from_text(result_link)[1])
        assert returned.client == "S.K." and returned.dated == dt.date.today()
        assert [(r.region, r.intensity, r.from_clinic) for r in returned.regions] == [("heel", 7, True)]
        assert returned.red_flags == []

        # --- the clinician opens the returned link
        desk = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        clinician = desk.new_page()
        open_link(clinician, result_link)
        act(clinician, clinician.locator(key("nt_open_clinician")).get_by_role("button").click)
        clinician.wait_for_url(lambda now: now.rstrip("/").endswith("/clinician"), timeout=30_000)
        clinician.get_by_role("heading", name=PAGE.heading, exact=True).wait_for(timeout=30_000)
        wait_idle(clinician)
        text = main_text(clinician)
        for needed in ("S.K.", dt.date.today().strftime("%d %b %Y"), CLINIC, "Completed, negative", "Not answered",
                       "Underside and inner heel, left: 7/10, marked by the clinic", "History", "Rest and night pain",
                       "Seated slump self-check done"):
            assert needed in text, needed
        assert clinician.locator('[data-testid="stProgress"]').count() == 0, "no 'Step 11 of 11' for a clinician"
        assert "Your result" not in text
        # "not answered" looks different from "no": grey italics, never the plain word
        cell = clinician.locator('[data-testid="stTable"] td', has_text="Not answered").first
        assert cell.evaluate("(td) => getComputedStyle(td).fontStyle") == "italic"
        plain = clinician.locator('[data-testid="stTable"] td').filter(has_text="No").filter(has_not_text="Not").first
        if plain.count():
            assert plain.evaluate("(td) => getComputedStyle(td).fontStyle") == "normal"
        tall_shot(clinician, "handover-flow-03-clinician-view")
        act(clinician, clinician.locator(key("nt_prepare_clinician_pdf")).get_by_role("button").click)
        button = clinician.locator(key("nt_download_clinician_pdf")).get_by_role("button")
        button.wait_for(timeout=60_000)
        with clinician.expect_download() as info:
            button.click()
        download = info.value
        assert download.suggested_filename == f"nervetriage-clinician-S-K-{dt.date.today().isoformat()}.pdf"
        pdf_path = tmp_path / download.suggested_filename
        download.save_as(pdf_path)
        reader = PdfReader(io.BytesIO(pdf_path.read_bytes()))
        assert len(reader.pages) == 1
        pdf_text = " ".join((page.extract_text() or "") for page in reader.pages)
        for needed in ("S.K.", CLINIC, "Red-flag screen", "Not answered", "marked by the clinic"):
            assert needed in pdf_text, needed
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf_path),
                        str(ARTIFACTS / "handover-flow-clinician-pdf")], check=True, timeout=60)

        # --- the same link opened straight on the clinician page stays there
        direct = desk.new_page()
        open_link(direct, result_link.replace("/results?", "/clinician?"))
        assert direct.url.rstrip("/").endswith("/clinician")
        assert "S.K." in main_text(direct)
        desk.close()
    finally:
        server.stop()
    assert "Traceback" not in server.log_text()
    assert "S.K." not in server.log_text() and CONTACT not in server.log_text()
