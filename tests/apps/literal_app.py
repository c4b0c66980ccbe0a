"""Renders the strings in $NT_LITERAL_FILE through nervetriage.safetext in every element kind
the app uses for outside text, one keyed container per string, for the Chromium check that
Streamlit shows them exactly as typed (tests/e2e/test_hostile_browser.py). Test-only."""

from __future__ import annotations

import json
import os
from pathlib import Path

import streamlit as st

from nervetriage.safetext import literal, message

KINDS = ("markdown", "caption", "error", "info", "success", "warning")

strings = json.loads(Path(os.environ["NT_LITERAL_FILE"]).read_text(encoding="utf-8"))
st.title("Literal text")
for index, text in enumerate(strings):
    kind = KINDS[index % len(KINDS)]
    with st.container(key=f"lit-{index}"):
        body = f"**From** {literal(text)}" if kind == "markdown" else message(text)
        if kind == "markdown":
            st.markdown(body)
        elif kind == "caption":
            st.caption(body)
        else:
            getattr(st, kind)(body, icon=":material/info:")
