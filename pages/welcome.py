"""Welcome: what the check does and does not do, privacy, the disclaimer, Start, examples."""

from __future__ import annotations

import streamlit as st

from nervetriage.examples import load_examples
from nervetriage.ui import coach, sharing
from nervetriage.ui.frame import ensure_frame
from nervetriage.ui.nav import STEPS, page_file
from nervetriage.ui.state import get_answers
from nervetriage.ui.widgets import sure_button
from nervetriage.ui_text import load_ui_text

ensure_frame()

ui = load_ui_text()
text = ui.welcome

st.title(ui.app_title)
st.markdown(f"#### {ui.tagline}")

# Start comes first, within the first screen of a phone (390 x 844); what the check does and
# does not do, safety first, privacy and the disclaimer follow straight after it.
if sure_button(text.start, key="welcome_start", type="primary", icon=":material/arrow_forward:"):
    st.switch_page(page_file(STEPS[0]))
st.caption(text.time)

st.info(text.order, icon=":material/health_and_safety:")
st.warning(text.disclaimer, icon=":material/medical_information:")
left, right = st.columns(2)
with left, st.container(border=True):
    st.markdown("**What it does**")
    st.markdown("\n".join(f"- {line}" for line in text.does))
with right, st.container(border=True):
    st.markdown("**What it does not do**")
    st.markdown("\n".join(f"- {line}" for line in text.does_not))
st.info(text.privacy, icon=":material/lock:")

st.subheader(text.example_heading)
st.caption(text.example_help)
examples = {e.id: e for e in load_examples()}
origin = get_answers().origin
coach.follow_loaded("welcome_example", origin.example if origin else None)  # the loaded example, not the first
chosen = st.selectbox(
    text.example_label,
    options=list(examples),
    format_func=lambda eid: examples[eid].title,
    key="welcome_example",
)
if chosen:
    st.write(examples[chosen].story)
    if sure_button(text.example_button, key="welcome_load_example", icon=":material/play_arrow:"):
        example = examples[chosen]
        if sharing.offer_answers(example.fresh_answers(), "example", name=example.title, then_results=True):
            st.switch_page(page_file("results"))
        st.rerun()  # the frame asks "Replace your answers?" first

st.divider()
sharing.upload_panel()
