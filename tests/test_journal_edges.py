"""The journal at its edges: dates every way in must refuse, one check-in per date, and a fuzz
of stored journals with edge dates through the trend, the summary and the CSV round trip."""

from __future__ import annotations

import base64
import datetime as dt
import json
import random
import zlib
from pathlib import Path
from typing import Any

import pytest
import yaml
from apptest_wizard import go, new_app
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from nervetriage.journal import (
    CSV_COLUMNS,
    MAX_ENTRIES,
    JournalInputError,
    apply_table_edits,
    assess_trend,
    build_journal_figure,
    entries_from_csv,
    entries_to_csv,
    entry_from_cells,
    format_date,
    merge_entries,
    sort_entries,
    summarise_journal,
)
from nervetriage.models import EARLIEST_JOURNAL_DATE, Answers, JournalEntry, latest_journal_date
from nervetriage.share import (
    _ZDICT_V1,
    LINK_VERSION,
    AnswersFileError,
    LinkError,
    LinkTooLong,
    _checksum,
    answers_file_json,
    decode_link,
    encode_link,
    read_answers_file,
)
from nervetriage.ui.state import ANSWERS_KEY

HEADER = ",".join(CSV_COLUMNS)
TODAY = dt.date.today()
YEAR_ONE = "0001-01-01"


def cells(day: object, **update: object) -> dict[str, Any]:
    row: dict[str, Any] = {"date": day, "flare_ups": 2, "worst": 5, "typical": 3, "duration_minutes": 20, "running_minutes": 60,
                           "helped": "", "flared": "", "note": ""}
    return {**row, **update}


def check_in(day: dt.date, **update: object) -> JournalEntry:
    return JournalEntry.model_validate(cells(day, **update))


def forged_link(payload: object) -> str:
    """A well-formed link around any JSON, as anyone can make one (there is no secret)."""
    packer = zlib.compressobj(level=9, wbits=-15, zdict=_ZDICT_V1)
    packed = packer.compress(json.dumps(payload).encode()) + packer.flush()
    body = base64.urlsafe_b64encode(_checksum(LINK_VERSION, packed) + packed).rstrip(b"=").decode()
    return f"{LINK_VERSION}.{body}"


def year_one_journal() -> list[dict[str, Any]]:
    return [cells(f"0001-01-{day:02d}") for day in (1, 8, 15)]


# ----------------------------------------------------------------------- (a) dates in range


def test_a_check_in_dated_in_year_one_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationError) as caught:
        JournalEntry.model_validate(cells(YEAR_ONE))
    (error,) = caught.value.errors()
    assert error["loc"] == ("date",)
    assert "date 0001-01-01 is before 1990-01-01" in error["msg"]


def test_a_check_in_dated_after_tomorrow_is_refused_naming_the_field() -> None:
    later = TODAY + dt.timedelta(days=2)
    with pytest.raises(ValidationError) as caught:
        JournalEntry.model_validate(cells(later.isoformat()))
    (error,) = caught.value.errors()
    assert error["loc"] == ("date",)
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    assert f"date {later.isoformat()} is in the future (the latest allowed is {tomorrow})" in error["msg"]
    with pytest.raises(ValidationError, match="is in the future"):
        JournalEntry.model_validate(cells(dt.date.max))


@pytest.mark.parametrize("day", [EARLIEST_JOURNAL_DATE, dt.date(2000, 2, 29), TODAY, TODAY + dt.timedelta(days=1)])
def test_dates_from_1990_to_tomorrow_are_accepted(day: dt.date) -> None:
    assert check_in(day).date == day


def test_the_date_range_is_1990_to_tomorrow() -> None:
    assert dt.date(1990, 1, 1) == EARLIEST_JOURNAL_DATE
    assert latest_journal_date() == TODAY + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="date 1989-12-31 is before 1990-01-01"):
        check_in(dt.date(1989, 12, 31))


def test_a_link_with_year_one_check_ins_is_refused_naming_the_field() -> None:
    with pytest.raises(LinkError) as caught:
        decode_link(forged_link({"journal": year_one_journal()}))
    message = str(caught.value)
    assert "journal" in message and "date 0001-01-01 is before 1990-01-01" in message


def test_an_answers_file_with_year_one_check_ins_is_refused_naming_the_field() -> None:
    with pytest.raises(AnswersFileError) as caught:
        read_answers_file(json.dumps({"version": 2, "journal": year_one_journal()}).encode())
    message = str(caught.value)
    assert "journal" in message and "date 0001-01-01 is before 1990-01-01" in message


