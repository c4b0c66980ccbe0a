"""A ``mailto:`` link that opens a message to one address, with a subject and body no text can break out of.

RFC 6068 puts the headers of a ``mailto:`` link in its query: ``?subject=...&body=...``. Text
placed there unencoded can end the subject and start a header of its own: a clinic name
"Riverside&cc=evil@example.org" would copy someone in; a CR/LF pair ("\\r\\nBcc: ...") would
do the same in any client that builds the message from decoded text. So

- the address must be a plain email address (``models.check_contact``: letters, digits and
  ``_+-.@`` only, none of which can end the address part or start a header);
- the subject becomes one line: line breaks and other control characters turn into spaces,
  runs of white space into one, and it is clipped to ``MAX_SUBJECT_CHARS``;
- the body keeps its line breaks, written as CRLF as RFC 6068 asks, loses its other control
  characters (a tab becomes a space) and is clipped to ``MAX_BODY_CHARS``; a link longer
  than that does not fit (mail clients and browsers cut long ``mailto:`` links anyway), so
  check ``body_fits`` before putting a whole link in a body;
- both are percent-encoded with nothing left safe (``quote(..., safe="")``), so no ``&``,
  ``=``, ``?``, ``#``, ``%``, space or line break of the text reaches the link as itself.

In both, bidi controls are shown as ``[U+202E]`` marks (``safetext.visible``, as on the
pages and in the PDF) and lone surrogates, which no mail can carry, are dropped. Pure Python:
no Streamlit here.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

from nervetriage.models import check_contact
from nervetriage.safetext import clip, visible

MAX_SUBJECT_CHARS = 120
MAX_BODY_CHARS = 1500

# Line breaks besides CR and LF: NEL is a C1 control, the other two are Unicode separators.
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x85\u2028\u2029")


def _cleaned(text: str, *, line_break: str, control: str) -> str:
    """``text`` with each line break as ``line_break`` and each other control character as ``control``."""
    out: list[str] = []
    for char in text.replace("\r\n", "\n"):
        category = unicodedata.category(char)
        if char in _LINE_BREAKS:
            out.append(line_break)
        elif char == "\t":
            out.append(" ")
        elif category == "Cc":
            out.append(control)
        elif category == "Cs":
            continue  # a lone surrogate: not a character, and UTF-8 cannot carry it
        else:
            out.append(visible(char))  # bidi controls become visible marks; other characters stay
    return "".join(out)


def clean_subject(subject: str) -> str:
    """``subject`` as one line: breaks and control characters as single spaces, at most ``MAX_SUBJECT_CHARS``."""
    one_line = " ".join(_cleaned(subject, line_break=" ", control=" ").split())
    return clip(one_line, MAX_SUBJECT_CHARS)


def clean_body(body: str) -> str:
    """``body`` without control characters, its line breaks as CRLF, at most about ``MAX_BODY_CHARS``.

    Clipped before the breaks become CRLF (a CRLF counts as one character), so a pair is never cut.
    """
    lines = _cleaned(body, line_break="\n", control="")
    return clip(lines, MAX_BODY_CHARS).replace("\n", "\r\n")


def body_fits(body: str) -> bool:
    """True when ``body`` reaches the link whole (``clean_body`` does not clip it)."""
    return len(_cleaned(body, line_break="\n", control="")) <= MAX_BODY_CHARS


def mailto_link(address: str, subject: str, body: str) -> str:
    """``mailto:<address>?subject=...&body=...``; ValueError when ``address`` is not a plain email address."""
    to = check_contact(address)
    return f"mailto:{to}?subject={quote(clean_subject(subject), safe='')}&body={quote(clean_body(body), safe='')}"
