"""What the browser keeps (nervetriage/storage.py): records read back exactly, anything else refused clearly."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hostile import hostile_texts
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import answers as answers_strategy

from nervetriage.models import Answers, Origin, RegionPain
from nervetriage.safetext import MAX_MESSAGE_CHARS
from nervetriage.share import answers_file_json
from nervetriage.storage import (
    MAX_RECORD_CHARS,
    StoredRecordError,
    answers_payload,
    choose_restore,
    read_record,
)


def record(answers: Answers | dict[str, Any], **extra: Any) -> str:
    body = json.loads(answers_file_json(answers)) if isinstance(answers, Answers) else answers
    return json.dumps({"app": "nervetriage", "format": 1, "saved": "2026-12-02T10:41:00.000Z", "rev": "ab12",
                       "page": "sign3", "answers": body, **extra})


MINE = Answers(regions=[RegionPain(region="outer_shin", side="left", intensity=6)])
THEIRS = Answers(regions=[RegionPain(region="calf", side="right", intensity=3)])


@settings(max_examples=60, deadline=None)
@given(answers_strategy(max_journal=6))
def test_any_answers_come_back_from_a_record_exactly(answers: Answers) -> None:
    payload = answers_payload(answers)
    if answers == Answers():
        assert payload is None  # an empty form keeps nothing
        return
    assert payload is not None
    back = read_record(json.dumps({"app": "nervetriage", "format": 1, "page": "results", "answers": json.loads(payload)}), "tab")
    assert back.answers == answers and back.page == "results"


@settings(max_examples=200, deadline=None)
@given(st.one_of(hostile_texts(), st.text(max_size=300), st.binary(max_size=50).map(lambda b: b.decode("latin-1"))))
def test_any_text_in_storage_is_refused_with_its_own_error_only(raw: str) -> None:
    try:
        read_record(raw, "device")
    except StoredRecordError as exc:
        assert len(str(exc)) <= MAX_MESSAGE_CHARS
        assert str(exc).startswith("The answers remembered on this device")


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("not json {", "not readable"),
        (json.dumps({"x": 1}), "were not written by NerveTriage"),
        (json.dumps({"app": "other-app", "answers": {}}), "were not written by NerveTriage"),
        (json.dumps({"app": "nervetriage", "format": 99, "answers": {}}), "newer version"),
        (json.dumps({"app": "nervetriage", "format": 1}), "hold no answers"),
        (json.dumps({"app": "nervetriage", "format": 1, "answers": {"regions": "[x](https://evil.example)"}}), "could not be used"),
        (json.dumps({"app": "nervetriage", "format": 1, "answers": {"journal": [{"date": "0001-01-01"}]}}), "could not be used"),
        ("x" * (MAX_RECORD_CHARS + 1), "larger than any set of answers"),
    ],
)
def test_a_bad_record_says_why(raw: str, says: str) -> None:
    with pytest.raises(StoredRecordError, match=says):
        read_record(raw, "tab")


def test_an_old_version_1_record_is_migrated() -> None:
    v1 = {"version": 1, "regions": [{"region": "outer_shin", "side": "left", "intensity": 6}]}
    assert read_record(record(v1), "tab").answers.version == 3


def test_an_unknown_page_or_odd_time_is_ignored_not_fatal() -> None:
    back = read_record(record(MINE, page="../../etc", saved="yesterday", rev=5), "tab")
    assert back.answers == MINE and back.page is None and back.saved is None and back.rev is None


def test_this_tabs_copy_wins_then_the_device_copy_when_remembered() -> None:
    both = choose_restore(record(MINE), record(THEIRS), True, Answers())
    assert both.answers == MINE and both.source == "tab" and both.page == "sign3"
    device_only = choose_restore(None, record(THEIRS), True, Answers())
    assert device_only.answers == THEIRS and device_only.source == "device"
    assert choose_restore(None, record(THEIRS), False, Answers()).answers is None, "not remembered: not read"


def test_answers_already_in_the_session_are_never_replaced() -> None:
    from_link = Answers(origin=Origin(clinic="Riverside Physio"))
    kept = choose_restore(record(MINE), record(THEIRS), True, from_link)
    assert kept.answers is None and kept.problems == []


def test_a_bad_copy_is_reported_and_the_other_still_used() -> None:
    restore = choose_restore("garbage", record(THEIRS), True, Answers())
    assert restore.answers == THEIRS
    assert len(restore.problems) == 1 and "kept in this browser tab" in restore.problems[0]
    restore = choose_restore(record(MINE), '{"app": "nervetriage", "format": 1, "answers": 7}', True, Answers())
    assert restore.answers == MINE and "remembered on this device" in restore.problems[0]


def test_an_empty_stored_record_restores_nothing() -> None:
    assert choose_restore(record(Answers()), None, False, Answers()).answers is None
