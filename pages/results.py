"""Results: an emergency or urgent answer first and alone (the rest only once asked for),
then safety first, the band and its reasons."""

from __future__ import annotations

import streamlit as st

from nervetriage.scoring import assess
from nervetriage.ui import results_view as view
from nervetriage.ui import sharing
from nervetriage.ui.bodymap_widget import results_map
from nervetriage.ui.frame import ensure_frame
from nervetriage.ui.state import get_answers
from nervetriage.ui_text import load_ui_text

ensure_frame()

answers = get_answers()
assessment = assess(answers)

st.title(load_ui_text().nav["results"])
view.urgent_section(assessment, after_handover=lambda: sharing.urgent_pdf(answers, assessment))
if sharing.opened_from_link():  # a results link someone sent: the clinician may want their own view
    sharing.clinician_entry()
if view.full_result_shown(assessment):
    view.safety_first(assessment)
    view.partial_notice(assessment, safety_answered=answers.red_flags is not None)
    view.band_section(assessment, safety_answered=answers.red_flags is not None)
    view.chart_section(assessment)
    view.nerves_section(assessment)
    results_map(answers, assessment)
    view.next_steps_section(assessment)
    view.caveats_section(assessment)
    st.divider()
    sharing.share_panel(answers, assessment)
