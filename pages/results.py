"""Results: an emergency or urgent answer first and alone (the rest only once asked for),
then safety first and a summary that fits a phone's first screens (the band, why, what to do
next, a link down to sharing), then the detail, each part opened on request, then sharing."""

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
text = load_ui_text()

st.title(text.nav["results"])
view.urgent_section(assessment, after_handover=lambda: sharing.urgent_pdf(answers, assessment))
if sharing.opened_from_link():  # a results link someone sent: the clinician may want their own view
    sharing.clinician_entry()
if view.full_result_shown(assessment):
    safety_answered = answers.red_flags is not None
    view.safety_first(assessment)
    view.partial_notice(assessment, safety_answered=safety_answered)
    # the summary
    view.band_section(assessment, safety_answered=safety_answered)
    view.why_section(assessment)
    view.next_steps_summary(assessment)
    sharing.share_jump()
    # the detail, closed until asked for
    with st.expander(text.results.detail_chart, key="results_more_chart"):
        view.chart_section(assessment)
    with st.expander(text.results.detail_nerves, key="results_more_nerves"):
        view.nerves_section(assessment)
        results_map(answers, assessment)
    if assessment.next_steps or assessment.avoid:  # before a verdict the summary says why there are none
        with st.expander(text.results.detail_next, key="results_more_next"):
            view.next_steps_section(assessment)
    with st.expander(text.results.detail_caveats, key="results_more_caveats"):
        view.caveats_section(assessment)
    st.divider()
    sharing.share_panel(answers, assessment)
