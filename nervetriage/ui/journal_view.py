"""Streamlit pieces of the recovery journal page.

The journal itself lives in the one ``Answers`` object; every widget here is a view of
``answers.journal`` and writes a whole, validated journal back or nothing at all. The
table's widget key carries a digest of the journal, so an editor's edit state always
belongs to the very entries it was drawn from and is dropped as soon as they change.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from nervetriage.journal import (
    CSV_COLUMNS,
    MAX_CSV_BYTES,
    JournalInputError,
    JournalTrend,
    add_entry,
    apply_table_edits,
    assess_trend,
    build_journal_figure,
    entries_from_csv,
    entries_to_csv,
    entry_from_cells,
    format_date,
    load_journal_content,
    merge_entries,
    sort_entries,
    summarise_journal,
)
from nervetriage.limits import megabytes, upload_megabytes
from nervetriage.models import JournalEntry
from nervetriage.safetext import keep_within, literal, message, visible
from nervetriage.ui.state import get_answers, update_answers

TABLE_NONCE = "nt_journal_table_nonce"
UPLOAD_NONCE = "nt_journal_upload_nonce"
FLASH = "nt_journal_flash"
CHART_KEY = "nt_journal_chart"
FORM_KEY = "nt_journal_add"


def _max_length(field: str) -> int:
    """A text field's ``max_length`` as JournalEntry declares it."""
    return next(int(m.max_length) for m in JournalEntry.model_fields[field].metadata if hasattr(m, "max_length"))


# the free-text limits of a check-in, from the model itself
TEXT_LIMITS = {name: _max_length(name) for name in ("helped", "flared", "note")}


VERDICT_ICONS = {
    "improving": ":material/trending_down:",
    "flat": ":material/trending_flat:",
    "worsening": ":material/trending_up:",
    "not_enough_data": ":material/hourglass_empty:",
}


def _flash(text: str, warnings: Sequence[str] = ()) -> None:
    st.session_state[FLASH] = (text, list(warnings))


def show_flash() -> None:
    """A one-off confirmation (and any warning about it) carried across the rerun that follows a change."""
    flash = st.session_state.pop(FLASH, None)
    if not isinstance(flash, tuple):
        return
    text, warnings = flash
    st.success(message(text), icon=":material/check:")
    for warning in warnings:
        st.warning(message(warning), icon=":material/content_cut:")


def _table_key(entries: list[JournalEntry]) -> str:
    payload = json.dumps([e.model_dump(mode="json") for e in entries], sort_keys=True)
    digest = hashlib.sha256(payload.encode()).hexdigest()[:16]
    return f"nt_journal_table_{digest}_{st.session_state.get(TABLE_NONCE, 0)}"


def _has_edits(state: object) -> bool:
    return isinstance(state, dict) and any(state.get(k) for k in ("edited_rows", "added_rows", "deleted_rows"))


def current_entries() -> list[JournalEntry]:
    """The journal in date order (a link or file may carry it in any order)."""
    return sort_entries(get_answers().journal)


def apply_pending_table_edits() -> JournalInputError | None:
    """Save the table's edits from the last interaction, before anything is drawn.

    Returns the problems when the edits do not validate; the answers are then untouched
    and the table keeps showing the edits so they can be fixed.
    """
    journal = current_entries()
    state = st.session_state.get(_table_key(journal))
    if not _has_edits(state):
        return None
    assert isinstance(state, dict)
    try:
        new = apply_table_edits(journal, state)
    except JournalInputError as problem:
        return problem
    if new != journal:
        update_answers(journal=new)
        removed = len(journal) - len(new)
        _flash(f"Saved your changes{f' ({removed} check-in(s) deleted)' if removed > 0 else ''}.")
    return None


def show_problems(problem: JournalInputError) -> None:
    """List every row and field at fault; values people typed are escaped, never rendered."""
    lines = [f"**{literal(problem.summary)}**", *(f"- {message(p)}" for p in problem.problems)]
    st.error("\n".join(lines), icon=":material/error:")


def intro() -> None:
    content = load_journal_content()
    st.write(content.goal.text)
    st.caption(
        "Your journal stays in this browser tab and in files you download; nothing is stored "
        "on the server. Download it as CSV below, or keep it in your answers file."
    )


def trend_panel(entries: list[JournalEntry], trend: JournalTrend | None = None) -> None:
    """The verdict, why, and what to do about it."""
    trend = trend or assess_trend(entries)
    st.subheader("Trend")
    box = {"improving": st.success, "worsening": st.warning}.get(trend.verdict, st.info)
    box(f"**{literal(trend.label)}.** {literal(trend.reason)}", icon=VERDICT_ICONS[trend.verdict])
    for item in trend.advice_items:
        st.markdown(f"**{literal(item.title)}.** {literal(item.text)}")
    content = load_journal_content()
    with st.expander("How the trend is judged", icon=":material/help:"):
        st.write(content.method.text.format(window_weeks=content.trend.window_weeks))


