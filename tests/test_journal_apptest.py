"""The journal page through AppTest: the form, the table, the chart, CSV import and plain-text notes."""

from __future__ import annotations

import datetime as dt
import json
import re

from apptest_wizard import answers, go, has_key, new_app
from hostile import shown
from streamlit.testing.v1 import AppTest

from nervetriage.journal import CSV_COLUMNS, entries_to_csv
from nervetriage.models import Answers, JournalEntry
from nervetriage.ui.state import ANSWERS_KEY

START = dt.date(2026, 1, 5)
MARKUP = "<script>alert('x')</script> **bold** [link](http://example.com) <img src=x onerror=alert(1)>"


def weeks(count: int, **update: object) -> list[JournalEntry]:
    return [
        JournalEntry(
            date=START + dt.timedelta(weeks=i),
            flare_ups=max(0, 8 - i),
            worst=max(1, 7 - i // 2),
            typical=max(0, 4 - i // 2),
            duration_minutes=max(5, 40 - 5 * i),
            running_minutes=60 + 10 * i,
            **update,  # type: ignore[arg-type]
        )
        for i in range(count)
    ]


def journal_page(entries: list[JournalEntry] | None = None) -> AppTest:
    at = new_app()
    if entries is not None:
        at.session_state[ANSWERS_KEY] = Answers(journal=entries)
    return go(at, "journal")


def add_check_in(at: AppTest, day: dt.date, flare_ups: int, worst: int, typical: int, note: str = "") -> AppTest:
    at.date_input(key="nt_journal_date").set_value(day)
    at.number_input(key="nt_journal_flare_ups").set_value(flare_ups)
    at.slider(key="nt_journal_worst").set_value(worst)
    at.slider(key="nt_journal_typical").set_value(typical)
    at.number_input(key="nt_journal_duration").set_value(20)
    at.number_input(key="nt_journal_running").set_value(45)
    at.text_area(key="nt_journal_note").set_value(note)
    at.button(key="nt_journal_submit").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table_key(at: AppTest) -> str:
    (editor,) = at.data_editor
    assert editor.key is not None
    return editor.key


def edit_table(at: AppTest, edits: dict[str, object]) -> AppTest:
    at.session_state[table_key(at)] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [], **edits}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def plain(markdown: str) -> str:
    """Markdown as read on screen: the page escapes every markup character it shows."""
    return shown(markdown)


def errors(at: AppTest) -> str:
    return plain("\n".join(e.value for e in at.error))


def test_empty_journal_offers_the_form_and_explains_a_trend_needs_three_check_ins() -> None:
    at = journal_page()
    assert at.title[0].value == "Recovery journal"
    assert "Add your first check-in" in [s.value for s in at.subheader]
    assert not at.get("plotly_chart")
    assert any("no check-ins yet" in plain(i.value) for i in at.info)


def test_adding_check_ins_through_the_form_stores_them_in_date_order_and_draws_the_chart() -> None:
    at = journal_page()
    add_check_in(at, START + dt.timedelta(weeks=2), 4, 5, 3)
    assert [plain(s.value) for s in at.success] == ["Added the check-in for 19 Jan 2026."]
    add_check_in(at, START, 8, 7, 4)
    add_check_in(at, START + dt.timedelta(weeks=1), 6, 6, 3)
    journal = answers(at).journal
    assert [e.date for e in journal] == [START + dt.timedelta(weeks=i) for i in range(3)]
    assert [e.flare_ups for e in journal] == [8, 6, 4]
    (chart,) = at.get("plotly_chart")
    figure = json.loads(chart.proto.spec)  # type: ignore[attr-defined]
    assert figure["data"][0]["y"] == [8, 6, 4]
    assert len(at.data_editor) == 1 and list(at.data_editor[0].value["flare_ups"]) == [8, 6, 4]


def test_form_refuses_typical_above_worst_and_a_second_check_in_on_the_same_date() -> None:
    at = journal_page(weeks(3))
    add_check_in(at, START + dt.timedelta(weeks=5), 2, 3, 6)
    assert "typical intensity cannot be above the worst intensity" in errors(at)
    add_check_in(at, START, 2, 3, 1)
    assert "There is already a check-in for 5 Jan 2026" in errors(at)
    assert answers(at).journal == weeks(3)


def test_editing_a_cell_in_the_table_saves_it_and_redraws() -> None:
    at = journal_page(weeks(4))
    edit_table(at, {"edited_rows": {1: {"worst": 9, "note": "new shoes"}}})
    journal = answers(at).journal
    assert journal[1].worst == 9 and journal[1].note == "new shoes"
    assert journal[0] == weeks(4)[0] and journal[2:] == weeks(4)[2:]
    assert "Saved your changes." in [plain(s.value) for s in at.success]
    assert list(at.data_editor[0].value["worst"])[1] == 9


def test_changing_a_date_in_the_table_keeps_the_journal_sorted() -> None:
    at = journal_page(weeks(4))
    edit_table(at, {"edited_rows": {0: {"date": "2026-03-02"}}})
    assert [e.date for e in answers(at).journal] == [*(e.date for e in weeks(4)[1:]), dt.date(2026, 3, 2)]


def test_invalid_table_edits_list_rows_and_fields_and_change_nothing() -> None:
    at = journal_page(weeks(4))
    edit_table(at, {"edited_rows": {1: {"typical": 10}, 3: {"flare_ups": None, "running_minutes": 20_000}}})
    message = errors(at)
    assert "Your table changes were not saved" in message
    assert "Row 2 (12 Jan 2026): typical intensity cannot be above the worst intensity" in message
    assert "Row 4 (26 Jan 2026): flare-ups in the week is empty" in message
    assert "Row 4 (26 Jan 2026): running minutes in the week must be between 0 and 10080 (got 20000)" in message
    assert answers(at).journal == weeks(4)
    at.button(key="nt_journal_discard").click()
    at.run()
    assert not at.error and answers(at).journal == weeks(4)


def test_deleting_rows_in_the_table_removes_those_check_ins() -> None:
    at = journal_page(weeks(5))
    edit_table(at, {"deleted_rows": [0, 4]})
    assert answers(at).journal == weeks(5)[1:4]
    assert "Saved your changes (2 check-in(s) deleted)." in [plain(s.value) for s in at.success]


def test_trend_verdict_and_advice_follow_the_saved_journal() -> None:
    at = journal_page(weeks(8))
    assert at.success and "Improving" in at.success[0].value
    rising = [e.model_copy(update={"date": START + dt.timedelta(weeks=7 - i)}) for i, e in enumerate(weeks(8))]
    at.session_state[ANSWERS_KEY] = Answers(journal=sorted(rising, key=lambda e: e.date))
    at.run()
    assert at.warning and "Getting worse" in at.warning[0].value
    advice = "\n".join(m.value for m in at.markdown)
    assert "Look for another trigger and get it checked" in advice and "Back off the running volume" not in advice


def test_chart_in_words_summarises_the_journal() -> None:
    at = journal_page(weeks(8))
    summary = next(plain(m.value) for m in at.markdown if m.value.startswith("**The chart in words**"))
    assert "8 check-ins from 5 Jan 2026 to 23 Feb 2026" in summary
    # the same figures as the verdict above it, which the chart's trend line hovers with
    verdict = next(plain(b.value) for b in [*at.success, *at.warning, *at.info] if "flare-ups per week" in plain(b.value))
    moved = re.search(r"flare-ups per week (fell|rose) from about (\d+) to (\d+)", verdict)
    assert moved, verdict
    assert f"Flare-ups per week {moved.group(1)} from about {moved.group(2)} to {moved.group(3)}." in summary
    assert "Single check-ins (the dots):" in summary


def test_notes_with_markup_are_shown_as_plain_text_only() -> None:
    at = journal_page(weeks(3, note=MARKUP, helped="**walks**"))
    texts = [t.value for t in at.text]
    assert any(MARKUP in t and "Helped: **walks**" in t for t in texts), texts
    rendered = [m.value for m in at.markdown] + [c.value for c in at.caption] + [e.value for e in at.error]
    assert not any("<script>" in value or "<img" in value for value in rendered)
    assert list(at.data_editor[0].value["note"]) == [MARKUP] * 3


def test_a_note_with_markup_typed_in_the_form_is_stored_verbatim() -> None:
    at = journal_page()
    add_check_in(at, START, 3, 4, 2, note=MARKUP)
    assert answers(at).journal[0].note == MARKUP
    assert any(MARKUP in t.value for t in at.text)


def test_good_csv_import_waits_for_confirmation_then_replaces_the_journal() -> None:
    at = journal_page(weeks(2))
    data = entries_to_csv(weeks(6, note="from a file")).encode("utf-8")
    at.file_uploader[0].upload("journal.csv", data, "text/csv")
    at.run()
    assert any("The file holds 6 check-in(s)." in i.value for i in at.info)
    assert answers(at).journal == weeks(2)
    at.radio[0].set_value("Replace my journal")
    at.button(key="nt_journal_import_0").click()
    at.run()
    assert answers(at).journal == weeks(6, note="from a file")
    assert "Imported 6 check-in(s); the journal now holds 6." in [plain(s.value) for s in at.success]


def test_csv_import_can_add_to_the_journal() -> None:
    at = journal_page(weeks(2))
    later = [e.model_copy(update={"date": e.date + dt.timedelta(weeks=10)}) for e in weeks(3)]
    at.file_uploader[0].upload("more.csv", entries_to_csv(later).encode(), "text/csv")
    at.run()
    at.button(key="nt_journal_import_0").click()
    at.run()
    assert answers(at).journal == [*weeks(2), *later]


def test_bad_csv_lists_the_rows_at_fault_and_imports_nothing() -> None:
    at = journal_page(weeks(3))
    header = ",".join(CSV_COLUMNS)
    data = f"{header}\n2026-03-02,1,2,1,5,10,,,fine\n02/03/2026,1,2,1,5,10,,,\n2026-03-16,1,11,1,5,10,,,\n2026-03-23,1,2,5,5,10,,,**x**\n"
    at.file_uploader[0].upload("bad.csv", data.encode(), "text/csv")
    at.run()
    message = errors(at)
    assert "Nothing was imported; your journal is unchanged" in message
    assert "Row 3: date: “02/03/2026” is not a date written as YYYY-MM-DD" in message
    assert "Row 4: worst intensity must be between 0 and 10 (got 11)" in message
    assert "Row 5: typical intensity cannot be above the worst intensity" in message
    assert not has_key(at, "nt_journal_import_0")
    assert answers(at).journal == weeks(3)


def test_csv_with_wrong_columns_imports_nothing() -> None:
    at = journal_page()
    at.file_uploader[0].upload("other.csv", b"day,pain\n2026-01-05,4\n", "text/csv")
    at.run()
    message = errors(at)
    assert "Row 1 (the header) is missing the column(s): date, flare_ups" in message
    assert answers(at).journal == []


def test_download_offers_the_journal_as_csv() -> None:
    at = journal_page(weeks(3))
    (button,) = at.get("download_button")
    assert button.proto.label == "Download the journal (CSV)"  # type: ignore[attr-defined]


def test_a_journal_arriving_out_of_order_is_shown_and_edited_in_date_order() -> None:
    at = journal_page(list(reversed(weeks(4))))
    assert list(at.data_editor[0].value["flare_ups"]) == [e.flare_ups for e in weeks(4)]
    edit_table(at, {"edited_rows": {0: {"note": "first week"}}})
    journal = answers(at).journal
    assert [e.date for e in journal] == [e.date for e in weeks(4)]
    assert journal[0].note == "first week" and all(not e.note for e in journal[1:])
