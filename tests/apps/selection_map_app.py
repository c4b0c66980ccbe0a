"""A tiny app for the tappable body map's browser tests: the map alone, as on the Where page."""

import streamlit as st

from nervetriage.ui.bodymap_widget import region_selector
from nervetriage.ui.state import get_answers

st.set_page_config(page_title="Body map test", layout="centered")
st.title("Where it hurts")
region_selector(get_answers())
