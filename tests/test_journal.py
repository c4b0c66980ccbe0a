"""The recovery journal's core: trend verdicts, advice, CSV, table edits, content and chart."""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from strategies import journal_entries

from nervetriage.content import CONTENT_DIR, ContentError
from nervetriage.journal import (
    COLOURS,
    CSV_COLUMNS,
    MAX_CSV_BYTES,
    MAX_ENTRIES,
    JournalInputError,
    add_entry,
    apply_table_edits,
    assess_trend,
    build_journal_figure,
    entries_from_csv,
    entries_to_csv,
    load_journal_content,
    load_journal_content_from,
    merge_entries,
    summarise_journal,
)
from nervetriage.models import Answers, JournalEntry
from nervetriage.share import decode_link, encode_link

START = dt.date(2026, 1, 5)
HEADER = ",".join(CSV_COLUMNS)


def entry(week: int, flare_ups: int, worst: int, typical: int, duration: int, running: int = 60, **text: str) -> JournalEntry:
    return JournalEntry(
        date=START + dt.timedelta(weeks=week),
        flare_ups=flare_ups,
        worst=worst,
        typical=typical,
        duration_minutes=duration,
        running_minutes=running,
        **text,
    )


def series(rows: list[tuple[int, int, int, int]], running: list[int] | None = None) -> list[JournalEntry]:
    running = running or [60] * len(rows)
    return [entry(i, *row, running=running[i]) for i, row in enumerate(rows)]


FALLING = series([(8, 7, 5, 40), (7, 7, 5, 35), (6, 6, 4, 30), (5, 6, 4, 25), (4, 5, 3, 20), (3, 4, 3, 15), (2, 4, 2, 10), (2, 3, 2, 10)])
RISING = series([(2, 3, 2, 10), (2, 4, 2, 10), (3, 4, 3, 15), (4, 5, 3, 20), (5, 6, 4, 25), (6, 6, 4, 30), (7, 7, 5, 35), (8, 7, 5, 40)])
STEADY = series([(4, 5, 3, 20)] * 8)


# ----------------------------------------------------------------------- verdicts


def test_falling_frequency_intensity_and_duration_is_improving() -> None:
    trend = assess_trend(FALLING)
    assert trend.verdict == "improving"
    assert {m.id: m.direction for m in trend.measures if m.in_verdict} == {
        "frequency": "falling",
        "intensity": "falling",
        "duration": "falling",
    }
    assert trend.measure("frequency") is not None and trend.measure("frequency").slope_per_week < 0  # type: ignore[union-attr]


def test_rising_frequency_intensity_and_duration_is_worsening() -> None:
    trend = assess_trend(RISING)
    assert trend.verdict == "worsening"
    assert all(m.direction == "rising" for m in trend.measures if m.in_verdict)


def test_unchanging_symptoms_are_flat() -> None:
    trend = assess_trend(STEADY)
    assert trend.verdict == "flat"
    assert all(m.direction == "steady" for m in trend.measures)


NOISY_FLAT = series(
    [(4, 6, 3, 20), (7, 8, 5, 45), (3, 4, 2, 10), (6, 7, 4, 35), (2, 5, 2, 15), (7, 8, 5, 40), (3, 5, 3, 20), (6, 7, 4, 30),
     (4, 6, 3, 25), (5, 7, 4, 30)]
)


def test_noisy_series_without_a_trend_stays_flat() -> None:
    trend = assess_trend(NOISY_FLAT)
    assert trend.verdict == "flat", trend.reason


def _noisy_journal(rng: random.Random, weeks: int, fall: float, noise: float) -> list[JournalEntry]:
    """Weekly check-ins around 8 flare-ups, worst 7, 40 minutes, falling by ``fall`` units a week."""
    rows = []
    for week in range(weeks):
        worst = min(10, max(0, round(7 - fall * 0.7 * week + rng.gauss(0, noise / 2))))
        rows.append((
            max(0, round(8 - fall * week + rng.gauss(0, noise))),
            worst,
            max(0, worst - 2),
            max(0, round(40 - fall * 5 * week + rng.gauss(0, noise * 4))),
        ))
    return series(rows)


