"""Recovery journal: weekly check-ins, their trend and what to do about it. Layout only."""

import streamlit as st

from nervetriage.ui import journal_view as view
from nervetriage.ui.frame import ensure_frame

ensure_frame()

# Edits made in the table on the last run are saved (or refused) before anything is drawn,
# so the verdict and chart below always show the saved journal.
edit_problem = view.apply_pending_table_edits()
entries = view.current_entries()

st.title("Recovery journal")
view.intro()
view.show_flash()

if entries:
    view.trend_and_chart(entries)
    with st.expander("Add a check-in", icon=":material/add:"):
        view.add_form(entries)
    view.table_panel(entries, edit_problem)
    view.notes_panel(entries)
else:
    st.subheader("Add your first check-in")
    view.add_form(entries)
    view.trend_panel(entries)
view.csv_panel(entries)
