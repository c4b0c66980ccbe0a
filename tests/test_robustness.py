"""Hostile input: every way in refuses bad data with its own error type, never a crash.

Links, answers files (command line and upload), and journal CSVs are fuzzed with
hypothesis, fed huge and deeply nested inputs, and markup in free text is checked to
reach the page only as text. A soak renders every page for many different answers.
"""

from __future__ import annotations

import base64
import contextlib
import json
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import answers as answers_strategy
from streamlit.testing.v1 import AppTest

from nervetriage.cli import InputError, parse_answers
from nervetriage.journal import JournalInputError, entries_from_csv
from nervetriage.models import Answers
from nervetriage.share import (
    LINK_VERSION,
    AnswersFileError,
    LinkError,
    _checksum,
    answers_file_json,
    decode_link,
    encode_link,
    read_answers_file,
    token_from_text,
)
from nervetriage.ui.nav import ALL_PAGES
from nervetriage.ui.state import ANSWERS_KEY

PLAIN_TEXT_KINDS = {"text", "code"}  # st.text / st.code show their body verbatim, never as Markdown
APP = str(Path(__file__).resolve().parents[1] / "app.py")
TEN_MB = 10 * 1024 * 1024

HOSTILE = [
    "<script>alert(1)</script>",
    "**bold** _it_ `code`",
    "[click me](javascript:alert(1))",
    '<img src=x onerror="alert(1)">',
    "<iframe src=javascript:alert(1)></iframe>",
    "$\\alpha$ :red[red] :material/bolt:",
    "</div><div onclick=alert(1)>x",
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=20), inner, max_size=6),
    max_leaves=40,
)
answer_fields = st.sampled_from(list(Answers.model_fields))
# Answers-shaped objects: real field names with arbitrary JSON values, so the fuzz gets past
# "not an object" and exercises the model's own validation.
answer_like = st.dictionaries(answer_fields | st.text(max_size=12), json_values, max_size=8)


def token_for_payload(payload: bytes) -> str:
    """A link token whose checksum is right for ``payload``: reaches unpacking and validation."""
    packer = zlib.compressobj(level=9, wbits=-15)
    packed = packer.compress(payload) + packer.flush()
    body = base64.urlsafe_b64encode(_checksum(LINK_VERSION, packed) + packed).rstrip(b"=").decode("ascii")
    return f"{LINK_VERSION}.{body}"


def deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth


def deep_object(depth: int) -> str:
    return '{"note": ' + '{"a": ' * depth + "1" + "}" * depth + "}"


# --------------------------------------------------------------------------- links


@given(st.text(max_size=300))
def test_decode_link_refuses_any_text_with_link_error_only(text: str) -> None:
    with contextlib.suppress(LinkError):
        decode_link(text)


@given(answers_strategy(max_journal=2), st.data())
def test_decode_link_refuses_damaged_tokens_with_link_error_only(answers: Answers, data: st.DataObject) -> None:
    token = encode_link(answers)
    cut = data.draw(st.integers(0, len(token)))
    damage = data.draw(st.sampled_from(["truncate", "replace", "insert", "swap"]))
    char = data.draw(st.characters(codec="utf-8"))
    if damage == "truncate":
        damaged = token[:cut]
    elif damage == "replace":
        damaged = token[:cut] + char + token[cut + 1 :]
    elif damage == "insert":
        damaged = token[:cut] + char + token[cut:]
    else:
        damaged = token[cut:] + token[:cut]
    try:
        result = decode_link(damaged)
    except LinkError:
        return
    assert isinstance(result, Answers)


@given(st.binary(max_size=2000))
def test_decode_link_refuses_any_payload_behind_a_valid_checksum(payload: bytes) -> None:
    with contextlib.suppress(LinkError):
        decode_link(token_for_payload(payload))


@given(json_values | answer_like)
def test_decode_link_refuses_any_json_behind_a_valid_checksum(value: Any) -> None:
    payload = json.dumps(value, allow_nan=True).encode()
    try:
        result = decode_link(token_for_payload(payload))
    except LinkError:
        return
    assert isinstance(result, Answers)


@given(st.text(max_size=300))
def test_token_from_text_refuses_any_pasted_text_with_link_error_only(text: str) -> None:
    try:
        kind, token = token_from_text(text)
    except LinkError:
        return
    assert kind in ("answers", "clinic")
    assert isinstance(token, str)