@pytest.mark.parametrize("weeks", [4, 6, 10])
def test_noisy_journals_without_a_trend_rarely_flip_the_verdict(weeks: int) -> None:
    rng = random.Random(weeks)
    verdicts = [assess_trend(_noisy_journal(rng, weeks, fall=0, noise=2)).verdict for _ in range(300)]
    assert verdicts.count("flat") >= 0.9 * len(verdicts), {v: verdicts.count(v) for v in set(verdicts)}


@pytest.mark.parametrize(("weeks", "share"), [(4, 0.7), (6, 0.98)])
def test_a_clear_fall_is_found_within_a_few_weeks(weeks: int, share: float) -> None:
    rng = random.Random(weeks)
    verdicts = [assess_trend(_noisy_journal(rng, weeks, fall=1.5, noise=0.7)).verdict for _ in range(300)]
    assert verdicts.count("improving") >= share * len(verdicts), {v: verdicts.count(v) for v in set(verdicts)}
    assert "worsening" not in verdicts


def test_noisy_falling_series_is_still_improving() -> None:
    rng = random.Random(3)
    rows = []
    for week in range(12):
        worst = min(10, max(0, round(8 - 0.4 * week + rng.uniform(-1, 1))))
        rows.append((max(0, round(9 - 0.6 * week + rng.uniform(-1.5, 1.5))), worst, max(0, worst - 3), max(0, round(45 - 3 * week))))
    assert assess_trend(series(rows)).verdict == "improving"


def test_one_bad_week_never_turns_an_improving_journal_into_worsening() -> None:
    rows = [(10, 8, 5, 50), (9, 8, 5, 46), (9, 7, 4, 43), (8, 7, 4, 40), (7, 6, 4, 36), (6, 6, 4, 32), (5, 5, 3, 26),
            (4, 5, 3, 22), (4, 4, 2, 18), (3, 4, 2, 15), (2, 4, 2, 12)]
    bad_week = (14, 9, 7, 120)
    assert assess_trend(series([*rows[:6], bad_week, *rows[6:]])).verdict == "improving"
    # In a short journal one wild week makes the verdict cautious (flat), never the opposite.
    short = [(8, 7, 5, 40), (7, 7, 5, 35), (6, 6, 4, 30), (5, 6, 4, 25), (12, 9, 7, 90), (3, 4, 3, 15), (2, 4, 2, 10), (2, 3, 2, 10)]
    assert assess_trend(series(short)).verdict == "flat"


def test_measures_moving_in_opposite_directions_are_flat() -> None:
    rows = [(8 - i, 5, 3, 10 + 5 * i) for i in range(8)]
    trend = assess_trend(series(rows))
    assert trend.verdict == "flat"
    assert "opposite directions" in trend.reason


@pytest.mark.parametrize("count", [0, 1, 2])
def test_fewer_than_three_check_ins_are_not_enough_data(count: int) -> None:
    trend = assess_trend(FALLING[:count])
    assert trend.verdict == "not_enough_data"
    assert "at least 3" in trend.reason
    assert trend.advice


def test_three_check_ins_in_a_few_days_are_not_enough_data() -> None:
    close = [e.model_copy(update={"date": START + dt.timedelta(days=i)}) for i, e in enumerate(FALLING[:3])]
    trend = assess_trend(close)
    assert trend.verdict == "not_enough_data"
    assert "2 days" in trend.reason


