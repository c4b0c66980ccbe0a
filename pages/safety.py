"""Step: red flags and not-nerve mimics, each a checkbox, plus "none of these apply"."""

from __future__ import annotations

import streamlit as st

from nervetriage.content import load_content
from nervetriage.scoring import assess
from nervetriage.ui.frame import ensure_frame
from nervetriage.ui.state import get_answers, update_answers
from nervetriage.ui.widgets import render_questions
from nervetriage.ui_text import load_ui_text

ensure_frame()

text = load_ui_text().safety
content = load_content()
safety = content.red_flags

st.title(load_ui_text().nav["safety"])
st.write(safety.intro)
st.subheader(text.clues_heading)
render_questions(content.questions.steps["safety_clues"])


def _toggle(field: str, item_id: str, key: str) -> None:
    answers = get_answers()
    flags = set(answers.red_flags or [])
    mimics = set(answers.mimics or [])
    target = flags if field == "red_flags" else mimics
    if st.session_state.get(key):
        target.add(item_id)
    else:
        target.discard(item_id)
    if flags or mimics:
        update_answers(red_flags=sorted(flags), mimics=sorted(mimics))
    else:  # nothing ticked any more: back to "not answered", not "none apply"
        update_answers(red_flags=None, mimics=None)


def _none_changed() -> None:
    if st.session_state.get("safety:none"):
        update_answers(red_flags=[], mimics=[])
    else:
        update_answers(red_flags=None, mimics=None)


answers = get_answers()
chosen_flags = set(answers.red_flags or [])
chosen_mimics = set(answers.mimics or [])
none_apply = answers.red_flags == [] and not chosen_mimics

for heading, field, items, chosen in (
    (text.flags_heading, "red_flags", safety.flags, chosen_flags),
    (text.mimics_heading, "mimics", safety.mimics, chosen_mimics),
):
    st.subheader(heading)
    with st.container(border=True):
        for item in items:
            key = f"safety:{field}:{item.id}"
            st.session_state[key] = item.id in chosen
            st.checkbox(item.question, key=key, on_change=_toggle, args=(field, item.id, key))

st.session_state["safety:none"] = none_apply
with st.container(border=True):
    st.checkbox(f"**{text.none_apply}**", key="safety:none", on_change=_none_changed)
if answers.red_flags is None and answers.mimics is None:
    st.caption(text.unanswered)
else:  # an emergency or urgent answer has the frame's banner at the top of every page
    urgency = assess(answers).urgency
    if urgency == "none" and none_apply:
        st.success(text.all_clear, icon=":material/check_circle:")
    elif urgency == "professional":
        st.info(text.ticked, icon=":material/medical_services:")