def test_a_csv_with_year_one_check_ins_is_refused_in_plain_words() -> None:
    rows = [HEADER, f"{YEAR_ONE},2,5,3,20,60,,,", "2026-01-05,2,5,3,20,60,,,"]
    with pytest.raises(JournalInputError) as caught:
        entries_from_csv("\r\n".join(rows))
    assert caught.value.problems == ["Row 2: date 0001-01-01 is before 1990-01-01, the earliest a check-in can be dated"]


def test_a_csv_with_a_future_check_in_is_refused_in_plain_words() -> None:
    with pytest.raises(JournalInputError) as caught:
        entries_from_csv(f"{HEADER}\r\n9999-12-31,2,5,3,20,60,,,\r\n")
    (problem,) = caught.value.problems
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    assert problem == f"Row 2: date 9999-12-31 is in the future (the latest allowed is {tomorrow})"


def test_a_table_edit_to_year_one_is_refused_in_plain_words() -> None:
    entries = [check_in(dt.date(2026, 1, 5)), check_in(dt.date(2026, 1, 12))]
    with pytest.raises(JournalInputError) as caught:
        apply_table_edits(entries, {"edited_rows": {0: {"date": YEAR_ONE}}, "added_rows": [{**cells("0001-02-01")}]})
    assert caught.value.problems == [
        "Row 1 (5 Jan 2026): date 0001-01-01 is before 1990-01-01, the earliest a check-in can be dated",
        "New row 1: date 0001-02-01 is before 1990-01-01, the earliest a check-in can be dated",
    ]


def test_the_add_form_refuses_a_year_one_date_in_plain_words() -> None:
    entry, problems = entry_from_cells(cells(dt.date(1, 1, 1)), "This check-in")
    assert entry is None
    assert problems == ["This check-in: date 0001-01-01 is before 1990-01-01, the earliest a check-in can be dated"]


def _stored(days: list[dt.date]) -> list[JournalEntry]:
    """Check-ins as stored before dates were checked: built without validation."""
    return [JournalEntry.model_construct(**{**check_in(TODAY).model_dump(), "date": day}) for day in days]


@pytest.mark.parametrize(
    "days",
    [
        [dt.date(1, 1, 1), dt.date(1, 1, 8), dt.date(1, 1, 15)],
        [dt.date.min, dt.date.min + dt.timedelta(days=10), dt.date.min + dt.timedelta(days=30), dt.date.min + dt.timedelta(days=400)],
        [dt.date.max - dt.timedelta(days=30), dt.date.max - dt.timedelta(days=10), dt.date.max],
        [dt.date.min, dt.date(2026, 1, 5), dt.date.max],
    ],
    ids=["year-one", "date-min", "date-max", "both-ends"],
)
def test_every_date_calculation_is_safe_at_the_ends_of_the_calendar(days: list[dt.date]) -> None:
    stored = _stored(days)
    trend = assess_trend(stored)
    assert trend.verdict in {"improving", "flat", "worsening", "not_enough_data"}
    assert summarise_journal(stored)[0].startswith(f"{len(days)} check-ins from {format_date(days[0])}")
    assert build_journal_figure(stored) is not None
    assert entries_to_csv(stored).count("\r\n") == len(days) + 1


def test_dates_are_written_the_same_way_in_every_year() -> None:
    assert format_date(dt.date(2026, 1, 5)) == "5 Jan 2026"
    assert format_date(dt.date.min) == "1 Jan 1"
    assert format_date(dt.date.max) == "31 Dec 9999"


def test_the_journal_page_survives_check_ins_stored_in_year_one() -> None:
    at = new_app()
    stored = _stored([dt.date(1, 1, 1), dt.date(1, 1, 8), dt.date(1, 1, 15), dt.date(1, 1, 22)])
    at.session_state[ANSWERS_KEY] = Answers().model_copy(update={"journal": stored})  # as kept before the fix
    go(at, "journal")  # asserts that nothing raised
    assert [h.value for h in at.subheader][:2] == ["Trend", "Over time"]


# An answers link made before dates and control characters were checked: sane dates, and
# control characters (a bell, an escape sequence, a CR LF) in the free text.
OLD_LINK = (
    "1.2kgQTI2VOw7DIBBEr2JRG2nZxeCcxbhBcplEihKlsLh71pY_STQFHd177MLMfIbQMG9tY5jYW2LLwaD2EPrJ7-7M0fVu6UVEscmqqIMBjzfQ11jlkI6l_TMQS77G"
    "wO_pYnSlU6N9mB7ptp6f7_vi4_Ig7opkIpYJQMa5GhkBkB5DOgTpayAMIBcM8WU8xpO1fbf16P-YTPkA"
)


