"""Share links: every valid answer set survives the trip, every bad token gives one clear error."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import re
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from strategies import answers

from nervetriage.models import SCHEMA_VERSION, Answers, JournalEntry, Origin, RegionPain, Sign5
from nervetriage.share import (
    _ZDICT_V1,
    CHECKSUM_BYTES,
    MAX_FILE_BYTES,
    MAX_JSON_BYTES,
    MAX_TOKEN_CHARS,
    AnswersFileError,
    LinkError,
    LinkTooLong,
    _checksum,
    answers_file_json,
    answers_from_clinic_link,
    build_clinic_link,
    build_share_link,
    decode_link,
    encode_link,
    merge_clinic_answers,
    read_answers_file,
    token_from_text,
)

ROOT = Path(__file__).resolve().parents[1]


def _token_for_bytes(payload: bytes, version: int = 1, raw: bool = False) -> str:
    """A token with a correct checksum around any payload: what a forger could make."""
    packed = payload if raw else zlib.compress(payload, 9)[2:-4]
    body = base64.urlsafe_b64encode(_checksum(version, packed) + packed).rstrip(b"=").decode()
    return f"{version}.{body}"


def _rich_answers() -> Answers:
    return Answers.model_validate(
        {
            "regions": [{"region": "calf", "side": "left", "intensity": 7}, {"region": "heel", "side": "left", "intensity": 4}],
            "sign2": {"qualities": ["tingling", "burning"]},
            "sign5": {"sitting": True, "night": True, "rest_intensity": 6},
            "note": "Café stop – then → worse",
            "red_flags": [],
        }
    )


# --------------------------------------------------------------------------- round trip


@given(answers())
@example(Answers())
def test_any_valid_answers_survive_the_link(original: Answers) -> None:
    try:
        token = encode_link(original)
    except LinkTooLong:
        assert original.journal, "only a journal can make answers too long for a link"
        return
    assert len(token) <= MAX_TOKEN_CHARS
    assert decode_link(token) == original


@given(answers(max_journal=0))
def test_answers_without_a_journal_always_fit_in_a_link(original: Answers) -> None:
    assert len(encode_link(original)) <= MAX_TOKEN_CHARS


GOLDEN_V1 = (
    "1._aa08auG5ksl58S0wysVHjVMVnjUNkkhP1sJJXFHxyIl6uhq5GLMHJHwIRUqLKFAyrTaWHg6qUbOO9HwOhkpMmJr4SmnGlbegB2PkX3MkNIPSEVtLQA"
)


def test_a_format_1_link_made_earlier_still_opens() -> None:
    """Links live in old emails: a format-1 token must decode the same for as long as format 1 is read."""
    expected = Answers.model_validate(
        {
            "regions": [{"region": "calf", "side": "left", "intensity": 7}],
            "sign2": {"qualities": ["tingling", "burning"]},
            "sign5": {"sitting": True, "night": True, "rest_intensity": 6},
            "note": "Café – → ok",
            "red_flags": [],
        }
    )
    assert decode_link(GOLDEN_V1) == expected


def test_the_format_1_dictionary_is_frozen() -> None:
    """Changing the preset dictionary silently breaks every link already sent: bump LINK_VERSION instead."""
    assert hashlib.sha256(_ZDICT_V1).hexdigest() == "cd5e7e10b9c33218a45434fd046f87e6af0836db7abc74b105169d204380bbf0"


def test_example_links_are_short_enough_for_a_message() -> None:
    from nervetriage.examples import load_examples

    for case in load_examples():
        assert len(encode_link(case.answers)) < 400, case.id


def test_empty_answers_make_a_tiny_link() -> None:
    assert len(encode_link(Answers())) < 20


def test_token_is_versioned_and_url_safe() -> None:
    token = encode_link(_rich_answers())
    version, _, body = token.partition(".")
    assert version == "1"
    assert set(body) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_link_is_compressed_well_below_the_raw_json() -> None:
    rich = _rich_answers()
    assert len(encode_link(rich)) < len(rich.model_dump_json())


# --------------------------------------------------------------------------- bad tokens


@given(answers(max_journal=1), st.data())
def test_truncated_tokens_are_reported_as_damaged(original: Answers, data: st.DataObject) -> None:
    token = encode_link(original)
    cut = data.draw(st.integers(0, len(token) - 1))
    with pytest.raises(LinkError):
        decode_link(token[:cut])


@given(answers(max_journal=1), st.data())
def test_changed_characters_are_detected(original: Answers, data: st.DataObject) -> None:
    token = encode_link(original)
    body_start = token.index(".") + 1
    pos = data.draw(st.integers(body_start, len(token) - 1))
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    new = data.draw(st.sampled_from(alphabet).filter(lambda c: c != token[pos]))
    mutated = token[:pos] + new + token[pos + 1 :]
    with contextlib.suppress(LinkError):
        assert decode_link(mutated) == original  # a change only in the unused padding bits is harmless


@given(st.text(max_size=300))
def test_random_text_only_ever_raises_link_error(text: str) -> None:
    with pytest.raises(LinkError):
        decode_link(text)


@given(st.binary(max_size=2000))
def test_base64_garbage_only_ever_raises_link_error(garbage: bytes) -> None:
    token = "1." + base64.urlsafe_b64encode(garbage).rstrip(b"=").decode()
    with pytest.raises(LinkError):
        decode_link(token)


@given(st.binary(max_size=500))
def test_garbage_with_a_valid_checksum_only_ever_raises_link_error(garbage: bytes) -> None:
    with pytest.raises(LinkError):
        decode_link(_token_for_bytes(garbage, raw=True))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children) | st.dictionaries(st.text(max_size=10), children),
)


@given(JSON_VALUES)
def test_forged_json_only_ever_raises_link_error_or_gives_valid_answers(value: object) -> None:
    try:
        result = decode_link(_token_for_bytes(json.dumps(value).encode()))
    except LinkError:
        return
    assert isinstance(result, Answers)


def test_truncated_link_says_damaged_or_incomplete() -> None:
    token = encode_link(_rich_answers())
    with pytest.raises(LinkError, match="damaged or incomplete"):
        decode_link(token[: len(token) // 2])


def test_unknown_version_names_the_version() -> None:
    token = encode_link(_rich_answers())
    with pytest.raises(LinkError, match="different version of NerveTriage \\(link format 7\\)"):
        decode_link("7" + token[1:])


def test_huge_token_is_refused_before_any_work() -> None:
    with pytest.raises(LinkError, match="longer than any NerveTriage link"):
        decode_link("1." + "A" * 5_000_000)


def test_decompression_bomb_is_refused() -> None:
    bomb = json.dumps({"note": " " * (MAX_JSON_BYTES * 2)}).encode()
    token = _token_for_bytes(bomb)
    assert len(token) < MAX_TOKEN_CHARS
    with pytest.raises(LinkError, match="more data than any set of answers"):
        decode_link(token)


def test_deeply_nested_json_is_refused_cleanly() -> None:
    token = _token_for_bytes(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(LinkError):
        decode_link(token)


def test_forged_answers_name_the_bad_field() -> None:
    token = _token_for_bytes(json.dumps({"regions": [{"region": "elbow", "side": "left"}]}).encode())
    with pytest.raises(LinkError, match=r"regions > item 1 > region"):
        decode_link(token)


def test_checksum_needs_more_than_the_checksum() -> None:
    with pytest.raises(LinkError):
        decode_link("1." + base64.urlsafe_b64encode(b"\x00" * CHECKSUM_BYTES).decode())


# --------------------------------------------------------------------------- links


def test_share_link_points_at_results_with_the_token() -> None:
    link = build_share_link(_rich_answers(), "http://host:8501/results")
    assert link.url is not None and link.url.startswith("http://host:8501/results?a=1.")
    kind, token = token_from_text(link.url)
    assert kind == "answers" and decode_link(token) == _rich_answers()
    assert not link.too_long and not link.journal_dropped


def _long_journal() -> list[JournalEntry]:
    import random

    rng = random.Random(4)
    letters = "abcdefghijklmnopqrstuvwxyzéàü –→"
    return [
        JournalEntry(
            date=f"2025-{1 + i // 28:02d}-{1 + i % 28:02d}",  # type: ignore[arg-type]
            flare_ups=rng.randint(0, 9),
            worst=9,
            typical=rng.randint(0, 9),
            duration_minutes=rng.randint(0, 600),
            running_minutes=rng.randint(0, 600),
            note="".join(rng.choice(letters) for _ in range(400)),
        )
        for i in range(60)
    ]


def test_journal_too_long_for_a_link_falls_back_to_a_link_without_it() -> None:
    big = _rich_answers().model_copy(update={"journal": _long_journal()})
    with pytest.raises(LinkTooLong, match="use the answers file instead"):
        encode_link(big)
    link = build_share_link(big, "http://host/results")
    assert link.too_long and link.journal_dropped
    assert link.url is not None and "answers file" in link.message
    _, token = token_from_text(link.url)
    assert decode_link(token) == _rich_answers()


def test_short_journal_travels_in_the_link() -> None:
    small = _rich_answers().model_copy(update={"journal": _long_journal()[:2]})
    link = build_share_link(small, "http://host/results")
    assert link.url and not link.too_long
    assert decode_link(token_from_text(link.url)[1]).journal == small.journal


def test_clinic_link_carries_the_note_and_preset_regions() -> None:
    url = build_clinic_link("Trail Physio", "Hi Sam – fill this in before Tuesday.", "http://host/welcome",
                            [RegionPain(region="heel", side="right")])
    kind, token = token_from_text(url)
    assert kind == "clinic"
    answers = decode_link(token)
    assert answers.origin == Origin(clinic="Trail Physio", clinic_note="Hi Sam – fill this in before Tuesday.")
    assert [(r.region, r.side) for r in answers.regions] == [("heel", "right")]


def test_clinic_link_keeps_answers_already_entered() -> None:
    current = Answers(regions=[RegionPain(region="calf", side="left", intensity=8)], sign5=Sign5(night=True))
    clinic = Answers(origin=Origin(clinic="C"), regions=[RegionPain(region="heel", side="right"), RegionPain(region="calf", side="left")])
    merged = merge_clinic_answers(current, clinic)
    assert merged.sign5.night is True
    # the clinic's mark arrives unrated (only the client can say how strong it is) and flagged as the clinic's
    assert [(r.region, r.side, r.intensity, r.from_clinic) for r in merged.regions] == [
        ("calf", "left", 8, False), ("heel", "right", None, True)]
    assert merged.origin == Origin(clinic="C")


def test_pasted_url_without_answers_is_a_link_error() -> None:
    with pytest.raises(LinkError, match="no NerveTriage answers"):
        token_from_text("https://example.org/results?x=1")



# --------------------------------------------------------------------------- same JSON, two wordings

UNREADABLE_LINK = "This link is damaged or incomplete: its contents are not readable answers. Ask the sender to copy the whole link again."
NOT_AN_OBJECT_FILE = "An answers file holds one JSON object ({...}); this one holds something else."

# Links and answers files share one path from JSON to Answers; each keeps its own wording.
JSON_FAILURES = [
    # (contents, what a link says, what a file says)
    (b"\xff\xfe{}", UNREADABLE_LINK, "This is not a text file, so it is not a NerveTriage answers file."),
    (b'{"regions": [', UNREADABLE_LINK, "This is not valid JSON (Expecting value at line 1, column 14)."),
    (b"[" * 100_000 + b"]" * 100_000, UNREADABLE_LINK, "This is not valid JSON."),
    (b"[1, 2]", UNREADABLE_LINK, NOT_AN_OBJECT_FILE),
    (b'"answers"', UNREADABLE_LINK, NOT_AN_OBJECT_FILE),
    (
        b'{"regions": [{"region": "elbow", "side": "left"}]}',
        "This link's answers are not valid (field regions > item 1 > region: Value error, unknown region “elbow”).",
        "Some answers are not valid: field regions > item 1 > region: Value error, unknown region “elbow”.",
    ),
    (
        b'{"note": 5, "version": 4}',
        "This link's answers are not valid (field version: Input should be 3; field note: Input should be a valid string).",
        "Some answers are not valid: field version: Input should be 3; field note: Input should be a valid string.",
    ),
]


@pytest.mark.parametrize(("contents", "link_says", "file_says"), JSON_FAILURES)
def test_links_and_files_refuse_the_same_json_each_in_its_own_words(contents: bytes, link_says: str, file_says: str) -> None:
    with pytest.raises(LinkError, match=f"^{re.escape(link_says)}$"):
        decode_link(_token_for_bytes(contents))
    with pytest.raises(AnswersFileError, match=f"^{re.escape(file_says)}$"):
        read_answers_file(contents)


def test_an_answers_file_with_a_byte_order_mark_opens() -> None:
    answers = _rich_answers()
    assert read_answers_file(b"\xef\xbb\xbf" + answers_file_json(answers).encode()) == answers


def test_a_link_carrying_a_byte_order_mark_is_unreadable() -> None:
    with pytest.raises(LinkError, match=f"^{re.escape(UNREADABLE_LINK)}$"):
        decode_link(_token_for_bytes(b"\xef\xbb\xbf{}"))


def test_empty_and_oversized_answers_files_are_refused_before_parsing() -> None:
    with pytest.raises(AnswersFileError, match=r"^The file is empty\.$"):
        read_answers_file(b"  \n")
    with pytest.raises(AnswersFileError, match=r"^The file is too large: an answers file is at most 2\.1 MB\.$"):
        read_answers_file(b"{}", declared_size=MAX_FILE_BYTES + 1)


# --------------------------------------------------------------------------- CLI


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "nervetriage", *args], cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=60)


def test_cli_link_encode_then_decode_round_trips(tmp_path: Path) -> None:
    source = tmp_path / "answers.json"
    source.write_text(_rich_answers().model_dump_json(), encoding="utf-8")
    encoded = _cli("link", "encode", str(source))
    assert encoded.returncode == 0, encoded.stderr
    token = encoded.stdout.strip()
    decoded = _cli("link", "decode", token)
    assert decoded.returncode == 0, decoded.stderr
    assert Answers.model_validate_json(decoded.stdout) == _rich_answers()
    from_url = _cli("link", "decode", f"http://host/results?a={token}")
    assert Answers.model_validate_json(from_url.stdout) == _rich_answers()


def test_cli_bad_token_exits_2_with_a_message_and_no_traceback() -> None:
    token = encode_link(_rich_answers())
    result = _cli("link", "decode", token[:-4])
    assert result.returncode == 2
    assert "damaged or incomplete" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_cli_encode_names_the_bad_field(tmp_path: Path) -> None:
    source = tmp_path / "bad.json"
    source.write_text('{"sign5": {"rest_intensity": 14}}', encoding="utf-8")
    result = _cli("link", "encode", str(source))
    assert result.returncode == 2
    assert "sign5.rest_intensity" in result.stderr


# --------------------------------------------------------------------------- answers versions 2 and 3


def test_a_version_1_answers_file_opens_migrated_to_the_current_version() -> None:
    v1 = {
        "version": 1,
        "regions": [{"region": "heel", "side": "left", "intensity": 6}],
        "sign2": {"qualities": ["burning"]},
        "sign4": {"self_press": "found_but_different"},
        "sign6": {"imaging": ["ultrasound"], "result": "mild_wear"},
    }
    answers = read_answers_file(json.dumps(v1).encode())
    assert answers.version == SCHEMA_VERSION == 3
    assert answers.regions[0].region == "heel" and answers.sign2.qualities == ["burning"]
    assert answers.clues.cough_sneeze is None  # new questions start unanswered, never as "no"


def test_the_golden_version_1_link_opens_as_current_answers() -> None:
    answers = decode_link(GOLDEN_V1)
    assert answers.version == SCHEMA_VERSION
    assert encode_link(answers).startswith("1.")  # the link format itself did not change


def test_every_shipped_answers_file_and_its_link_open() -> None:
    for path in sorted(Path(__file__).resolve().parents[1].joinpath("examples").glob("*.json")):
        answers = read_answers_file(path.read_bytes())
        assert decode_link(encode_link(answers)) == answers, path.name


def test_a_file_from_a_future_version_is_refused_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="version"):
        read_answers_file(b'{"version": 4}')


def test_a_version_2_file_and_link_open_with_their_regions_rated_as_before() -> None:
    """Version 2 left a region's intensity out when it was the default, 5: it still reads as 5."""
    v2 = {"version": 2, "regions": [{"region": "calf", "side": "left"}], "origin": {"clinic": "Old Clinic"}}
    from_file = read_answers_file(json.dumps(v2).encode())
    assert from_file.version == SCHEMA_VERSION and from_file.regions[0].intensity == 5
    assert not from_file.regions[0].from_clinic
    from_link = decode_link(_token_for_bytes(json.dumps(v2).encode()))
    assert from_link == from_file


def test_an_old_clinic_link_opens_with_its_areas_as_unrated_marks() -> None:
    """A version-2 clinic link carried its preset areas at the default strength; they arrive as the clinic's marks."""
    v2 = {"version": 2, "regions": [{"region": "heel", "side": "right"}], "origin": {"clinic": "Old Clinic"}}
    url = "http://localhost:8501/?c=" + _token_for_bytes(json.dumps(v2).encode())
    opened = answers_from_clinic_link(Answers(), decode_link(token_from_text(url)[1]))
    assert [(r.region, r.intensity, r.from_clinic) for r in opened.regions] == [("heel", None, True)]
