"""Layout shared by the six sign pages: the sign's plain explanation, then its questions."""

from __future__ import annotations

import streamlit as st

from nervetriage.content import load_content
from nervetriage.ui.widgets import render_questions
from nervetriage.ui_text import load_ui_text


def render_sign(number: int) -> None:
    """One sign's page, built entirely from its entry in content/signs.yaml."""
    sign = load_content().sign(number)
    text = load_ui_text().sign
    st.header(sign.title)  # which sign of the six: the frame's progress line says it
    st.markdown(f"**{sign.short}**")
    with st.expander(text.why, icon=":material/lightbulb:"):
        st.write(sign.explanation)
    render_questions(sign.questions)
