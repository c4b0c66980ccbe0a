"""Hostile strings: what an attacker, a careless paste or a strange keyboard may put in a field.

``HOSTILE_SAMPLES`` is a fixed list, one per class the audit found or suspected; ``hostile_texts``
is a hypothesis strategy mixing those classes with generated fragments. Shared by the
AppTest, Chromium and benchmark checks of every path that shows user or link text.
"""

from __future__ import annotations

import re

from hypothesis import strategies as st

AUTOLINKS = [
    "_https://evil.example/login",
    "_www.evil.example/login",
    "https://evil.example",
    "www.evil.example",
    "HTTP://EVIL.EXAMPLE/x",
    "x_www.evil.example",
    "name@evil.example",
    "mailto:name@evil.example",
    "xmpp:name@evil.example",
    "ftp://evil.example",
    "<https://evil.example>",
    "(www.evil.example)",
    "*www.evil.example*",
    "~https://evil.example~",
    "[click](javascript:alert(1))",
    "[click](https://evil.example)",
    "![x](https://evil.example/p.png)",
    "[a]: https://evil.example\n\n[a]",
]
MARKUP = [
    "**bold** _it_ `code` ~~gone~~",
    "# Heading",
    "- item\n- item",
    "1. one",
    "> quote",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "```\ncode\n```",
    "line one  \nline two",
    "---",
    "\\*not\\* escaped\\",
]
HTML = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<iframe src=javascript:alert(1)></iframe>",
    "</div><div onclick=alert(1)>x",
    "&lt;b&gt; &amp; &#104;ttps://evil.example",
    "<a href='https://evil.example'>x</a>",
]
STREAMLIT = [
    ":red[red] :blue-background[blue] :rainbow[x]",
    ":material/bolt: :material/warning:",
    ":smile: :+1:",
    "$\\alpha$ and $$x^2$$",
    "\\(x\\) \\[y\\]",
    ":small[tiny] :violet-badge[badge]",
]
CONTROLS = [
    "abc\u202edcba",  # right-to-left override
    "\u2066isolate\u2069 \u200fmark\u200e",
    "null\x00byte bell\x07 esc\x1b[31m",
    "zero\u200bwidth\u2060joiner\ufeff",
    "combining a\u0301\u0301\u0301",
    "\ud800 lone surrogate, and an emoji \U0001f600",
]
HOSTILE_SAMPLES = [*AUTOLINKS, *MARKUP, *HTML, *STREAMLIT, *CONTROLS]

_FRAGMENTS = st.sampled_from([*HOSTILE_SAMPLES, "", " ", "\n", "_", "*", ":", "@", ".", "www", "http", "//", "[", "]", "(", ")"])
_SPECIALS = st.text(alphabet=st.sampled_from(list("\\`*_{}[]()#+-.!|<>~:$&@=^\"'%/ \n\t\u202e\u200b")), max_size=8)


@st.composite
def _mixed(draw: st.DrawFn) -> str:
    parts = draw(st.lists(_FRAGMENTS | _SPECIALS | st.text(max_size=6), min_size=1, max_size=6))
    return "".join(parts)


def hostile_texts(max_size: int = 200) -> st.SearchStrategy[str]:
    """A hostile string of at most ``max_size`` characters: a sample, a mix of them, or generated."""
    return (st.sampled_from(HOSTILE_SAMPLES) | _mixed()).map(lambda s: s[:max_size])


# What GitHub-flavoured Markdown would turn into a link if it reached the text unbroken.
AUTOLINK_PATTERNS = re.compile(r"(?i)(?:https?|ftp)://|www\.|[\w.+-]@[\w-]+\.|(?:mailto|xmpp|javascript):(?!\u200b)")


def unescaped(markdown: str) -> str:
    """The text a Markdown body holds once its backslash escapes are resolved."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def shown(markdown: str) -> str:
    """Markdown as a person reads it: escapes resolved and the invisible link breakers removed."""
    return unescaped(markdown).replace("\u200b", "")
