"""A tiny app for the body-map tests: the clickable map, then the results map of the same answers."""

import streamlit as st

from nervetriage.scoring import assess
from nervetriage.ui.bodymap_widget import region_selector, results_map
from nervetriage.ui.state import get_answers

st.set_page_config(page_title="Body map test", layout="centered")
st.title("Body map")
region_selector(get_answers())
answers = get_answers()
st.subheader("Results map")
results_map(answers, assess(answers))
