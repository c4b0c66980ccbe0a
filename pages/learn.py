"""Learn: what nerve pain is, in plain words, with the garden-hose picture."""

from __future__ import annotations

import streamlit as st

from nervetriage.content import load_content
from nervetriage.ui.diagrams import hose_figure
from nervetriage.ui.frame import ensure_frame
from nervetriage.ui_text import load_ui_text

ensure_frame()

text = load_ui_text().learn
st.title(load_ui_text().nav["learn"])
markdown = load_content().learn_markdown
marker = "### What helps"
before, found, after = markdown.partition(marker)
st.markdown(before)
st.markdown(f"**{text.diagram_heading}**")
st.plotly_chart(hose_figure(), key="learn_hose", config={"displayModeBar": False, "staticPlot": True}, width="stretch")
st.caption(text.diagram_caption)
st.caption(text.diagram_alt)
if found:
    st.markdown(found + after)
