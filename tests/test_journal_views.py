"""The journal's three views of one trend agree: the verdict's reason, the chart in words and
the chart itself show the same figures, rounded to what the check-ins can support.

Over random journals (hypothesis): each trend line the chart draws, rounded here with the
measure's step, gives exactly the figures the reason and the chart in words state for it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nervetriage.content import ContentError
from nervetriage.journal import (
    CHART_TRENDS,
    VERDICT_MEASURES,
    JournalContent,
    MeasureSettings,
    assess_trend,
    build_journal_figure,
    load_journal_content,
    shown_figure,
    summarise_journal,
)
from nervetriage.models import JournalEntry

CONTENT: JournalContent = load_journal_content()
# The reason names each measure in lower case, as in a sentence; the chart in words by its label.
REASON_NAMES = {"frequency": "flare-ups per week", "intensity": "intensity", "duration": "flare-up length",
                "running": "running per week"}
TRACE_NAMES = {"frequency": "Flare-ups, trend", "intensity": "Intensity, trend", "duration": "Flare-up length, trend",
               "running": "Running, trend"}


@st.composite
def journals(draw: st.DrawFn) -> list[JournalEntry]:
    """Check-ins a few days to two weeks apart, with values anywhere in their ranges (and
    often small ones, where rounding matters most)."""
    count = draw(st.integers(0, 24))
    day = draw(st.dates(dt.date(2015, 1, 1), dt.date.today() - dt.timedelta(days=24 * 14)))
    small = draw(st.booleans())
    out = []
    for _ in range(count):
        day += dt.timedelta(days=draw(st.integers(1, 14)))
        worst = draw(st.integers(0, 10))
        out.append(JournalEntry(
            date=day,
            flare_ups=draw(st.integers(0, 12 if small else 100)),
            worst=worst,
            typical=draw(st.integers(0, worst)),
            duration_minutes=draw(st.integers(0, 90 if small else 10_080)),
            running_minutes=draw(st.integers(0, 400 if small else 10_080)),
        ))
    return out


def _rounded(value: float, step: float) -> str:
    """The test's own rounding (half up, to a whole number of steps) of a value the chart draws."""
    whole = math.floor(Decimal(repr(value)) / Decimal(repr(step)) + Decimal("0.5"))
    figure = Decimal(whole) * Decimal(repr(step))
    return f"{figure.normalize():f}" if figure else "0"


def _stated(text: str, name: str, unit: str) -> tuple[str, ...]:
    """The figures ``text`` states for the measure called ``name``: (start, end) for a move,
    (level,) for one that held about level, (end,) for a move of less than a step. A name that
    starts a sentence is capitalised, so case is ignored."""
    u = f" {re.escape(unit)}" if unit else ""
    n = re.escape(name)
    moved = re.search(rf"{n} (?:fell|rose) from about ([\d.]+) to ([\d.]+){u}(?:[;.]|$)", text, re.IGNORECASE)
    if moved:
        return moved.group(1), moved.group(2)
    level = re.search(rf"{n} held about level \(around ([\d.]+){u}\)", text, re.IGNORECASE)
    if level:
        return (level.group(1),)
    little = re.search(rf"{n} (?:fell|rose) a little \(about ([\d.]+){u}\)", text, re.IGNORECASE)
    assert little, f"no figures for {name!r} in: {text}"
    return (little.group(1),)


@settings(max_examples=150, deadline=None)
@given(journals())
def test_the_reason_the_chart_in_words_and_the_chart_state_the_same_figures(journal: list[JournalEntry]) -> None:
    trend = assess_trend(journal)
    figure = build_journal_figure(journal, trend=trend)
    words = summarise_journal(journal, trend=trend)
    lines = {trace.name: trace for trace in figure.data if trace.name.endswith(", trend")}
    if not trend.measures:
        assert lines == {}
        assert not journal or any(line.startswith("No trend lines yet.") for line in words)
        return
    assert set(lines) == set(TRACE_NAMES.values())
    described = " ".join(words)
    for measure in CHART_TRENDS:
        m = trend.measure(measure)
        assert m is not None
        step = CONTENT.measures[measure].step
        line = lines[TRACE_NAMES[measure]]
        start, end = (_rounded(y, step) for y in line.y)
        assert list(line.customdata) == [start, end], "the hover shows the line's own figures"
        level = _rounded((line.y[0] + line.y[1]) / 2, step)
        expected = {"steady": (level,)}.get(m.direction, (start, end) if start != end else (end,))
        assert _stated(described, m.label, m.unit) == expected
        if measure in VERDICT_MEASURES or measure == "running":
            assert _stated(trend.reason, REASON_NAMES[measure], m.unit) == expected


@settings(max_examples=100, deadline=None)
@given(journals())
def test_no_view_claims_more_precision_than_a_step(journal: list[JournalEntry]) -> None:
    """Every step is a whole number, so no figure shown has a decimal point."""
    assert all(float(s.step).is_integer() for s in CONTENT.measures.values())
    trend = assess_trend(journal)
    for text in (trend.reason, *summarise_journal(journal, trend=trend)):
        assert not re.search(r"\d\.\d", text), text


@given(st.floats(0, 20_000, allow_nan=False), st.sampled_from([0.5, 1, 5, 10, 15]))
def test_a_shown_figure_is_the_nearest_whole_step_with_halves_up(value: float, step: float) -> None:
    shown = Decimal(shown_figure(value, step))
    assert shown % Decimal(repr(step)) == 0
    assert abs(shown - Decimal(repr(value))) <= Decimal(repr(step)) / 2
    assert shown_figure(float(shown), step) == shown_figure(value, step)


def test_halves_round_up_and_zero_has_no_sign() -> None:
    assert [shown_figure(v, 1) for v in (0.5, 1.5, 2.5, 2.49)] == ["1", "2", "3", "2"]
    assert [shown_figure(v, 5) for v in (42.5, 42.4, 2.5, 0.0)] == ["45", "40", "5", "0"]
    assert shown_figure(-0.2, 1) == "0"


def test_a_step_larger_than_its_floor_is_refused() -> None:
    with pytest.raises(ValueError, match="larger than floor"):
        MeasureSettings(label="Flare-ups", floor=1.0, step=2)
    data = CONTENT.model_dump()
    data["measures"]["duration"]["step"] = 10  # floor 5
    with pytest.raises((ValueError, ContentError)):
        JournalContent.model_validate(data)
