"""Placeholder: this page is being built by another part of the project."""

import streamlit as st

from nervetriage.ui.frame import ensure_frame
from nervetriage.ui_text import load_ui_text

ensure_frame()
st.title(load_ui_text().nav["journal"])
st.write(load_ui_text().coming_soon)
