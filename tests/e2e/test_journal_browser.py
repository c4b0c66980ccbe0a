"""The journal page in a real browser: import eight check-ins, see the chart and verdict, edit a cell."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from e2e.conftest import assert_no_exception, goto_app, shot, wait_idle
from nervetriage.journal import entries_to_csv
from nervetriage.models import JournalEntry

pytestmark = pytest.mark.browser

MARKUP = "<b>bold?</b> <img src=x onerror=alert(1)> **stars**"
ROWS = [(7, 7, 5, 45, 60), (8, 8, 5, 50, 60), (6, 7, 4, 40, 70), (6, 6, 4, 30, 70), (4, 6, 3, 25, 80), (5, 5, 3, 25, 90),
        (3, 4, 2, 15, 90), (2, 4, 2, 10, 100)]
HELPED = ["walking breaks", "", "nerve glides", "", "standing desk", "", "", "short easy runs"]
FLARED = ["long drive", "hill repeats", "", "sitting at work", "", "new shoes", "", ""]


def journal_csv() -> bytes:
    entries = [
        JournalEntry(
            date=dt.date(2026, 1, 5) + dt.timedelta(weeks=i),
            flare_ups=f,
            worst=w,
            typical=t,
            duration_minutes=d,
            running_minutes=r,
            helped=HELPED[i],
            flared=FLARED[i],
            note=MARKUP if i == 3 else "",
        )
        for i, (f, w, t, d, r) in enumerate(ROWS)
    ]
    return entries_to_csv(entries).encode("utf-8")


def open_with_journal(pg, url: str, empty_shot: str | None = None) -> None:  # type: ignore[no-untyped-def]
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    goto_app(pg, f"{url}/journal")
    assert "Add your first check-in" in pg.locator('[data-testid="stMain"]').inner_text()
    if empty_shot:
        tall_shot(pg, empty_shot)
    pg.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        {"name": "journal.csv", "mimeType": "text/csv", "buffer": journal_csv()}
    )
    wait_idle(pg)
    pg.locator(".st-key-nt_journal_import_0 button").click()
    wait_idle(pg)
    pg.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    pg.wait_for_timeout(800)
    assert not dialogs, f"a note ran as script: {dialogs}"


def edit_first_flare_up_cell(pg, value: str) -> None:  # type: ignore[no-untyped-def]
    """Open the grid's cell editor on row 1, "Flare-ups", and type ``value``.

    The grid is a canvas: a double click at the cell's position opens an ``input.gdg-input``
    in the page's portal. On a loaded machine the first click can land before the grid has
    settled after the import rerun, so wait for the editor and try again if it did not open.
    """
    grid = pg.locator('[data-testid="stDataFrame"]')
    editor = pg.locator('#portal input.gdg-input')
    for _attempt in range(5):
        grid.scroll_into_view_if_needed()
        wait_idle(pg)
        box = grid.bounding_box()
        assert box is not None
        # The header row and the date column come first; rows are 35 px high.
        pg.mouse.dblclick(box["x"] + 150, box["y"] + 35 + 17)
        try:
            editor.wait_for(state="visible", timeout=5_000)
            break
        except PlaywrightTimeout:
            pg.keyboard.press("Escape")
    else:
        pytest.fail("the grid's cell editor never opened after five double clicks")
    assert editor.input_value() == "7", "the editor opened on the wrong cell"
    editor.fill(value)
    editor.press("Enter")


def tall_shot(pg, name: str) -> None:  # type: ignore[no-untyped-def]
    """The whole page in one picture: Streamlit scrolls inside its own container, so grow the viewport."""
    size = pg.viewport_size
    height = pg.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    pg.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 6000)})
    pg.wait_for_timeout(600)
    shot(pg, name)
    pg.set_viewport_size(size)


def test_journal_with_eight_check_ins_shows_verdict_chart_and_plain_notes(app_server, page) -> None:  # type: ignore[no-untyped-def]
    open_with_journal(page, app_server.url, empty_shot="journal-empty")
    assert_no_exception(page)
    body = page.locator('[data-testid="stMain"]')
    assert "Imported 8 check-in(s)" in body.inner_text()
    assert "Improving." in body.inner_text()
    assert page.locator(".js-plotly-plot .subplot").count() >= 4
    page.get_by_text("What helped, what flared it, notes").click()
    wait_idle(page)
    notes = page.locator('[data-testid="stText"]').all_inner_texts()
    assert any(MARKUP in text for text in notes), notes
    assert page.locator('[data-testid="stMain"] img[src="x"]').count() == 0
    tall_shot(page, "journal")


def test_editing_a_cell_in_the_browser_table_saves_it_to_the_journal(app_server, page) -> None:  # type: ignore[no-untyped-def]
    open_with_journal(page, app_server.url)
    edit_first_flare_up_cell(page, "9")
    # The edit reaches the server after the grid commits it; wait for the page to say so.
    page.get_by_text("Saved your changes.").wait_for(timeout=30_000)
    wait_idle(page)
    assert_no_exception(page)
    text = page.locator('[data-testid="stMain"]').inner_text().replace("\u200b", "")  # the invisible link breakers
    assert "Saved your changes." in text
    # The first row's 7 flare-ups became 9: the chart in words now gives the check-ins' range up to 9.
    assert "Flare-ups per week: from 2 to 9, latest 2." in text


def test_journal_reads_well_on_a_phone(app_server, phone_page) -> None:  # type: ignore[no-untyped-def]
    open_with_journal(phone_page, app_server.url)
    assert_no_exception(phone_page)
    width = phone_page.evaluate("document.querySelector('.js-plotly-plot').getBoundingClientRect().width")
    assert width <= 390
    tall_shot(phone_page, "journal-phone")
