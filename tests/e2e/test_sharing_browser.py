"""Share links, clinic links, uploads and downloads in headless Chromium.

A real browser drops query params when the page changes and starts a new session on
every page load, which AppTest does not; these tests pin the behaviour people get.
Screenshots go to artifacts/screenshots/sharing-*.png.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from e2e.conftest import AppServer, assert_no_exception, goto_app, key, menu_link, page_called, panel_link, shot, tall_shot, wait_idle
from nervetriage.examples import get_example
from nervetriage.models import Answers
from nervetriage.scoring import assess
from nervetriage.share import MAX_FILE_BYTES, answers_file_json, decode_link, encode_link, token_from_text

pytestmark = pytest.mark.browser

NOTE = "Hi Sam – please fill this in before Tuesday. **not bold** [click](http://evil.example) <b>x</b>"


def main_text(pg) -> str:  # type: ignore[no-untyped-def]
    return str(pg.locator('[data-testid="stMain"]').inner_text())


def open_url(pg, url: str) -> None:  # type: ignore[no-untyped-def]
    """Open ``url`` and wait until its first run has finished.

    The app drops ``?a=``/``?c=`` from the address bar in the run that applies the link, so
    for a link wait for that, not only for an idle script: on a loaded machine the idle
    state can be seen before that run has even started.
    """
    goto_app(pg, url)
    if "?a=" in url or "?c=" in url:
        pg.wait_for_url(lambda now: "?a=" not in now and "?c=" not in now, timeout=60_000)
    pg.locator('[data-testid="stMain"] [data-testid="stHeading"]').first.wait_for(timeout=60_000)
    wait_idle(pg)
    assert_no_exception(pg)


def sidebar_to(pg, title: str) -> None:  # type: ignore[no-untyped-def]
    page_id = page_called(title)
    menu_link(pg, page_id).click()
    pg.wait_for_url(re.compile(r".*/" + ("" if page_id == "welcome" else page_id) + r"$"), timeout=30_000)
    wait_idle(pg)
    assert_no_exception(pg)


def _likely() -> Answers:
    return get_example("race-belt-thigh").fresh_answers()


def test_share_link_opens_on_results_with_the_band(app_server: AppServer, page) -> None:  # type: ignore[no-untyped-def]
    original = _likely()
    open_url(page, f"{app_server.url}/results?a={encode_link(original)}")
    text = main_text(page)
    assert assess(original).band_label in text
    assert "Answers restored from the shared link." in text
    assert "Example case:" in text
    assert "?a=" not in page.url, "the applied link is dropped from the address bar"
    shot(page, "sharing-01-results-from-link")


def test_share_link_to_the_app_root_switches_to_results(app_server: AppServer, page) -> None:  # type: ignore[no-untyped-def]
    original = _likely()
    open_url(page, f"{app_server.url}/?a={encode_link(original)}")
    page.wait_for_url(re.compile(r".*/results$"))
    assert assess(original).band_label in main_text(page)


def test_answers_survive_navigation_after_the_link_is_dropped(app_server: AppServer, page) -> None:  # type: ignore[no-untyped-def]
    original = _likely()
    open_url(page, f"{app_server.url}/results?a={encode_link(original)}")
    sidebar_to(page, "Welcome")
    assert "Answers restored" not in main_text(page)
    sidebar_to(page, "Results")
    text = main_text(page)
    assert assess(original).band_label in text
    assert "Answers restored" not in text, "a link is applied once, not again on navigation"


def test_tampered_link_shows_the_clear_message(app_server: AppServer, page) -> None:  # type: ignore[no-untyped-def]
    token = encode_link(_likely())
    tampered = token[:30] + ("A" if token[30] != "A" else "B") + token[31:]
    open_url(page, f"{app_server.url}/results?a={tampered}")
    alert = page.locator('[data-testid="stAlertContentError"]').first
    alert.wait_for()
    assert "This link is damaged or incomplete" in alert.inner_text()
    assert "Your answers were not changed." in alert.inner_text()
    assert assess(_likely()).band_label not in main_text(page)
    shot(page, "sharing-02-tampered-link")


def test_tampered_link_in_a_running_session_leaves_the_answers_untouched(app_server: AppServer, page) -> None:  # type: ignore[no-untyped-def]
    """The app reads the address bar on every rerun: a bad link arriving mid-session changes nothing."""
    original = _likely()
    token = encode_link(original)
    open_url(page, f"{app_server.url}/results?a={token}")
    tampered = token[:30] + ("A" if token[30] != "A" else "B") + token[31:]
    page.evaluate(f"history.replaceState(null, '', '?a={tampered}')")
    page.locator("body").press("r")  # Streamlit's rerun shortcut: the rerun carries the new query string
    alert = page.locator('[data-testid="stAlertContentError"]').first
    alert.wait_for()
    wait_idle(page)
    assert "This link is damaged or incomplete" in alert.inner_text()
    assert assess(original).band_label in main_text(page), "the answers restored earlier are still shown"


def test_results_link_copied_from_the_page_reopens_the_same_answers(app_server: AppServer, browser, page) -> None:  # type: ignore[no-untyped-def]
    original = _likely()
    open_url(page, f"{app_server.url}/results?a={encode_link(original)}")
    links = [panel_link(page, "results", "?a=")]
    assert links[0].startswith(f"{app_server.url}/results?a=")
    assert decode_link(token_from_text(links[0])[1]).model_copy(update={"dated": None}) == original
    page.locator(key("nt_prepare_pdf")).scroll_into_view_if_needed()
    shot(page, "sharing-03-share-panel", full_page=False)
    other = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    open_url(other, links[0])
    assert assess(original).band_label in main_text(other)
    other.context.close()


def test_pdf_and_answers_file_download_from_results(app_server: AppServer, page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    original = _likely()
    open_url(page, f"{app_server.url}/results?a={encode_link(original)}")
    page.locator(key("nt_prepare_pdf")).get_by_role("button").click()
    page.locator(key("nt_download_pdf")).get_by_role("button").wait_for(timeout=60_000)
    with page.expect_download() as pdf_info:
        page.locator(key("nt_download_pdf")).get_by_role("button").click()
    pdf_path = tmp_path / "report.pdf"
    pdf_info.value.save_as(pdf_path)
    assert pdf_info.value.suggested_filename.endswith(".pdf")
    pdf_text = " ".join("\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages).split())
    assert assess(original).band_label in pdf_text
    with page.expect_download() as json_info:
        page.locator(key("nt_download_json")).get_by_role("button").click()
    json_path = tmp_path / "answers.json"
    json_info.value.save_as(json_path)
    saved = Answers.model_validate_json(json_path.read_text(encoding="utf-8"))
    assert saved.dated == dt.date.today(), "the answers file carries the day it was saved"
    assert saved.model_copy(update={"dated": None}) == original
    assert json_info.value.suggested_filename == f"nervetriage-answers-{dt.date.today().isoformat()}.json"
    assert pdf_info.value.suggested_filename == f"nervetriage-report-{dt.date.today().isoformat()}.pdf"
    assert_no_exception(page)


def _upload(pg, path: Path) -> None:  # type: ignore[no-untyped-def]
    pg.locator(key("nt_upload")).locator('input[type="file"]').set_input_files(str(path))
    wait_idle(pg)
    assert_no_exception(pg)


# Every size the page states, as text: "2.1 MB", "3MB", "2,100 KB", "2000000 bytes"...
SIZES = re.compile(r"\d[\d,.]*\s?(?:[KkMG]i?B|bytes)\b")


def _stated_sizes(pg) -> list[str]:  # type: ignore[no-untyped-def]
    """The sizes the main area states (captions, the uploader, errors), leaving out the size
    Streamlit gives a file once it is chosen (that is the file's size, not a limit)."""
    text = pg.evaluate("""() => {
      const main = document.querySelector('[data-testid="stMain"]').cloneNode(true);
      main.querySelectorAll('[data-testid="stFileChip"]').forEach((e) => e.remove());
      document.body.appendChild(main);  // innerText needs it laid out, and hidden parts stay out
      const text = main.innerText;
      main.remove();
      return text;
    }""")
    return SIZES.findall(text)


def test_each_upload_states_one_limit_once_and_a_refusal_names_the_same(app_server: AppServer, page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The caption states the app's own limit; Streamlit's "3MB per file" (its transport cap) is
    not shown beside it; a file over the limit is refused naming the same figure."""
    from nervetriage.journal import MAX_CSV_BYTES
    from nervetriage.units import megabytes

    open_url(page, app_server.url)
    assert page.locator('[data-testid="stFileUploaderDropzoneInstructions"]').first.is_hidden()
    assert _stated_sizes(page) == [megabytes(MAX_FILE_BYTES)], _stated_sizes(page)
    huge = tmp_path / "huge.json"
    huge.write_text(" " * (MAX_FILE_BYTES + 1), encoding="utf-8")
    _upload(page, huge)
    error = page.locator('[data-testid="stAlertContentError"]').first
    error.wait_for()
    assert megabytes(MAX_FILE_BYTES) in error.inner_text()
    assert set(_stated_sizes(page)) == {megabytes(MAX_FILE_BYTES)}, _stated_sizes(page)

    sidebar_to(page, "Recovery journal")
    assert page.locator('[data-testid="stFileUploaderDropzoneInstructions"]').first.is_hidden()
    assert _stated_sizes(page) == [megabytes(MAX_CSV_BYTES)], _stated_sizes(page)
    big = tmp_path / "big.csv"
    big.write_text("x" * (MAX_CSV_BYTES + 1), encoding="utf-8")
    page.locator('[data-testid="stMain"] [data-testid="stFileUploader"] input[type="file"]').set_input_files(str(big))
    refusal = page.get_by_text(f"a journal CSV is at most {megabytes(MAX_CSV_BYTES)}", exact=False)
    refusal.wait_for()
    assert set(_stated_sizes(page)) == {megabytes(MAX_CSV_BYTES)}, _stated_sizes(page)
    refusal.scroll_into_view_if_needed()
    shot(page, "upload-one-limit-journal", full_page=False)
    assert_no_exception(page)


def test_uploads_oversize_and_malformed_are_refused_a_good_one_restores(app_server: AppServer, page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    open_url(page, app_server.url)
    huge = tmp_path / "huge.json"
    huge.write_text(json.dumps({"note": "x", "pad": " " * (MAX_FILE_BYTES + 100)}), encoding="utf-8")
    _upload(page, huge)
    error = page.locator('[data-testid="stAlertContentError"]').first
    error.wait_for()
    assert "too large" in error.inner_text()
    error.scroll_into_view_if_needed()
    shot(page, "sharing-04-upload-too-large", full_page=False)
    broken = tmp_path / "broken.json"
    broken.write_text('{"regions": [', encoding="utf-8")
    _upload(page, broken)
    page.get_by_text("not valid JSON", exact=False).first.wait_for()
    good = tmp_path / "good.json"
    good.write_text(answers_file_json(_likely()), encoding="utf-8")
    _upload(page, good)
    page.get_by_text("Answers restored from good.json.").wait_for()
    page.locator(key("nt_upload_results")).get_by_role("button").click()
    wait_idle(page)
    assert assess(_likely()).band_label in main_text(page)


def test_physio_link_shows_the_clinic_note_as_plain_text(app_server: AppServer, browser, page) -> None:  # type: ignore[no-untyped-def]
    open_url(page, f"{app_server.url}/physio")
    page.locator(key("physio:clinic")).locator("input").fill("Riverside Running Physio")
    page.locator(key("physio:note")).locator("textarea").fill(NOTE)
    page.get_by_role("button", name="Create the link").click()
    wait_idle(page)
    assert_no_exception(page)
    links = [panel_link(page, "physio", "?c=")]
    tall_shot(page, "sharing-05-physio-page")

    client = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    open_url(client, links[0])
    box = client.locator(key("nt_clinic_note"))
    box.wait_for()
    assert "A note from Riverside Running Physio" in box.inner_text()
    assert NOTE in box.inner_text(), "the note is shown verbatim, Markdown and HTML not interpreted"
    assert box.locator("a").count() == 0 and box.locator("strong b").count() == 0
    shot(client, "sharing-06-clinic-note-on-welcome", full_page=False)
    assert [c for c in links if "/?c=" in c], "the clinic link opens the app's root (the welcome page)"
    sidebar_to(client, "Where it hurts")
    assert "Started from a link prepared by Riverside Running Physio" in main_text(client)
    client.context.close()


def test_share_panel_on_a_phone(app_server: AppServer, phone_page) -> None:  # type: ignore[no-untyped-def]
    open_url(phone_page, f"{app_server.url}/results?a={encode_link(_likely())}")
    panel = phone_page.locator(key("nt_prepare_pdf"))
    panel.scroll_into_view_if_needed()
    assert panel.is_visible()
    assert phone_page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), "no sideways scrolling"
    shot(phone_page, "sharing-07-share-panel-phone", full_page=False)


def test_a_forged_link_cannot_inject_a_link_into_the_message(app_server: AppServer, page) -> None:  # type: ignore[no-untyped-def]
    import base64
    import zlib

    from nervetriage.share import _checksum

    bad = "[a](http://e.example) **x** www.e.example a@e.example"
    payload = json.dumps({"regions": [{"region": bad, "side": "left"}]}).encode()
    packed = zlib.compress(payload, 9)[2:-4]
    token = "1." + base64.urlsafe_b64encode(_checksum(1, packed) + packed).rstrip(b"=").decode()
    open_url(page, f"{app_server.url}/?a={token}")
    alert = page.locator('[data-testid="stAlertContentError"]').first
    alert.wait_for()
    shown = alert.inner_text().replace("\u200b", "")  # the zero-width space that stops auto-linking
    assert "“" + bad[:23] in shown, "a short piece of the bad value is quoted literally"
    assert alert.locator("a").count() == 0 and alert.locator("strong").count() == 0


def _choose_example(pg, title: str) -> None:  # type: ignore[no-untyped-def]
    box = pg.locator(key("welcome_example"))
    if title in box.inner_text():
        return
    box.get_by_role("combobox").click()
    pg.keyboard.type(title)
    pg.keyboard.press("Enter")
    pg.get_by_text(get_example_story(title)[:40]).wait_for()
    wait_idle(pg)


def get_example_story(title: str) -> str:
    from nervetriage.examples import load_examples

    return next(e.story for e in load_examples() if e.title == title)


def test_loading_an_example_or_a_file_over_own_answers_asks_first(app_server: AppServer, page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from nervetriage.ui_text import load_ui_text

    text = load_ui_text().replace
    first, second = get_example("achilles-tendinopathy"), get_example("race-belt-thigh")
    open_url(page, app_server.url)
    _choose_example(page, first.title)
    page.locator(key("welcome_load_example")).get_by_role("button").click()
    page.wait_for_url(re.compile(r".*/results$"))
    wait_idle(page)
    assert page.get_by_role("dialog").count() == 0, "nothing to replace yet: the example loads directly"

    # From an example nobody changed to another one: nothing of the person's is lost, no question.
    sidebar_to(page, "Welcome")
    _choose_example(page, second.title)
    page.locator(key("welcome_load_example")).get_by_role("button").click()
    page.wait_for_url(re.compile(r".*/results$"))
    wait_idle(page)
    assert page.get_by_role("dialog").count() == 0, "switching between untouched examples asks nothing"
    assert f"Example case: {second.title}" in main_text(page)

    # A file over them asks first; Keep mine keeps the example.
    good = tmp_path / "achilles.json"
    good.write_text(answers_file_json(first.fresh_answers()), encoding="utf-8")
    sidebar_to(page, "Welcome")
    upload = page.locator(key("nt_upload")).locator('input[type="file"]')
    upload.set_input_files(str(good))
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("achilles.json").wait_for()
    wait_idle(page)
    shot(page, "sharing-08-replace-dialog", full_page=False)
    dialog.get_by_role("button", name=text.cancel).click()
    dialog.wait_for(state="detached")
    wait_idle(page)
    kept = text.file_kept.format(name="achilles.json")
    assert kept in main_text(page)
    page.get_by_text(kept).scroll_into_view_if_needed()
    shot(page, "sharing-09-kept-mine", full_page=False)
    sidebar_to(page, "Results")
    assert f"Example case: {second.title}" in main_text(page), "Keep mine left the example in place"

    renamed = tmp_path / "achilles-again.json"  # a new file name: the uploader takes it as a new file
    renamed.write_text(good.read_text(encoding="utf-8"), encoding="utf-8")
    sidebar_to(page, "Welcome")
    page.locator(key("nt_upload")).locator('input[type="file"]').set_input_files(str(renamed))
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("achilles-again.json").wait_for()
    wait_idle(page)
    shot(page, "sharing-10-replace-dialog-file", full_page=False)
    dialog.get_by_role("button", name=text.confirm).click()
    page.get_by_text("Answers restored from achilles-again.json.").wait_for()
    page.locator(key("nt_upload_results")).get_by_role("button").click()
    wait_idle(page)
    assert f"Example case: {first.title}" in main_text(page)
    assert_no_exception(page)
