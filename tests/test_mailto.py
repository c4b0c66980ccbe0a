"""nervetriage.mailto: whatever the subject and body say, the link opens a message to one address
with exactly a subject and a body (RFC 6068), and decodes back to the cleaned text."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from hostile import HOSTILE_SAMPLES, hostile_texts
from hypothesis import given
from hypothesis import strategies as st

from nervetriage.mailto import MAX_BODY_CHARS, MAX_SUBJECT_CHARS, body_fits, clean_body, clean_subject, mailto_link

ADDRESS = "clinic@example.org"
# The whole link: the address, then exactly two fields whose values hold only unreserved
# characters and percent escapes. Nothing in the text can reach the link as itself.
SHAPE = re.compile(r"mailto:(?P<to>[A-Za-z0-9_.+@-]+)\?subject=(?P<subject>(?:[A-Za-z0-9_.~-]|%[0-9A-F]{2})*)"
                   r"&body=(?P<body>(?:[A-Za-z0-9_.~-]|%[0-9A-F]{2})*)")
INJECTIONS = [
    "Riverside\r\nBcc: evil@example.org",
    "Riverside\nCc: evil@example.org\n\nbody",
    "Riverside&cc=evil@example.org",
    "Riverside?cc=evil@example.org",
    "Riverside#&bcc=evil@example.org",
    "Riverside%26cc%3Devil%40example.org",
    "Riverside%0D%0ABcc:%20evil@example.org",
    "a=b&to=evil@example.org&subject=x",
    "Riverside\u2028Bcc: evil@example.org\x85Cc: evil@example.org",
    "Riverside+&+body=replaced",
]
texts = st.text() | hostile_texts(2000) | st.sampled_from(INJECTIONS)


def fields(link: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(link)
    assert parts.scheme == "mailto"
    assert parts.fragment == ""
    return parts.path, parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)


def check_link(subject: str, body: str) -> None:
    link = mailto_link(ADDRESS, subject, body)
    assert link.startswith("mailto:")
    assert SHAPE.fullmatch(link), link
    to, query = fields(link)
    assert to == ADDRESS
    assert set(query) == {"subject", "body"}
    assert [len(v) for v in query.values()] == [1, 1]
    assert query["subject"] == [clean_subject(subject)]
    assert query["body"] == [clean_body(body)]
    shape = SHAPE.fullmatch(link)
    assert shape is not None
    assert unquote(shape["subject"], errors="strict") == clean_subject(subject)
    assert unquote(shape["body"], errors="strict") == clean_body(body)


@given(texts, texts)
def test_any_text_gives_exactly_the_address_a_subject_and_a_body(subject: str, body: str) -> None:
    check_link(subject, body)


@given(texts)
def test_the_subject_is_one_clipped_line_without_controls(subject: str) -> None:
    cleaned = clean_subject(subject)
    assert len(cleaned) <= MAX_SUBJECT_CHARS
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned
    assert not any(unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") for c in cleaned), ascii(cleaned)
    assert clean_subject(cleaned) == cleaned  # cleaning is stable


@given(texts)
def test_the_body_keeps_its_lines_as_crlf_and_loses_other_controls(body: str) -> None:
    cleaned = clean_body(body)
    assert len(cleaned.replace("\r\n", "\n")) <= MAX_BODY_CHARS
    assert "\r" not in cleaned.replace("\r\n", "") and "\n" not in cleaned.replace("\r\n", "")
    others = cleaned.replace("\r\n", "")
    assert not any(unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") for c in others), ascii(cleaned)
    if not body_fits(body):
        assert cleaned.endswith("…")


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E) | st.just("\n"), max_size=MAX_BODY_CHARS))
def test_plain_text_that_fits_comes_back_whole(body: str) -> None:
    assert body_fits(body)
    assert clean_body(body) == body.replace("\n", "\r\n")


def test_a_plain_body_comes_back_unchanged_with_crlf_breaks() -> None:
    body = "line one\nline two\r\nline three\rhttp://localhost:8501/results?a=1.abc-_"
    assert clean_body(body) == "line one\r\nline two\r\nline three\r\nhttp://localhost:8501/results?a=1.abc-_"
    assert body_fits(body)
    _, query = fields(mailto_link(ADDRESS, "Results from J.D.", body))
    assert query == {"subject": ["Results from J.D."], "body": [clean_body(body)]}


def test_a_long_body_is_clipped_and_says_so() -> None:
    body = "x" * (MAX_BODY_CHARS + 10)
    assert not body_fits(body)
    assert clean_body(body).endswith("…")
    assert len(clean_body(body)) == MAX_BODY_CHARS
    assert body_fits("y" * MAX_BODY_CHARS)
    assert len(clean_subject("s" * 500)) == MAX_SUBJECT_CHARS


def test_a_crlf_is_never_cut_in_half() -> None:
    for pad in range(MAX_BODY_CHARS - 3, MAX_BODY_CHARS + 3):
        cleaned = clean_body("a" * pad + "\r\n" * 5)
        assert "\r" not in cleaned.replace("\r\n", "") and "\n" not in cleaned.replace("\r\n", "")


@pytest.mark.parametrize("text", [*HOSTILE_SAMPLES, *INJECTIONS])
def test_hostile_samples_never_add_a_header(text: str) -> None:
    for subject, body in ((text, "body"), ("subject", text), (text, text)):
        check_link(subject, body)
        _, query = fields(mailto_link(ADDRESS, subject, body))
        assert "evil@example.org" not in "".join(k for k in query)


def test_header_injection_stays_inside_the_subject() -> None:
    link = mailto_link(ADDRESS, "Riverside Physio\r\nBcc: evil@x &cc=evil@x", "hello")
    to, query = fields(link)
    assert to == ADDRESS
    assert query == {"subject": ["Riverside Physio Bcc: evil@x &cc=evil@x"], "body": ["hello"]}
    assert "\r" not in link and "\n" not in link and "&cc" not in link and "Bcc:" not in link


def test_control_characters_and_bidi_marks() -> None:
    assert clean_subject("a\tb\x00c\x1b[31m\u202ed\ud800e") == "a b c [31m[U+202E]de"
    assert clean_body("a\tb\x00c\x07\n\u2028d\ud800\x85e") == "a bc\r\n\r\nd\r\ne"


@pytest.mark.parametrize(
    "address",
    ["", " ", "not an address", "evil@x", "a@b.c?cc=evil@x.org", "a@b.example&cc=evil@x.org", "a@b.example\r\nBcc: e@x.org",
     "a b@c.example", "a@b.example,evil@x.org", "<a@b.example>", "a%40b@c.example", "javascript:alert(1)//@x.example",
     "a@b.example#x", "\"a\"@b.example", "a@[127.0.0.1]", "x" * 65 + "@b.example", "a@" + "b" * 250 + ".example"],
)
def test_a_bad_address_raises_value_error(address: str) -> None:
    with pytest.raises(ValueError):
        mailto_link(address, "subject", "body")


def test_the_address_is_trimmed_and_kept_as_given() -> None:
    to, _ = fields(mailto_link("  first.last+nt@clinic-one.example.org ", "s", "b"))
    assert to == "first.last+nt@clinic-one.example.org"


def test_never_imports_streamlit() -> None:
    code = "import sys, nervetriage.mailto; assert 'streamlit' not in sys.modules, 'streamlit was imported'"
    subprocess.run([sys.executable, "-c", code], check=True)
