"""Step: stiffness or pain along the nerve's path (neck to pelvis), and the neck question."""

from __future__ import annotations

import streamlit as st

from nervetriage.content import load_content
from nervetriage.ui.frame import ensure_frame
from nervetriage.ui.state import get_answers, update_answers
from nervetriage.ui.widgets import render_questions
from nervetriage.ui_text import load_ui_text

ensure_frame()

text = load_ui_text().along
content = load_content()

st.title(load_ui_text().heading("along"), anchor=False)
st.write(text.intro)


def _site_changed(site_id: str, what: str, key: str) -> None:
    reports: dict[str, dict[str, object]] = {s.site: s.model_dump() for s in get_answers().sites}
    report = reports.get(site_id, {"site": site_id, "stiffness": False, "pain": False})
    report[what] = bool(st.session_state.get(key))
    reports[site_id] = report
    order = [s.id for s in content.sites]
    kept = [reports[s] for s in order if s in reports and (reports[s]["stiffness"] or reports[s]["pain"])]
    update_answers(sites=kept)


current = {s.site: s for s in get_answers().sites}
for site in content.sites:
    report = current.get(site.id)
    with st.container(border=True):
        left, right = st.columns(2)
        for column, what, label in ((left, "stiffness", text.stiff_label), (right, "pain", text.pain_label)):
            key = f"along:{site.id}:{what}"
            st.session_state[key] = bool(report and getattr(report, what))
            column.checkbox(label.format(site=site.label), key=key, on_change=_site_changed, args=(site.id, what, key))
        st.caption(site.explanation)

st.subheader(text.neck_heading)
render_questions(content.questions.steps["along_the_nerve"])