@pytest.mark.parametrize(
    "payload",
    [
        deep_json(150_000).encode(),  # nested far past Python's recursion limit, yet a tiny link
        deep_object(50_000).encode(),
        b'{"note": "' + b"x" * 199_000 + b'"}',  # just under the unpacked-size ceiling, a too-long note
        b"{" * 300_000,  # unpacks past the ceiling
        b"9" * 5000,  # an integer longer than Python converts
        b'{"regions": [' + b'{"region": "calf", "side": "left", "intensity": 5},' * 3000 + b"1]}",
    ],
    ids=["deep-array", "deep-object", "long-note", "zip-bomb", "huge-int", "many-regions"],
)
def test_decode_link_refuses_hostile_payloads_with_a_readable_message(payload: bytes) -> None:
    with pytest.raises(LinkError) as caught:
        decode_link(token_for_payload(payload))
    assert "link" in str(caught.value).lower()


def test_decode_link_refuses_a_ten_megabyte_link() -> None:
    with pytest.raises(LinkError, match="longer than any"):
        decode_link("1." + "A" * TEN_MB)


# --------------------------------------------------------------------------- answers JSON


@given(st.text(max_size=400))
def test_parse_answers_refuses_any_text_with_input_error_only(text: str) -> None:
    with contextlib.suppress(InputError):
        parse_answers(text)


@given(json_values | answer_like)
def test_parse_answers_refuses_any_json_with_input_error_only(value: Any) -> None:
    try:
        result = parse_answers(json.dumps(value, allow_nan=True))
    except InputError:
        return
    assert isinstance(result, Answers)


@pytest.mark.parametrize(
    "text",
    [
        deep_json(200_000),
        deep_object(100_000),
        '{"note": "' + "x" * TEN_MB + '"}',
        '"' + "x" * TEN_MB + '"',
        "9" * 5000,
        '{"version": ' + "9" * 5000 + "}",
        "\x00" * 1000,
    ],
    ids=["deep-array", "deep-object", "10MB-note", "10MB-string", "huge-int", "huge-int-field", "nul-bytes"],
)
def test_parse_answers_refuses_huge_and_deep_input_with_input_error(text: str) -> None:
    with pytest.raises(InputError):
        parse_answers(text)


@given(st.binary(max_size=2000))
def test_read_answers_file_refuses_any_bytes_with_its_own_error_only(data: bytes) -> None:
    with contextlib.suppress(AnswersFileError):
        read_answers_file(data)


@given(json_values | answer_like)
def test_read_answers_file_refuses_any_json_with_its_own_error_only(value: Any) -> None:
    try:
        result = read_answers_file(json.dumps(value, allow_nan=True).encode())
    except AnswersFileError:
        return
    assert isinstance(result, Answers)


@pytest.mark.parametrize(
    "data",
    [
        deep_json(90_000).encode(),
        deep_object(15_000).encode(),
        b"x" * TEN_MB,
        b"9" * 5000,
        b"\xff\xfe" + b"\x00{" * 1000,
    ],
    ids=["deep-array", "deep-object", "10MB", "huge-int", "utf16-garbage"],
)
def test_read_answers_file_refuses_huge_and_deep_files(data: bytes) -> None:
    with pytest.raises(AnswersFileError):
        read_answers_file(data)


@given(answers_strategy(max_journal=3))
def test_answers_file_round_trips_any_answers(answers: Answers) -> None:
    assert read_answers_file(answers_file_json(answers).encode()) == answers


# --------------------------------------------------------------------------- journal CSV

CSV_HEADER = "date,flare_ups,worst,typical,duration_minutes,running_minutes,helped,flared,note"
csv_cells = st.one_of(
    st.text(max_size=12),
    st.integers(-5, 20_000).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["", " ", "=cmd|' /C calc'!A0", '"', "1e9", "NaN", "2024-02-30", "+7"]),
)


@given(st.text(max_size=600) | st.binary(max_size=600))
def test_journal_csv_import_refuses_any_text_with_its_own_error_only(data: str | bytes) -> None:
    with contextlib.suppress(JournalInputError):
        entries_from_csv(data)


