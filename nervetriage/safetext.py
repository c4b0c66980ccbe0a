"""The one way text from outside (a link, a file, a form, an error about them) reaches a page.

Streamlit renders alerts, captions and ``st.markdown`` as GitHub-flavoured Markdown, with
its own extensions on top: colour directives (``:red[...]``), icon and emoji shortcodes
(``:material/home:``), KaTeX (``$...$``) and bare-URL autolinks. Backslash escapes stop the
Markdown syntax, but autolinks are found afterwards, in the text itself, so escaping alone
still leaves ``_https://evil.example`` a live link. ``literal`` therefore

1. makes invisible controls visible (bidi overrides become ``[U+202E]``; other control
   characters are dropped), so text cannot reorder what is around it;
2. folds all white space to single spaces (no headings, lists, tables or breaks);
3. backslash-escapes every ASCII punctuation character (CommonMark allows exactly these);
4. puts a zero-width space after every ``:``, before every ``@`` and before the ``.`` that
   follows ``www``, which no autolink, shortcode or directive pattern can cross; it looks the same.

``excerpt`` quotes a short, sanitised piece of a value for an error message, and ``clip``
caps any message at a fixed length, so an error never carries a paragraph of someone
else's text. This module is pure Python: the core uses it for messages, the pages for
display, and the PDF uses ``visible`` (a PDF has no Markdown).
"""

from __future__ import annotations

import re
import unicodedata

MAX_MESSAGE_CHARS = 400  # the longest message any error about outside input may have
EXCERPT_CHARS = 40  # the most of an outside value a message quotes

# Bidi embeddings, overrides and isolates, and the marks: invisible, and able to reorder text.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
_ASCII_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_ZWSP = "\u200b"
_BREAKS = re.compile(r"(?i)(\\:)|(\\@)|(?<=www)(\\\.)")


def _visible_char(char: str, keep_newlines: bool) -> str:
    if char in _BIDI:
        return f"[U+{ord(char):04X}]"
    if char == "\t":
        return " "
    if char in "\n\r":
        return "\n" if keep_newlines else " "
    if unicodedata.category(char) in ("Cc", "Cs"):
        return ""  # C0/C1 controls and lone surrogates: nothing to show, and a page or PDF cannot encode them
    return char


def visible(text: str, keep_newlines: bool = True) -> str:
    """``text`` with bidi controls shown as ``[U+202E]`` marks and other control characters removed."""
    text = text.replace("\r\n", "\n")
    return "".join(_visible_char(char, keep_newlines) for char in text)


def clip(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``text`` cut to at most ``limit`` characters, ending in "…" when it was cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + "…"


def excerpt(value: object, limit: int = EXCERPT_CHARS) -> str:
    """A short, one-line, quoted piece of ``value`` for an error message: “like this…”."""
    shown = " ".join(visible(str(value), keep_newlines=False).split())
    return f"“{clip(shown, limit)}”"


def _break_patterns(match: re.Match[str]) -> str:
    # after a colon (schemes, shortcodes, directives); before "@" (e-mail) and "www"'s dot
    return match.group(0) + _ZWSP if match.group(1) else _ZWSP + match.group(0)


def literal(text: str) -> str:
    """``text`` as Markdown that Streamlit shows exactly as typed: no markup, link, icon, colour or maths."""
    folded = " ".join(visible(text, keep_newlines=False).split())
    escaped = _ASCII_PUNCTUATION.sub(r"\\\1", folded)
    return _BREAKS.sub(_break_patterns, escaped)


def message(text: str) -> str:
    """An error or notice about outside input, capped in length and made literal for a page."""
    return literal(clip(text))


def keep_within(text: str, limit: int, label: str) -> tuple[str, str | None]:
    """``text`` cut to ``limit`` characters, and a notice saying so (None when nothing was cut).

    A long paste is kept up to the limit and the person told where it now ends, never
    silently dropped.
    """
    if len(text) <= limit:
        return text, None
    kept = text[:limit]
    tail = " ".join(visible(kept[-30:], keep_newlines=False).split())
    notice = (
        f"{label} was {len(text)} characters long and holds at most {limit}, so only the first {limit} were kept; "
        f"it now ends “…{tail}”. Shorten it yourself to choose what is kept."
    )
    return kept, notice