def test_an_old_link_with_sane_dates_still_opens_with_its_control_characters_dropped() -> None:
    answers = decode_link(OLD_LINK)
    assert [e.date for e in answers.journal] == [dt.date(2024, 2, 26) + dt.timedelta(weeks=i) for i in range(4)]
    assert answers.note == "bell here"
    assert answers.journal[0].helped == "walk breaks"
    assert answers.journal[1].note == "line one\nline two[31m"
    assert decode_link(encode_link(answers)) == answers


def test_an_old_answers_file_with_control_characters_still_opens_without_them() -> None:
    old = {"version": 1, "note": "a\u0000b\u001fc\u0085d\u009fe\tf\r\ng\rh",
           "journal": [cells("2024-01-01", note="x\u0007y", helped="\u0000", flared="\u001b[1mbold")]}
    answers = read_answers_file(json.dumps(old).encode())
    assert answers.note == "abcde\tf\ng\nh"
    assert (answers.journal[0].note, answers.journal[0].helped, answers.journal[0].flared) == ("xy", "", "[1mbold")
    assert "\\u00" not in answers_file_json(answers)


# ----------------------------------------------------------------------- (c) one check-in per date


def test_answers_with_two_check_ins_on_one_date_are_refused_naming_the_date() -> None:
    journal = [cells("2026-01-05"), cells("2026-01-12"), cells("2026-01-05", note="again")]
    with pytest.raises(ValidationError) as caught:
        Answers.model_validate({"journal": journal})
    (error,) = caught.value.errors()
    assert error["loc"] == ("journal",)
    assert "check-ins 1 and 3 share the date 2026-01-05; the journal keeps one per date" in error["msg"]


def test_a_link_with_two_check_ins_on_one_date_is_refused_naming_the_date() -> None:
    with pytest.raises(LinkError) as caught:
        decode_link(forged_link({"journal": [cells("2026-01-05"), cells("2026-01-05", worst=6)]}))
    assert "field journal" in str(caught.value) and "share the date 2026-01-05" in str(caught.value)


def test_an_answers_file_with_two_check_ins_on_one_date_is_refused_naming_the_date() -> None:
    with pytest.raises(AnswersFileError) as caught:
        read_answers_file(json.dumps({"journal": [cells("2026-01-05"), cells("2026-01-05", worst=6)]}).encode())
    assert "field journal" in str(caught.value) and "share the date 2026-01-05" in str(caught.value)


def test_a_csv_with_two_check_ins_on_one_date_is_refused_naming_both_rows() -> None:
    with pytest.raises(JournalInputError) as caught:
        entries_from_csv(f"{HEADER}\r\n2026-01-05,2,5,3,20,60,,,\r\n2026-01-05,1,4,3,20,60,,,\r\n")
    assert caught.value.problems == ["Row 3: date 2026-01-05 is already used by Row 2"]


def test_a_merged_import_keeps_one_check_in_per_date_and_validates_as_answers() -> None:
    existing = [check_in(dt.date(2026, 1, 5)), check_in(dt.date(2026, 1, 12))]
    incoming = [check_in(dt.date(2026, 1, 12), worst=9), check_in(dt.date(2026, 1, 19))]
    merged = merge_entries(existing, incoming)
    assert Answers(journal=merged).journal == merged
    assert [e.worst for e in merged] == [5, 9, 5]


def test_no_shipped_answers_hold_two_check_ins_on_one_date() -> None:
    root = Path(__file__).resolve().parents[1]
    payloads: list[tuple[str, object]] = []
    for path in [*sorted((root / "examples").glob("*.json")), *sorted((root / "content" / "examples").glob("*.json"))]:
        payloads.append((str(path), json.loads(path.read_text(encoding="utf-8"))))
    for path in sorted((root / "tests" / "data").rglob("*.yaml")):
        payloads.append((str(path), yaml.safe_load(path.read_text(encoding="utf-8"))))

    def journals(value: object) -> list[list[Any]]:
        if isinstance(value, dict):
            found = [value["journal"]] if isinstance(value.get("journal"), list) else []
            return found + [j for v in value.values() for j in journals(v)]
        if isinstance(value, list):
            return [j for v in value for j in journals(v)]
        return []

    for where, payload in payloads:
        for journal in journals(payload):
            dates = [str(e.get("date")) for e in journal if isinstance(e, dict)]
            assert len(dates) == len(set(dates)), where


# ----------------------------------------------------------------------- (d) fuzz with edge dates

