"""Size limits follow from the schema: whatever the app exports, it imports again.

``nervetriage.limits`` builds the largest answers the schema allows; the import limits
(answers file, link, journal CSV) and the upload limit in ``.streamlit/config.toml`` must
cover what the app writes for them, and stay close to it.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from strategies import answers_dicts

from nervetriage import limits
from nervetriage.journal import MAX_CSV_BYTES, MAX_ENTRIES, entries_from_csv, entries_to_csv, sort_entries
from nervetriage.models import EARLIEST_JOURNAL_DATE, Answers, JournalEntry, latest_journal_date
from nervetriage.share import (
    _ZDICT_V1,
    MAX_FILE_BYTES,
    MAX_JSON_BYTES,
    LinkTooLong,
    _unpack,
    answers_file_json,
    answers_json,
    decode_link,
    encode_link,
    read_answers_file,
)

ROOT = Path(__file__).resolve().parents[1]
MIB = 1024 * 1024
TEXT_LIMITS = {"helped": 200, "flared": 200, "note": 500}


@pytest.fixture(scope="module")
def sizes() -> limits.WorstCase:
    return limits.worst_case_sizes()


@pytest.fixture(scope="module")
def worst() -> Answers:
    return limits.worst_case_answers()


# ----------------------------------------------------------------------- the audit's case


def _full_journal_in_ascii() -> Answers:
    """What the audit exported: 520 check-ins, every text at its limit (plain letters)."""
    journal = [
        JournalEntry(date=EARLIEST_JOURNAL_DATE + dt.timedelta(weeks=i), flare_ups=100, worst=10, typical=10,
                     duration_minutes=10_080, running_minutes=10_080, helped="h" * 200, flared="f" * 200, note="n" * 500)
        for i in range(MAX_ENTRIES)
    ]
    return Answers(journal=journal)


def test_a_full_journal_exported_as_an_answers_file_opens_again() -> None:
    answers = _full_journal_in_ascii()
    data = answers_file_json(answers).encode("utf-8")
    assert len(data) > 200_000  # the old limit refused it
    assert read_answers_file(data) == answers


def test_a_full_journal_exported_as_csv_imports_again() -> None:
    answers = _full_journal_in_ascii()
    data = entries_to_csv(answers.journal).encode("utf-8")
    assert len(data) > 200_000
    assert entries_from_csv(data) == answers.journal


# ----------------------------------------------------------------------- the worst case


def test_the_worst_case_fills_every_list_and_every_text_to_the_schema_maxima(worst: Answers) -> None:
    assert len(worst.journal) == Answers.model_fields["journal"].metadata[0].max_length == MAX_ENTRIES
    assert len({e.date for e in worst.journal}) == MAX_ENTRIES
    for entry in worst.journal:
        assert {name: len(getattr(entry, name)) for name in TEXT_LIMITS} == TEXT_LIMITS
        assert (entry.flare_ups, entry.worst, entry.typical, entry.duration_minutes, entry.running_minutes) == (
            100, 10, 10, 10_080, 10_080)
    assert len(worst.note) == 500
    assert worst.origin is not None
    assert (len(worst.origin.example or ""), len(worst.origin.clinic or ""), len(worst.origin.clinic_note or "")) == (60, 80, 500)
    from nervetriage.content import load_content

    content = load_content()
    assert len(worst.regions) == min(80, 3 * len(content.region_ids))
    assert worst.red_flags is not None and len(worst.red_flags) == min(60, len(content.red_flags.flags))
    assert worst.mimics is not None and len(worst.mimics) == min(60, len(content.red_flags.mimics))
    assert len(worst.sites) == 5


def _unset_fields(model: BaseModel, where: str = "") -> list[str]:
    """Fields left at their default anywhere in ``model`` (so they are not in an export)."""
    unset = []
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        path = f"{where}{name}"
        if name != "version" and value == field.get_default(call_default_factory=True):
            unset.append(path)
        items = value if isinstance(value, list) else [value]
        for item in items[:1]:
            if isinstance(item, BaseModel):
                unset += _unset_fields(item, f"{path}.")
    return unset


def test_the_worst_case_sets_every_field_of_the_schema(worst: Answers) -> None:
    # A field added to the schema must be added to the worst case too, or the limits miss it.
    assert _unset_fields(worst) == []


def test_free_text_is_widest_in_four_byte_characters_once_control_characters_are_dropped() -> None:
    for path in ("note", "journal.note", "journal.helped", "journal.flared"):
        assert limits.widest_text(path, limits.answers_file_bytes) == "\U0001f9b6" * limits.max_text_length(path)
    assert set(limits.widest_text("journal.note", limits.journal_csv_bytes)) == {"\U0001f9b6"}


def test_the_worst_case_sizes_are_what_the_exporters_write(sizes: limits.WorstCase) -> None:
    file_worst = limits.worst_case_answers(limits.answers_file_bytes)
    assert sizes.answers_file == len(answers_file_json(file_worst).encode("utf-8"))
    assert sizes.link_json == len(answers_json(limits.worst_case_answers(limits.link_json_bytes)).encode("utf-8"))
    csv_worst = limits.worst_case_answers(limits.journal_csv_bytes)
    assert sizes.journal_csv == len(entries_to_csv(csv_worst.journal).encode("utf-8"))


# ----------------------------------------------------------------------- the limits


def test_the_import_limits_cover_the_worst_case_and_stay_close_to_it(sizes: limits.WorstCase) -> None:
    for limit, size, lines in (
        (MAX_FILE_BYTES, sizes.answers_file, sizes.answers_file_lines),
        (MAX_JSON_BYTES, sizes.link_json, 0),
        (MAX_CSV_BYTES, sizes.journal_csv, 0),
    ):
        # A file re-saved by an editor may gain a byte-order mark and CR LF line ends.
        assert size + 3 + lines <= limit <= size * 1.1, (limit, size)


def _config() -> dict[str, Any]:
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))


def test_the_upload_limit_in_config_toml_covers_the_largest_answers_file_and_csv() -> None:
    megabytes = _config()["server"]["maxUploadSize"]
    assert isinstance(megabytes, int) and not isinstance(megabytes, bool)
    needed = max(MAX_FILE_BYTES, MAX_CSV_BYTES) + limits.MULTIPART_ALLOWANCE
    # Streamlit counts maxUploadSize in MiB and refuses a request whose body is larger.
    assert megabytes * MIB >= needed
    assert megabytes == limits.upload_megabytes()
    assert (megabytes - 1) * MIB < needed  # the smallest that covers them


def test_no_upload_widget_lowers_the_upload_limit() -> None:
    """Every uploader takes its limit from limits.upload_megabytes(), never a number of its own."""
    found = 0
    for path in [*sorted((ROOT / "nervetriage" / "ui").glob("*.py")), *sorted((ROOT / "pages").glob("*.py"))]:
        for value in re.findall(r"max_upload_size\s*=\s*([^,)\n]+\)?)", path.read_text(encoding="utf-8")):
            found += 1
            assert value == "upload_megabytes()", f"{path.name}: max_upload_size={value}"
    assert found == 2, "the answers-file and journal-CSV uploaders"


# ----------------------------------------------------------------------- round trips


def test_the_worst_case_answers_file_opens_again() -> None:
    worst = limits.worst_case_answers(limits.answers_file_bytes)
    assert read_answers_file(answers_file_json(worst).encode("utf-8")) == worst


def test_the_worst_case_journal_csv_imports_again() -> None:
    worst = limits.worst_case_answers(limits.journal_csv_bytes)
    assert entries_from_csv(entries_to_csv(worst.journal).encode("utf-8")) == sort_entries(worst.journal)


def test_the_worst_case_link_json_unpacks_and_opens() -> None:
    worst = limits.worst_case_answers(limits.link_json_bytes)
    raw = answers_json(worst).encode("utf-8")
    packer = zlib.compressobj(level=9, wbits=-15, zdict=_ZDICT_V1)
    assert _unpack(packer.compress(raw) + packer.flush()) == raw
    assert Answers.model_validate_json(raw) == worst


def test_a_link_that_packs_a_megabyte_of_answers_opens() -> None:
    # Repeated text packs well: 300 full check-ins fit in a link and unpack to over 1 MB.
    answers = limits.worst_case_answers(limits.link_json_bytes, journal_entries=300)
    token = encode_link(answers)
    assert len(answers_json(answers).encode("utf-8")) > 1_000_000
    assert decode_link(token) == answers


# ----------------------------------------------------------------------- any export imports back

WIDE = st.sampled_from(["\U0001f9b6", "é", "€", '"', "\\", "\n", "\t", "\r", "\x00", "\x07", "\x85", "\u2028", "=", "'", ",", " "])


def _texts(max_size: int) -> st.SearchStrategy[str]:
    return st.text(WIDE | st.characters(exclude_categories=("Cs",)), max_size=max_size)


@st.composite
def journal_rows(draw: st.DrawFn, max_size: int = 8) -> list[dict[str, Any]]:
    days = draw(st.lists(st.dates(EARLIEST_JOURNAL_DATE, latest_journal_date()), max_size=max_size, unique=True))
    rows = []
    for day in days:
        worst = draw(st.integers(0, 10))
        rows.append({
            "date": day.isoformat(),
            "flare_ups": draw(st.integers(0, 100)),
            "worst": worst,
            "typical": draw(st.integers(0, worst)),
            "duration_minutes": draw(st.integers(0, 10_080)),
            "running_minutes": draw(st.integers(0, 10_080)),
            "helped": draw(_texts(200)),
            "flared": draw(_texts(200)),
            "note": draw(_texts(500)),
        })
    return rows


@st.composite
def any_answers(draw: st.DrawFn) -> Answers:
    data = draw(answers_dicts(max_journal=0))
    data["journal"] = draw(journal_rows())
    data["note"] = draw(_texts(500))
    return Answers.model_validate(data)


PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@PROPERTY
@given(any_answers())
def test_any_exported_answers_file_csv_and_link_import_back_equal(answers: Answers) -> None:
    assert read_answers_file(answers_file_json(answers).encode("utf-8")) == answers
    assert entries_from_csv(entries_to_csv(answers.journal).encode("utf-8")) == sort_entries(answers.journal)
    try:
        token = encode_link(answers)
    except LinkTooLong:
        return
    assert decode_link(token) == answers


@PROPERTY
@given(any_answers())
def test_no_answers_export_larger_than_the_worst_case_with_as_many_check_ins(answers: Answers) -> None:
    count = len(answers.journal)
    for serialise in (limits.answers_file_bytes, limits.link_json_bytes, limits.journal_csv_bytes):
        assert len(serialise(answers)) <= len(serialise(limits.worst_case_answers(serialise, journal_entries=count)))