def test_old_good_weeks_do_not_hide_a_recent_worsening() -> None:
    old = series([(9 - i // 2, 8 - i // 3, 5 - i // 4, 50 - 2 * i) for i in range(20)])
    recent = [e.model_copy(update={"date": old[-1].date + dt.timedelta(weeks=i + 1)}) for i, e in enumerate(RISING)]
    trend = assess_trend(old + recent)
    assert trend.verdict == "worsening"
    assert trend.window_start is not None and trend.window_start > old[-1].date - dt.timedelta(weeks=12)


def test_entry_order_does_not_change_the_verdict() -> None:
    shuffled = list(FALLING)
    random.Random(1).shuffle(shuffled)
    assert assess_trend(shuffled) == assess_trend(FALLING)


def test_reason_names_each_measure_the_dates_and_running() -> None:
    reason = assess_trend(FALLING).reason
    assert re.search(r"flare-ups per week fell from about [89](\.\d)? to [12](\.\d)?;", reason), reason
    assert "intensity fell" in reason and "flare-up length fell" in reason
    assert "5 Jan 2026" in reason and "23 Feb 2026" in reason
    assert "Running per week held about level" in reason


# ----------------------------------------------------------------------- advice


def _ids(entries: list[JournalEntry]) -> list[str]:
    return [a.id for a in assess_trend(entries).advice_items]


def test_worsening_while_running_volume_rose_advises_backing_off() -> None:
    trend = assess_trend(series([(e.flare_ups, e.worst, e.typical, e.duration_minutes) for e in RISING], [30 + 15 * i for i in range(8)]))
    assert trend.verdict == "worsening" and trend.running == "rose"
    assert "worse_volume_up" in [a.id for a in trend.advice_items]
    assert any("volume" in text and "back" in text.lower() for text in trend.advice)


def test_worsening_at_steady_volume_points_to_other_triggers_and_care() -> None:
    ids = _ids(RISING)
    assert "worse_other_cause" in ids and "worse_safety" in ids
    assert "worse_volume_up" not in ids


def test_improving_while_building_volume_says_the_build_up_works() -> None:
    trend = assess_trend(series([(e.flare_ups, e.worst, e.typical, e.duration_minutes) for e in FALLING], [30 + 15 * i for i in range(8)]))
    assert trend.verdict == "improving" and trend.running == "rose"
    assert [a.id for a in trend.advice_items] == ["improving_while_building"]


def test_quiet_weeks_get_their_own_advice_not_be_patient() -> None:
    ids = _ids(series([(0, 0, 0, 0)] * 6))
    assert ids == ["flat_settled"]
    assert _ids(STEADY) == ["flat_be_patient"]


def test_every_advice_item_carries_a_known_source() -> None:
    from nervetriage.content import load_content

    known = {s.id for s in load_content().sources}
    assert all(a.source in known for a in load_journal_content().advice)


# ----------------------------------------------------------------------- properties


entry_lists = st.lists(journal_entries(), max_size=30).map(lambda rows: [JournalEntry.model_validate(r) for r in rows])


@given(entry_lists)
def test_assess_trend_never_raises_on_valid_entries(entries: list[JournalEntry]) -> None:
    trend = assess_trend(entries)
    assert trend.verdict in ("improving", "flat", "worsening", "not_enough_data")
    assert trend.reason and trend.advice
    assert (trend.verdict == "not_enough_data") == (not trend.measures)


@st.composite
def shiftable(draw: st.DrawFn) -> tuple[list[JournalEntry], int, int, int]:
    """Weekly-ish entries with headroom, plus constants that keep every value in range."""
    count = draw(st.integers(3, 16))
    # Up to 16 steps of 14 days later, the last check-in is still no later than today.
    day = draw(st.dates(dt.date(2000, 1, 1), dt.date.today() - dt.timedelta(days=16 * 14)))
    entries = []
    for _ in range(count):
        day += dt.timedelta(days=draw(st.integers(1, 14)))
        worst = draw(st.integers(0, 6))
        entries.append(
            JournalEntry(
                date=day,
                flare_ups=draw(st.integers(0, 60)),
                worst=worst,
                typical=draw(st.integers(0, worst)),
                duration_minutes=draw(st.integers(0, 600)),
                running_minutes=draw(st.integers(0, 600)),
            )
        )
    return entries, draw(st.integers(0, 40)), draw(st.integers(0, 4)), draw(st.integers(0, 600))


@given(shiftable())
def test_verdict_is_unchanged_by_adding_a_constant_to_a_measure(case: tuple[list[JournalEntry], int, int, int]) -> None:
    entries, more_flares, more_pain, more_minutes = case
    shifted = [
        e.model_copy(
            update={
                "flare_ups": e.flare_ups + more_flares,
                "worst": e.worst + more_pain,
                "typical": e.typical + more_pain,
                "duration_minutes": e.duration_minutes + more_minutes,
            }
        )
        for e in entries
    ]
    before, after = assess_trend(entries), assess_trend(shifted)
    assert after.verdict == before.verdict
    assert [m.direction for m in after.measures] == [m.direction for m in before.measures]


@given(shiftable(), st.integers(-3000, 3000))
def test_verdict_is_unchanged_by_moving_every_date_together(case: tuple[list[JournalEntry], int, int, int], days: int) -> None:
    entries = case[0]
    moved = [e.model_copy(update={"date": e.date + dt.timedelta(days=days)}) for e in entries]
    assert assess_trend(moved).verdict == assess_trend(entries).verdict


# ----------------------------------------------------------------------- CSV


unique_entry_lists = st.lists(journal_entries(), max_size=25, unique_by=lambda r: r["date"]).map(
    lambda rows: sorted((JournalEntry.model_validate(r) for r in rows), key=lambda e: e.date)
)


@given(unique_entry_lists)
def test_csv_round_trip_returns_the_same_entries(entries: list[JournalEntry]) -> None:
    text = entries_to_csv(entries)
    assert text.splitlines()[0] == HEADER
    assert entries_from_csv(text.encode("utf-8")) == entries


def test_csv_defuses_spreadsheet_formulas_and_still_round_trips() -> None:
    tricky = [
        entry(0, 1, 2, 1, 5, note="=HYPERLINK(\"http://x\",\"y\")", helped="+1 rest", flared="-ish"),
        entry(1, 1, 2, 1, 5, note="'quoted already", helped="@mention"),
    ]
    text = entries_to_csv(tricky)
    assert "'=HYPERLINK" in text and "'+1 rest" in text and "'-ish" in text and "''quoted already" in text
    assert entries_from_csv(text) == tricky


def test_hand_written_csv_keeps_an_ordinary_leading_apostrophe() -> None:
    data = f"{HEADER}\n2026-01-05,1,2,1,5,10,,,'tis fine\n"
    assert entries_from_csv(data)[0].note == "'tis fine"


def test_csv_import_accepts_bom_crlf_any_column_order_and_whole_floats() -> None:
    columns = list(reversed(CSV_COLUMNS))
    row = {"date": "2026-01-12", "flare_ups": "3.0", "worst": "5", "typical": "2", "duration_minutes": "15",
           "running_minutes": "90", "helped": "walks", "flared": "", "note": "ok, fine"}
    data = "\ufeff" + ",".join(columns) + "\r\n" + ",".join(f'"{row[c]}"' for c in columns) + "\r\n\r\n"
    (only,) = entries_from_csv(data.encode("utf-8"))
    assert only == JournalEntry(date=dt.date(2026, 1, 12), flare_ups=3, worst=5, typical=2, duration_minutes=15,
                                running_minutes=90, helped="walks", note="ok, fine")


GOOD = "2026-01-05,3,6,3,20,60,rest,hills,fine"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("date,flare_ups,worst,typical,duration_minutes,running_minutes,helped,flared\n2026-01-05,1,2,1,5,10,,\n",
         ["Row 1 (the header) is missing the column(s): note"]),
        (HEADER + ",mood\n" + GOOD + ",ok\n", ["Row 1 (the header) has unexpected column(s): “mood”"]),
        (f"{HEADER}\n{GOOD}\n05/01/2026,3,6,3,20,60,,,\n{GOOD.replace('05', '19')}\n2026-02-30,1,1,1,1,1,,,\n",
         ["Row 3: date: “05/01/2026” is not a date written as YYYY-MM-DD", "Row 5: date: “2026-02-30” is not a date"]),
        (f"{HEADER}\n{GOOD}\n2026-01-12,3,12,3,20,60,,,\n", ["Row 3: worst intensity must be between 0 and 10 (got 12)"]),
        (f"{HEADER}\n2026-01-12,3,4,6,20,60,,,\n", ["Row 2: typical intensity cannot be above the worst intensity"]),
        (f"{HEADER}\n2026-01-12,lots,4,2,-5,60,,,\n",
         ["Row 2: flare-ups in the week: “lots” is not a number", "Row 2: flare-up length (minutes) must be between 0 and 10080"]),
        (f"{HEADER}\n2026-01-12,2.5,4,2,5,60,,,\n", ["Row 2: flare-ups in the week: “2.5” is not a whole number"]),
        (f"{HEADER}\n{GOOD}\n2026-01-12,3,4\n", ["Row 3: has 3 cells, the header has 9"]),
        (f"{HEADER}\n{GOOD}\n{GOOD}\n", ["Row 3: date 2026-01-05 is already used by Row 2"]),
        (f"{HEADER}\n2026-01-12,,4,2,5,60,,,\n", ["Row 2: flare-ups in the week is empty"]),
        (f"{HEADER}\n2026-01-12,1,4,2,5,60,,,{'x' * 501}\n", ["Row 2: note: String should have at most 500 characters"]),
        ("", ["The file is empty"]),
    ],
    ids=["missing-column", "extra-column", "bad-dates", "out-of-range", "typical-above-worst", "not-numbers", "fraction",
         "short-row", "duplicate-date", "empty-cell", "long-note", "empty-file"],
)
def test_bad_csv_imports_nothing_and_lists_the_rows_at_fault(data: str, expected: list[str]) -> None:
    with pytest.raises(JournalInputError) as caught:
        entries_from_csv(data.encode("utf-8"))
    message = str(caught.value)
    assert message.startswith("Nothing was imported")
    for piece in expected:
        assert piece in message, message


def test_csv_with_too_many_rows_is_refused_whole() -> None:
    rows = [f"{(START + dt.timedelta(days=i)).isoformat()},1,2,1,5,10,,," for i in range(MAX_ENTRIES + 1)]
    with pytest.raises(JournalInputError) as caught:
        entries_from_csv(HEADER + "\n" + "\n".join(rows))
    assert f"{MAX_ENTRIES + 1} check-ins (rows 2 to {MAX_ENTRIES + 2})" in str(caught.value)


def test_oversized_or_non_utf8_csv_is_refused() -> None:
    with pytest.raises(JournalInputError, match="too large: a journal CSV is at most 2 MB"):
        entries_from_csv(HEADER.encode() + b"\n" + b"x" * MAX_CSV_BYTES)
    with pytest.raises(JournalInputError, match="not UTF-8"):
        entries_from_csv(HEADER.encode() + b"\n2026-01-05,1,2,1,5,10,caf\xe9,,\n")


def test_a_long_list_of_problems_is_capped_but_counted() -> None:
    rows = [f"{(START + dt.timedelta(days=i)).isoformat()},1,20,1,5,10,,," for i in range(40)]
    with pytest.raises(JournalInputError) as caught:
        entries_from_csv(HEADER + "\n" + "\n".join(rows))
    assert "Row 26:" in str(caught.value) and "and 15 more problems" in str(caught.value)


# ----------------------------------------------------------------------- table edits and merging


def test_table_edit_changes_that_row_and_keeps_date_order() -> None:
    entries = FALLING[:4]
    new = apply_table_edits(entries, {"edited_rows": {0: {"date": "2026-03-01", "worst": 9.0}}, "added_rows": [], "deleted_rows": []})
    assert [e.date for e in new] == [*[e.date for e in entries[1:]], dt.date(2026, 3, 1)]
    assert new[-1].worst == 9 and new[-1].flare_ups == entries[0].flare_ups


def test_invalid_table_edits_list_every_row_and_field_and_change_nothing() -> None:
    entries = FALLING[:4]
    before = [e.model_copy() for e in entries]
    with pytest.raises(JournalInputError) as caught:
        apply_table_edits(entries, {"edited_rows": {"1": {"typical": 9}, "3": {"flare_ups": None, "date": "soon"}}})
    problems = caught.value.problems
    assert any(p.startswith("Row 2 (12 Jan 2026): typical intensity") for p in problems), problems
    assert "Row 4 (26 Jan 2026): flare-ups in the week is empty" in problems
    assert any(p.startswith("Row 4 (26 Jan 2026): date: “soon”") for p in problems)
    assert entries == before


def test_table_edit_onto_an_existing_date_is_refused() -> None:
    with pytest.raises(JournalInputError, match="already used by Row 1"):
        apply_table_edits(FALLING[:3], {"edited_rows": {2: {"date": START.isoformat()}}})


def test_table_deletes_remove_those_rows() -> None:
    assert apply_table_edits(FALLING[:4], {"deleted_rows": [0, 2]}) == [FALLING[1], FALLING[3]]


def test_adding_a_check_in_on_a_used_date_is_refused() -> None:
    with pytest.raises(JournalInputError, match="already a check-in for 5 Jan 2026"):
        add_entry(FALLING[:2], FALLING[0].model_copy(update={"note": "again"}))
    assert add_entry(FALLING[1:3], FALLING[0]) == FALLING[:3]


def test_merging_an_import_replaces_check_ins_on_the_same_dates() -> None:
    replacement = FALLING[1].model_copy(update={"note": "from the file"})
    merged = merge_entries(FALLING[:3], [replacement, FALLING[5]])
    assert merged == [FALLING[0], replacement, FALLING[2], FALLING[5]]


# ----------------------------------------------------------------------- content file


def _copy_content(tmp_path: Path, change: dict[str, object]) -> Path:
    for name in ("journal.yaml", "sources.yaml"):
        shutil.copy(CONTENT_DIR / name, tmp_path / name)
    data = yaml.safe_load((tmp_path / "journal.yaml").read_text())
    data.update(change)
    (tmp_path / "journal.yaml").write_text(yaml.safe_dump(data))
    return tmp_path


def test_journal_content_with_an_unknown_source_names_the_file_and_field(tmp_path: Path) -> None:
    advice = yaml.safe_load((CONTENT_DIR / "journal.yaml").read_text())["advice"]
    advice[1]["source"] = "hearsay"
    with pytest.raises(ContentError, match=r"journal.yaml: field advice.1.source \(improving_while_building\): unknown source 'hearsay'"):
        load_journal_content_from(_copy_content(tmp_path, {"advice": advice}))


def test_journal_content_with_a_bad_value_names_the_file_and_field(tmp_path: Path) -> None:
    measures = yaml.safe_load((CONTENT_DIR / "journal.yaml").read_text())["measures"]
    measures["frequency"]["floor"] = -1
    with pytest.raises(ContentError, match=r"journal.yaml: field measures.frequency.floor"):
        load_journal_content_from(_copy_content(tmp_path, {"measures": measures}))


def test_journal_content_must_advise_on_every_outcome(tmp_path: Path) -> None:
    shipped = yaml.safe_load((CONTENT_DIR / "journal.yaml").read_text())["advice"]
    advice = [a for a in shipped if a["id"] not in ("worse_volume_up", "worse_safety")]
    with pytest.raises(ContentError, match="advice has nothing for: worsening/rose"):
        load_journal_content_from(_copy_content(tmp_path, {"advice": advice}))


# ----------------------------------------------------------------------- chart and summary


def test_figure_has_four_panels_with_the_trend_lines_in_colour_blind_safe_colours() -> None:
    fig = build_journal_figure(FALLING)
    names = [t.name for t in fig.data]
    assert names == ["Flare-ups (check-in)", "Flare-ups, trend", "Worst (check-in)", "Typical (check-in)", "Intensity, trend",
                     "Flare-up length (check-in)", "Flare-up length, trend", "Running (check-in)", "Running, trend"]
    trend = assess_trend(FALLING)
    line = fig.data[1]
    frequency = trend.measure("frequency")
    assert frequency is not None
    assert list(line.x) == [FALLING[0].date.isoformat(), FALLING[-1].date.isoformat()]
    assert list(line.y) == [frequency.start, frequency.end] and list(line.customdata) == ["8", "1"]
    assert {fig.data[i].marker.color for i in (0, 2, 3, 5)} | {fig.data[7].marker.color} == set(COLOURS.values())
    assert fig.layout.xaxis.fixedrange and fig.layout.yaxis2.range == (0, 10.5)
    assert fig.layout.annotations[0].text == "Flare-ups per week"


def test_a_journal_too_short_for_a_trend_draws_only_its_check_ins() -> None:
    fig = build_journal_figure(FALLING[:2])
    assert [t.name for t in fig.data] == ["Flare-ups (check-in)", "Worst (check-in)", "Typical (check-in)",
                                          "Flare-up length (check-in)", "Running (check-in)"]


def test_summary_puts_the_chart_into_words_with_the_trends_own_figures() -> None:
    lines = summarise_journal(FALLING)
    assert lines[0] == "8 check-ins from 5 Jan 2026 to 23 Feb 2026."
    assert "Flare-ups per week fell from about 8 to 1." in lines
    assert "Length of a typical flare-up fell from about 40 to 5 min." in lines
    assert "flare-ups per week fell from about 8 to 1" in assess_trend(FALLING).reason
    assert "Length of a typical flare-up: from 10 to 40 min, latest 10 min." in lines
    assert "Running per week: 60 min each time." in lines
    assert summarise_journal([]) == ["No check-ins yet."]
    one = summarise_journal(FALLING[:1])
    assert one[0] == "1 check-in, on 5 Jan 2026." and one[1].startswith("No trend lines yet.")
    assert "Flare-ups per week: 8." in one


# ----------------------------------------------------------------------- the journal travels with the answers


MARKUP = "<script>alert('x')</script> **bold** [link](http://example.com) =1+1"


def _answers_with_journal() -> Answers:
    journal = [e.model_copy(update={"note": MARKUP if i == 0 else f"week {i}", "helped": "walking"}) for i, e in enumerate(FALLING)]
    return Answers(journal=journal)


def test_journal_survives_an_answers_json_round_trip() -> None:
    original = _answers_with_journal()
    restored = Answers.model_validate_json(original.model_dump_json())
    assert restored.journal == original.journal
    assert assess_trend(restored.journal) == assess_trend(original.journal)


def test_journal_survives_a_share_link_round_trip() -> None:
    original = _answers_with_journal()
    restored = decode_link(encode_link(original))
    assert restored.journal == original.journal
    assert restored.journal[0].note == MARKUP


@given(st.lists(journal_entries(), max_size=4, unique_by=lambda r: r["date"]))
def test_any_short_journal_survives_a_share_link_round_trip(rows: list[dict[str, object]]) -> None:
    original = Answers.model_validate({"journal": rows})
    assert decode_link(encode_link(original)).journal == original.journal


def test_journal_content_method_text_with_an_unknown_placeholder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match=r"journal.yaml: field \(top level\): Value error, method\.text may only use the placeholder"):
        load_journal_content_from(_copy_content(tmp_path, {"method": {"text": "Over {weeks} weeks.", "source": "nervetriage"}}))
