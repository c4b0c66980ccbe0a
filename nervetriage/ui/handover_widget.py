"""The "send it back" panel: a link to copy, share or email, in one small st.components.v2 component.

``send_panel`` shows the link in a read-only field (it wraps, so all of it is readable on a
phone), a "Copy link" button, a "Share…" button where the browser has ``navigator.share``,
and, given a ``mailto:`` link (``nervetriage.mailto.mailto_link``), a primary "Send to …"
button that opens the person's mail program. Copying uses the Clipboard API, falls back to
``document.execCommand("copy")``, and when both fail selects the link for the person to copy;
a polite live region says which happened.

The markup below is static (no data in it); ``assets/handover.js`` fills it in with
``textContent`` and ``setAttribute`` only, and ``assets/handover.css`` styles it. Both are
files of this package, declared in pyproject.toml ([[tool.streamlit.component.components]]
``handover``), so Streamlit serves them from the app itself and the Content-Security-Policy
needs no inline or ``blob:`` script. The component lives in an open shadow root (v2's
``isolate_styles=True``): the page's styles do not reach it, nor its styles the page. Nothing
goes back to the server: a copy, a share or a send happens in the browser only.
"""

from __future__ import annotations

import functools
from html import escape
from typing import Any

import streamlit as st

COPY_LABEL = "Copy link"
SHARE_LABEL = "Share…"
SEND_LABEL = "Send by email"  # when a mailto: link comes without a label
FIELD_LABEL = "Link"
COPIED = "Link copied"
COPY_FAILED = "Select the link and copy it"

_HTML = f"""
<div class="nt-handover" data-nt="panel">
  <textarea class="nt-link" data-nt="link" readonly rows="2" spellcheck="false" autocomplete="off"
    autocapitalize="off" aria-label="{escape(FIELD_LABEL)}"></textarea>
  <div class="nt-actions">
    <button type="button" class="nt-button" data-nt="copy">{escape(COPY_LABEL)}</button>
    <button type="button" class="nt-button" data-nt="share" hidden>{escape(SHARE_LABEL)}</button>
    <a class="nt-button nt-primary" data-nt="send" hidden></a>
  </div>
  <p class="nt-status" data-nt="status" role="status" aria-live="polite"></p>
</div>
"""


@functools.cache
def _component() -> Any:
    """Declared in pyproject.toml, so Streamlit serves assets/handover.js and .css as files of
    this package. Defined on first use: the manifest is only read by a running Streamlit server."""
    return st.components.v2.component("nervetriage.handover", html=_HTML, css="handover.css", js="handover.js")


def send_panel(link: str, *, key: str, mailto: str | None = None, send_label: str = "", share_title: str = "",
               share_text: str = "") -> None:
    """Show ``link`` with Copy, Share (where the browser can) and, for a ``mailto:`` link, a Send button.

    ``key`` names the panel: it is mounted in ``st.container(key=f"nt_handover_{key}")``.
    ``mailto`` must start with ``mailto:`` (build it with ``nervetriage.mailto.mailto_link``);
    anything else is not shown. ``send_label`` is the Send button's text ("Send to Riverside
    Physio"); ``share_title`` and ``share_text`` go to ``navigator.share`` with the link.
    """
    send = mailto if isinstance(mailto, str) and mailto.startswith("mailto:") else None
    data = {
        "link": str(link),
        "mailto": send,
        "send": send_label.strip() or SEND_LABEL,
        "shareTitle": share_title,
        "shareText": share_text,
        "labels": {"field": FIELD_LABEL, "copy": COPY_LABEL, "share": SHARE_LABEL, "copied": COPIED, "failed": COPY_FAILED},
    }
    with st.container(key=f"nt_handover_{key}"):
        _component()(key=f"nt_handover_{key}_panel", data=data, height="content")
