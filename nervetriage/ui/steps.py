"""Layout shared by the six sign pages: the sign's plain explanation, then its questions."""

from __future__ import annotations

import streamlit as st

from nervetriage.content import load_content
from nervetriage.ui.widgets import render_questions


def render_sign(number: int) -> None:
    """One sign's page, built entirely from its entry in content/signs.yaml."""
    sign = load_content().sign(number)
    st.caption(f"Sign {number} of 6")
    st.header(sign.title)
    st.markdown(f"**{sign.short}**")
    with st.expander("Why this sign matters", icon=":material/lightbulb:"):
        st.write(sign.explanation)
    render_questions(sign.questions)
