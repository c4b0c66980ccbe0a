"""Shows one "send it back" panel (nervetriage.ui.handover_widget.send_panel) with a fixed, long
results link and a clinic mailto: link, for the Chromium checks of copying, sharing and
sending (tests/e2e/test_handover_browser.py, which imports the constants from here). The
"Another link" toggle reruns the script with another link and a ``javascript:`` "mailto",
which the panel must not show. Test-only."""

from __future__ import annotations

import base64

import streamlit as st

from nervetriage.mailto import mailto_link
from nervetriage.ui.handover_widget import send_panel

TOKEN = base64.urlsafe_b64encode(bytes(range(165))).decode("ascii")  # 220 base64url characters, no padding
LINK = "http://localhost:8501/results?a=1." + TOKEN
MAILTO = mailto_link("clinic@example.org", "Results from J.D.", "line one\nline two\n" + LINK)
SEND_LABEL = "Send to Riverside Physio"
SHARE_TITLE = "NerveTriage results"
SHARE_TEXT = "My answers from NerveTriage"
OTHER_TOKEN = base64.urlsafe_b64encode(bytes(range(255, 90, -1))).decode("ascii")
OTHER_LINK = "http://localhost:8501/results?a=1." + OTHER_TOKEN
NOT_MAILTO = "javascript:alert(document.domain)//mailto:clinic@example.org"

if __name__ == "__main__":  # Streamlit runs the script as __main__; the test only imports the constants
    st.title("Send it back")
    if st.toggle("Another link", key="other"):
        send_panel(OTHER_LINK, key="results", mailto=NOT_MAILTO, send_label="Never shown")
    else:
        send_panel(LINK, key="results", mailto=MAILTO, send_label=SEND_LABEL, share_title=SHARE_TITLE, share_text=SHARE_TEXT)