def trend_and_chart(entries: list[JournalEntry]) -> None:
    """The trend panel, then the chart and its words, from one computation of the trend."""
    trend = assess_trend(entries)
    trend_panel(entries, trend)
    chart_panel(entries, trend)


def chart_panel(entries: list[JournalEntry], trend: JournalTrend | None = None) -> None:
    """The chart, then the same facts in words for anyone who cannot see it; both show the
    trend's own figures (``trend``, the one the trend panel shows)."""
    if not entries:
        return
    trend = trend or assess_trend(entries)
    st.subheader("Over time")
    fig = build_journal_figure(entries, trend=trend)
    st.plotly_chart(fig, key=CHART_KEY, config={"displayModeBar": False, "responsive": True})
    if trend.measures:
        st.caption(f"Dots are single check-ins. The dark straight lines are the trend the verdict above is judged on, "
                   f"over the latest {trend.entries_used} check-ins.")
    else:
        st.caption("Dots are single check-ins. The trend lines appear once there are enough check-ins.")
    lines = summarise_journal(entries, trend=trend)
    # A line ending in a colon introduces the bullets under it (the trend lines, the dots).
    parts = [f"\n{literal(line)}\n" if line.endswith(":") else f"- {literal(line)}" for line in lines]
    st.markdown("**The chart in words**\n\n" + "\n".join(parts))


def _default_date(entries: list[JournalEntry]) -> dt.date:
    today = dt.date.today()
    if not entries:
        return today
    return min(today, entries[-1].date + dt.timedelta(days=7)) if entries[-1].date < today else today


def add_form(entries: list[JournalEntry]) -> None:
    """A new weekly check-in; validated through JournalEntry before it touches the answers."""
    with st.form(FORM_KEY, clear_on_submit=True, enter_to_submit=False):
        day = st.date_input("Date of the check-in", value=_default_date(entries), format="DD/MM/YYYY", key="nt_journal_date")
        left, right = st.columns(2)
        flare_ups = left.number_input("Flare-ups this week", min_value=0, max_value=100, value=0, step=1, key="nt_journal_flare_ups")
        duration = right.number_input(
            "Typical flare-up length (minutes)", min_value=0, max_value=10_080, value=0, step=5, key="nt_journal_duration"
        )
        worst = st.slider("Worst intensity this week (0 = none, 10 = worst imaginable)", 0, 10, 0, key="nt_journal_worst")
        typical = st.slider("Typical intensity of a flare-up (0-10)", 0, 10, 0, key="nt_journal_typical")
        running = st.number_input(
            "Running this week (minutes)", min_value=0, max_value=10_080, value=0, step=10, key="nt_journal_running"
        )
        helped = st.text_input(f"What helped (up to {TEXT_LIMITS['helped']} characters)", placeholder="e.g. walking breaks, changing seat",
                               key="nt_journal_helped")
        flared = st.text_input(f"What flared it (up to {TEXT_LIMITS['flared']} characters)", placeholder="e.g. long drive, hill repeats",
                               key="nt_journal_flared")
        note = st.text_area(f"Note (up to {TEXT_LIMITS['note']} characters)", height=80, key="nt_journal_note")
        submitted = st.form_submit_button("Add check-in", type="primary", icon=":material/add:", key="nt_journal_submit")
    if not submitted:
        return
    helped, helped_cut = keep_within(helped, TEXT_LIMITS["helped"], "What helped")
    flared, flared_cut = keep_within(flared, TEXT_LIMITS["flared"], "What flared it")
    note, note_cut = keep_within(note, TEXT_LIMITS["note"], "The note")
    cuts = [notice for notice in (helped_cut, flared_cut, note_cut) if notice]
    cells = {
        "date": day,
        "flare_ups": flare_ups,
        "worst": worst,
        "typical": typical,
        "duration_minutes": duration,
        "running_minutes": running,
        "helped": helped,
        "flared": flared,
        "note": note,
    }
    entry, problems = entry_from_cells(cells, "This check-in")
    try:
        if entry is None:
            raise JournalInputError("That check-in was not added.", problems)
        new = add_entry(entries, entry)
    except JournalInputError as problem:
        show_problems(problem)
        return
    update_answers(journal=new)
    _flash(f"Added the check-in for {format_date(entry.date)}.", cuts)
    st.rerun()


def _table_frame(entries: list[JournalEntry]) -> pd.DataFrame:
    rows = [e.model_dump() for e in entries]
    frame = pd.DataFrame(rows, columns=list(CSV_COLUMNS))
    for name in ("helped", "flared", "note"):
        frame[name] = frame[name].astype(object)
    return frame


