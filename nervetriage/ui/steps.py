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
    # The heading asks; the sign it looks for (the answer) waits in "why we ask", so the
    # question does not suggest its own answer. The frame's progress line says which sign.
    st.header(sign.question, anchor=False)
    with st.expander(text.why, icon=":material/lightbulb:"):
        st.markdown(f"**{sign.title}.** {sign.short}")
        st.write(sign.explanation)
    render_questions(sign.questions)