EDGE_DATES = [
    EARLIEST_JOURNAL_DATE,
    EARLIEST_JOURNAL_DATE + dt.timedelta(days=1),
    dt.date(1992, 2, 29),
    dt.date(2000, 2, 28),
    dt.date(2000, 2, 29),
    dt.date(2000, 3, 1),
    dt.date(2024, 2, 29),
    dt.date(1999, 12, 31),
    TODAY - dt.timedelta(days=1),
    TODAY,
    TODAY + dt.timedelta(days=1),
]
LATEST = TODAY + dt.timedelta(days=1)
day_strategy = st.sampled_from(EDGE_DATES) | st.dates(EARLIEST_JOURNAL_DATE, LATEST)
TEXTS = ["", "ok", "=1+1", "'quoted", 'say "hi", then go', "line\nbreak", "🦶" * 200, "\x07bell\x1b", "  padded  "]


def _row(rng: random.Random, day: dt.date) -> dict[str, Any]:
    worst = rng.choice([0, 1, 5, 10, rng.randint(0, 10)])
    return cells(
        day,
        flare_ups=rng.choice([0, 1, 100, rng.randint(0, 100)]),
        worst=worst,
        typical=rng.randint(0, worst),
        duration_minutes=rng.choice([0, 10_080, rng.randint(0, 10_080)]),
        running_minutes=rng.choice([0, 10_080, rng.randint(0, 10_080)]),
        helped=rng.choice(TEXTS)[:200],
        flared=rng.choice(TEXTS)[:200],
        note=rng.choice([*TEXTS, "🦶" * 500]),
    )


@st.composite
def edge_journals(draw: st.DrawFn) -> list[JournalEntry]:
    """Journals a link or file could hold: edge dates, runs of consecutive days, up to 520 over decades."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    shape = draw(st.sampled_from(["edges", "consecutive", "weekly", "decades", "ends"]))
    if shape == "edges":
        days = draw(st.lists(day_strategy, max_size=30, unique=True))
    elif shape == "consecutive":
        count = draw(st.sampled_from([MAX_ENTRIES]) | st.integers(1, MAX_ENTRIES))
        latest_start = LATEST - dt.timedelta(days=count - 1)
        start = draw(st.sampled_from([EARLIEST_JOURNAL_DATE, latest_start]) | st.dates(EARLIEST_JOURNAL_DATE, latest_start))
        days = [start + dt.timedelta(days=i) for i in range(count)]
    elif shape == "weekly":
        count = draw(st.integers(1, MAX_ENTRIES))
        days = [LATEST - dt.timedelta(weeks=i) for i in range(count)]
    elif shape == "decades":
        count = draw(st.sampled_from([MAX_ENTRIES]) | st.integers(2, MAX_ENTRIES))
        ordinals = rng.sample(range(EARLIEST_JOURNAL_DATE.toordinal(), LATEST.toordinal() + 1), count)
        days = [dt.date.fromordinal(d) for d in sorted(ordinals)]
    else:
        days = [EARLIEST_JOURNAL_DATE, *draw(st.lists(day_strategy, max_size=8, unique=True)), LATEST]
        days = sorted(set(days))
    rows = [_row(rng, day) for day in days]
    if draw(st.booleans()):
        rng.shuffle(rows)
    return [JournalEntry.model_validate(r) for r in rows]


FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(edge_journals())
def test_any_stored_journal_with_edge_dates_is_assessed_summarised_and_round_trips(journal: list[JournalEntry]) -> None:
    answers = Answers(journal=journal)  # what a link or file holds validates as answers
    trend = assess_trend(journal)
    assert trend.verdict in {"improving", "flat", "worsening", "not_enough_data"}
    assert trend.advice_items
    lines = summarise_journal(journal)
    assert lines and all(isinstance(line, str) for line in lines)
    trend = assess_trend(journal)
    assert len(build_journal_figure(journal, trend=trend).data) == (9 if trend.measures else 5)
    ordered = sort_entries(journal)
    assert apply_table_edits(ordered, {}) == ordered
    assert merge_entries(ordered, journal[: len(journal) // 2]) == ordered
    try:
        back = entries_from_csv(entries_to_csv(journal).encode("utf-8"))
    except JournalInputError as problem:  # the module's own input error is the only one allowed
        pytest.fail(f"its own export was refused: {problem}")
    assert back == sort_entries(journal)
    assert read_answers_file(answers_file_json(answers).encode("utf-8")) == answers
    try:
        token = encode_link(answers)
    except LinkTooLong:
        return
    assert decode_link(token) == answers