COLUMN_CONFIG = {
    "date": st.column_config.DateColumn("Date", format="D MMM YYYY", required=True, width=110),
    "flare_ups": st.column_config.NumberColumn("Flare-ups", min_value=0, max_value=100, step=1, format="%d", required=True),
    "worst": st.column_config.NumberColumn("Worst", min_value=0, max_value=10, step=1, format="%d", required=True),
    "typical": st.column_config.NumberColumn("Typical", min_value=0, max_value=10, step=1, format="%d", required=True),
    "duration_minutes": st.column_config.NumberColumn(
        "Length (min)", min_value=0, max_value=10_080, step=1, format="%d", required=True, help="Typical length of a flare-up"
    ),
    "running_minutes": st.column_config.NumberColumn(
        "Running (min)", min_value=0, max_value=10_080, step=1, format="%d", required=True, help="Running minutes in the week"
    ),
    "helped": st.column_config.TextColumn("What helped", max_chars=TEXT_LIMITS["helped"]),
    "flared": st.column_config.TextColumn("What flared it", max_chars=TEXT_LIMITS["flared"]),
    "note": st.column_config.TextColumn("Note", max_chars=TEXT_LIMITS["note"], width="medium"),
}


def table_panel(entries: list[JournalEntry], problem: JournalInputError | None) -> None:
    """Every check-in, editable in place; select rows and press the bin icon to delete."""
    if not entries:
        return
    st.subheader("Your check-ins")
    st.caption("Click a cell to change it. To delete, tick rows on the left and use the bin icon above the table.")
    if problem is not None:
        show_problems(problem)
        if st.button("Discard my table changes", icon=":material/undo:", key="nt_journal_discard"):
            st.session_state[TABLE_NONCE] = st.session_state.get(TABLE_NONCE, 0) + 1
            st.rerun()
    st.data_editor(
        _table_frame(entries),
        key=_table_key(entries),
        column_config=COLUMN_CONFIG,
        hide_index=True,
        num_rows="delete",
        width="stretch",
        alt="Table of journal check-ins, one row per week",
    )


def notes_panel(entries: list[JournalEntry]) -> None:
    """What people wrote, shown strictly as plain text."""
    written = [e for e in reversed(entries) if e.helped or e.flared or e.note]
    if not written:
        return
    with st.expander(f"What helped, what flared it, notes ({len(written)})"):
        for entry in written:
            parts = []
            if entry.helped:
                parts.append(f"Helped: {entry.helped}")
            if entry.flared:
                parts.append(f"Flared it: {entry.flared}")
            if entry.note:
                parts.append(f"Note: {entry.note}")
            st.text(visible(f"{format_date(entry.date)}  ·  " + "  ·  ".join(parts)))


def csv_panel(entries: list[JournalEntry]) -> None:
    """Keep the journal as CSV, or bring one back (all or nothing)."""
    st.subheader("Save or load the journal")
    if entries:
        st.download_button(
            "Download the journal (CSV)",
            data=entries_to_csv(entries),
            file_name=f"nervetriage-journal-{entries[-1].date.isoformat()}.csv",
            mime="text/csv",
            on_click="ignore",
            icon=":material/download:",
        )
    nonce = st.session_state.get(UPLOAD_NONCE, 0)
    st.caption(f"Import a journal you downloaded here (.csv, up to {megabytes(MAX_CSV_BYTES)}): one check-in per row, "
               "under the header row it was saved with.")
    upload = st.file_uploader(
        "Import a journal CSV",
        type=["csv"],
        key=f"nt_journal_upload_{nonce}",
        max_upload_size=upload_megabytes(),
        help=f"The header row: {','.join(CSV_COLUMNS)}",
    )
    if upload is None:
        return
    data = upload.getvalue()
    try:
        imported = entries_from_csv(data)
    except JournalInputError as problem:
        show_problems(problem)
        return
    st.info(f"The file holds {len(imported)} check-in(s).", icon=":material/description:")
    mode = "Replace my journal"
    if entries:
        mode = st.radio(
            "How to import",
            ["Add to my journal (a check-in on the same date is replaced)", "Replace my journal"],
            key=f"nt_journal_import_mode_{nonce}",
        )
    if not st.button("Import", type="primary", icon=":material/upload:", key=f"nt_journal_import_{nonce}"):
        return
    try:
        new = imported if mode == "Replace my journal" else merge_entries(entries, imported)
    except JournalInputError as problem:
        show_problems(problem)
        return
    update_answers(journal=new)
    st.session_state[UPLOAD_NONCE] = nonce + 1
    _flash(f"Imported {len(imported)} check-in(s); the journal now holds {len(new)}.")
    st.rerun()
