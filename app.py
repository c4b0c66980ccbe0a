"""NerveTriage entry point: the navigation frame. Pages live in pages/ and are layout only."""

import streamlit as st

st.set_page_config(page_title="NerveTriage", page_icon="🦶", layout="centered")

PAGES = [
    st.Page("pages/welcome.py", title="Welcome", url_path="welcome", default=True),
    st.Page("pages/where.py", title="Where it hurts", url_path="where"),
    st.Page("pages/results.py", title="Results", url_path="results"),
    st.Page("pages/learn.py", title="Learn", url_path="learn"),
]

st.navigation(PAGES).run()