@given(st.lists(st.lists(csv_cells, min_size=0, max_size=11), max_size=12))
def test_journal_csv_import_refuses_any_rows_with_its_own_error_only(rows: list[list[str]]) -> None:
    lines = [CSV_HEADER] + [",".join(json.dumps(c) if "," in c or "\n" in c else c for c in row) for row in rows]
    try:
        entries = entries_from_csv("\n".join(lines))
    except JournalInputError:
        return
    assert len(entries) <= len(rows)


@pytest.mark.parametrize(
    "data",
    [
        b"x" * TEN_MB,
        (CSV_HEADER + "\n" + "2024-01-01,1,5,3,10,30,a,b,c\n" * 20_000).encode(),
        (CSV_HEADER + "\n" + '"' + "x" * 150_000 + '"\n').encode(),
        b"\x00" * 5000,
    ],
    ids=["10MB", "too-many-rows", "huge-cell", "nul-bytes"],
)
def test_journal_csv_import_refuses_huge_files(data: bytes) -> None:
    with pytest.raises(JournalInputError):
        entries_from_csv(data)


# --------------------------------------------------------------------------- pages


def run_page(at: AppTest, page_id: str) -> AppTest:
    at.switch_page(f"pages/{page_id}.py")
    at.run()
    return at


def element_bodies(at: AppTest) -> list[tuple[str, str, bool]]:
    """(kind, text, allows html) of every text-like element on the current page."""
    out: list[tuple[str, str, bool]] = []

    def walk(node: Any) -> None:
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                walk(child)
            return
        proto = getattr(node, "proto", None)
        body = getattr(proto, "body", None)
        if isinstance(body, str):
            out.append((node.type, body, bool(getattr(proto, "allow_html", False))))

    walk(at.main)
    walk(at.sidebar)
    return out


def hostile_answers() -> Answers:
    journal = [
        {"date": f"2024-03-{day:02d}", "flare_ups": 1, "worst": 5, "typical": 3, "duration_minutes": 10,
         "running_minutes": 30, "helped": text[:200], "flared": text[:200], "note": text}
        for day, text in enumerate(HOSTILE, start=1)
    ]
    return Answers.model_validate(
        {
            "note": " ".join(HOSTILE)[:500],
            "origin": {"clinic": HOSTILE[0], "clinic_note": "\n".join(HOSTILE)[:500]},
            "journal": journal,
        }
    )


def test_markup_in_notes_never_reaches_the_page_as_html_or_a_live_link() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[ANSWERS_KEY] = hostile_answers()
    at.run()
    seen_as_text = False
    for page_id in ALL_PAGES:
        run_page(at, page_id)
        assert not at.exception, (page_id, [e.value for e in at.exception])
        for kind, body, allows_html in element_bodies(at):
            if kind in PLAIN_TEXT_KINDS:
                seen_as_text = seen_as_text or HOSTILE[0] in body
                continue
            for text in HOSTILE:
                if allows_html:
                    assert text not in body, f"{page_id}: user text in an HTML element ({kind})"
            # In Markdown, user text must arrive escaped: no live link, no raw tag, no raw emphasis.
            assert "](javascript:" not in body, f"{page_id}: a live javascript: link in {kind}: {body[:200]}"
            assert "<script>" not in body and "<img " not in body, f"{page_id}: a raw tag in {kind}: {body[:200]}"
            assert HOSTILE[1] not in body, f"{page_id}: user Markdown unescaped in {kind}: {body[:200]}"
    assert seen_as_text, "the clinic note should be shown, as plain text, somewhere"


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers_strategy(max_journal=6))
def test_soak_every_page_renders_for_any_answers_without_an_error(answers: Answers) -> None:
    """Ten full flows (every page, in order) over different answers: no exception anywhere."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[ANSWERS_KEY] = answers
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    for page_id in ALL_PAGES:
        run_page(at, page_id)
        assert not at.exception, (page_id, [e.value for e in at.exception])
        assert at.session_state[ANSWERS_KEY] == answers, f"merely viewing {page_id} changed the answers"


def test_tampered_link_shows_an_error_and_keeps_the_answers() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("pages/results.py")
    before = Answers.model_validate({"note": "kept"})
    at.session_state[ANSWERS_KEY] = before
    token = encode_link(Answers.model_validate({"note": "from the link"}))
    at.query_params["a"] = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    at.run()
    assert not at.exception
    assert at.session_state[ANSWERS_KEY] == before
    messages = " ".join(str(e.value) for e in [*at.error, *at.warning])
    assert "link" in messages.lower(), "a damaged link must be reported on the page"
