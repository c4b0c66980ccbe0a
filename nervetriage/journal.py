"""The recovery journal: is the nerve settling, and what to do about it.

The article judges recovery not by zero pain but by flare-ups that come less often, hurt
less and pass sooner. ``assess_trend`` measures exactly those three over the recent weeks,
robustly (a Theil-Sen line per measure, a change only counting when it clears both a floor
and the series' own noise), and picks advice from ``content/journal.yaml``.

Also here, so every way in and out shares one set of rules: the CSV format (export and a
strict, all-or-nothing import), applying table edits, and the journal chart. Nothing here
imports streamlit.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import math
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Literal

import plotly.graph_objects as go
from plotly.subplots import make_subplots
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from nervetriage.content import CONTENT_DIR, ContentError, describe_content_error, read_yaml
from nervetriage.models import JournalEntry
from nervetriage.safetext import excerpt
from nervetriage.units import megabytes

Verdict = Literal["improving", "flat", "worsening", "not_enough_data"]
Direction = Literal["falling", "steady", "rising"]
RunningChange = Literal["rose", "steady", "fell"]
MeasureId = Literal["frequency", "intensity", "worst", "typical", "duration", "running"]

VERDICTS: tuple[Verdict, ...] = ("improving", "flat", "worsening", "not_enough_data")
RUNNING_CHANGES: tuple[RunningChange, ...] = ("rose", "steady", "fell")
MEASURE_IDS: tuple[MeasureId, ...] = ("frequency", "intensity", "worst", "typical", "duration", "running")
# The article's three measures of recovery; the others are shown but do not vote.
VERDICT_MEASURES: tuple[MeasureId, ...] = ("frequency", "intensity", "duration")

CSV_COLUMNS: tuple[str, ...] = (
    "date",
    "flare_ups",
    "worst",
    "typical",
    "duration_minutes",
    "running_minutes",
    "helped",
    "flared",
    "note",
)
INT_COLUMNS: tuple[str, ...] = ("flare_ups", "worst", "typical", "duration_minutes", "running_minutes")
TEXT_COLUMNS: tuple[str, ...] = ("helped", "flared", "note")
# Covers the largest journal CSV the app exports (520 check-ins, every text at its limit in
# 4-byte characters: 1,891,322 bytes); tests/test_limits.py checks it against the schema.
MAX_CSV_BYTES = 2_000_000
MAX_ENTRIES = 520  # Answers.journal's own limit: ten years of weekly check-ins.
MAX_LISTED_PROBLEMS = 25

FIELD_LABELS: dict[str, str] = {
    "date": "date",
    "flare_ups": "flare-ups in the week",
    "worst": "worst intensity",
    "typical": "typical intensity",
    "duration_minutes": "flare-up length (minutes)",
    "running_minutes": "running minutes in the week",
    "helped": "what helped",
    "flared": "what flared it",
    "note": "note",
}
BOUNDS: dict[str, tuple[int, int]] = {
    "flare_ups": (0, 100),
    "worst": (0, 10),
    "typical": (0, 10),
    "duration_minutes": (0, 10_080),
    "running_minutes": (0, 10_080),
}
# Cells a spreadsheet would run as a formula get a leading apostrophe on export, which
# import removes again, so an exported file is safe to open and still round-trips.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")


class JournalInputError(ValueError):
    """Entries that cannot be accepted; ``problems`` names each row and field at fault."""

    def __init__(self, summary: str, problems: Sequence[str]) -> None:
        self.summary = summary
        self.problems = list(problems)
        super().__init__("\n".join([summary, *self.problems]))


# ----------------------------------------------------------------------- content


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GoalText(_Model):
    text: str
    source: str


class TrendSettings(_Model):
    window_weeks: int = Field(ge=2, le=104)
    max_entries: int = Field(ge=3, le=MAX_ENTRIES)
    min_entries: int = Field(ge=3, le=20)
    min_span_days: int = Field(ge=1, le=365)
    noise_factor: float = Field(ge=0, le=10)
    min_noise_share: float = Field(ge=0, le=5)
    min_dof: int = Field(ge=1, le=60)
    rolling_entries: int = Field(ge=1, le=12)
    source: str


class MeasureSettings(_Model):
    label: str
    unit: str = ""
    floor: float = Field(gt=0)
    step: float = Field(gt=0)  # what a shown figure is rounded to

    @model_validator(mode="after")
    def _step_within_floor(self) -> MeasureSettings:
        if self.step > self.floor:
            raise ValueError(f"step {self.step:g} is larger than floor {self.floor:g}: a measure that moved could show "
                             "the same figure twice")
        return self


def shown_figure(value: float, step: float) -> str:
    """``value`` rounded to a whole number of ``step`` (halves away from zero), as shown."""
    exact = Decimal(repr(value)) / Decimal(repr(step))
    rounded = exact.quantize(Decimal(1), rounding=ROUND_HALF_UP) * Decimal(repr(step))
    return "0" if rounded == 0 else f"{rounded.normalize():f}"


class VerdictText(_Model):
    label: str
    meaning: str


class JournalAdvice(_Model):
    id: str
    verdicts: list[Verdict] = Field(min_length=1)
    running: list[RunningChange] = Field(min_length=1)
    settled: bool | None = None
    title: str
    text: str
    source: str


class JournalContent(_Model):
    """content/journal.yaml: trend settings, measure labels, verdict texts and advice."""

    source: str
    goal: GoalText
    method: GoalText
    trend: TrendSettings
    measures: dict[MeasureId, MeasureSettings]
    running_change_fraction: float = Field(ge=0, le=1)
    verdicts: dict[Verdict, VerdictText]
    advice: list[JournalAdvice] = Field(min_length=1)

    @model_validator(mode="after")
    def _complete(self) -> JournalContent:
        missing = [m for m in MEASURE_IDS if m not in self.measures]
        if missing:
            raise ValueError(f"measures miss {missing}")
        missing_v = [v for v in VERDICTS if v not in self.verdicts]
        if missing_v:
            raise ValueError(f"verdicts miss {missing_v}")
        try:
            self.method.text.format(window_weeks=self.trend.window_weeks)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"method.text may only use the placeholder {{window_weeks}} ({exc!r})") from None
        ids = [a.id for a in self.advice]
        if len(ids) != len(set(ids)):
            raise ValueError("advice ids must be unique")
        # Every situation the trend can end in must have something to say.
        gaps = []
        for verdict in VERDICTS:
            for running in RUNNING_CHANGES:
                for settled in (False, True):
                    if not any(_advice_matches(a, verdict, running, settled) for a in self.advice):
                        gaps.append(f"{verdict}/{running}/{'settled' if settled else 'not settled'}")
        if gaps:
            raise ValueError(f"advice has nothing for: {', '.join(gaps)}")
        return self

    def sources_used(self) -> list[tuple[str, str]]:
        """(where, source id) pairs, for checking against content/sources.yaml."""
        pairs = [("source", self.source), ("goal.source", self.goal.source), ("method.source", self.method.source),
                 ("trend.source", self.trend.source)]
        pairs += [(f"advice.{i}.source ({a.id})", a.source) for i, a in enumerate(self.advice)]
        return pairs


def _advice_matches(advice: JournalAdvice, verdict: Verdict, running: RunningChange, settled: bool) -> bool:
    return (
        verdict in advice.verdicts
        and running in advice.running
        and (advice.settled is None or advice.settled == settled)
    )


def load_journal_content_from(directory: Path) -> JournalContent:
    """Load and validate ``journal.yaml`` from ``directory`` (sources from its sources.yaml)."""
    filename = "journal.yaml"
    raw = read_yaml(directory / filename)
    try:
        parsed = JournalContent.model_validate(raw)
    except ValidationError as exc:
        raise ContentError(describe_content_error(exc, filename)) from exc
    sources_raw = read_yaml(directory / "sources.yaml")
    known = {str(s.get("id")) for s in (sources_raw or {}).get("sources", []) if isinstance(s, dict)}
    problems = []
    for where, source in parsed.sources_used():
        for part in source.split(","):
            if part.strip() not in known:
                problems.append(f"{filename}: field {where}: unknown source {part.strip()!r}")
    if problems:
        raise ContentError("\n".join(problems))
    return parsed


@functools.cache
def load_journal_content() -> JournalContent:
    """The shipped journal content, loaded once per process."""
    return load_journal_content_from(CONTENT_DIR)


# ----------------------------------------------------------------------- trend


class MeasureTrend(BaseModel):
    """One measure over the window: its fitted line, and whether it moved beyond noise."""

    id: MeasureId
    label: str
    unit: str
    start: float  # fitted value at the window's first check-in (kept within the measure's range)
    end: float  # fitted value at the window's last check-in
    change: float  # fitted change over the window (slope x span), in the measure's units
    slope_per_week: float
    threshold: float  # the |change| needed to count as a move: max(floor, noise allowance)
    direction: Direction
    in_verdict: bool
    # What every view shows of this trend (the reason, the chart in words, the chart's hover):
    # start, end and their middle, rounded once to the measure's step.
    start_shown: str = ""
    end_shown: str = ""
    level_shown: str = ""


class AdviceItem(BaseModel):
    id: str
    title: str
    text: str
    source: str


class JournalTrend(BaseModel):
    """The verdict on the journal, with its reason and advice. Computed by ``assess_trend``."""

    verdict: Verdict
    label: str
    reason: str
    advice: list[str]
    advice_items: list[AdviceItem] = Field(default_factory=list)
    measures: list[MeasureTrend] = Field(default_factory=list)
    running: RunningChange | None = None
    settled: bool = False
    entries_used: int = 0
    window_start: dt.date | None = None
    window_end: dt.date | None = None

    def measure(self, measure_id: str) -> MeasureTrend | None:
        return next((m for m in self.measures if m.id == measure_id), None)


# Two-sided 99 % Student-t quantiles by degrees of freedom: a measure counts as moved only
# when its change is well beyond what its own ups and downs could produce, so noisy series
# do not flip the verdict. With few check-ins the noise estimate is itself shaky, so the
# allowance grows (from ``min_dof`` in content, which stops three lucky points from
# demanding the impossible).
_T99 = {1: 63.657, 2: 9.925, 3: 5.841, 4: 4.604, 5: 4.032, 6: 3.707, 7: 3.499, 8: 3.355, 9: 3.250, 10: 3.169,
        12: 3.055, 15: 2.947, 20: 2.845, 30: 2.750, 60: 2.660}


def _t99(dof: int) -> float:
    for limit in sorted(_T99):
        if dof <= limit:
            return _T99[limit]
    return 2.576


def _series(entries: Sequence[JournalEntry], measure: MeasureId) -> list[float]:
    if measure == "frequency":
        return [float(e.flare_ups) for e in entries]
    if measure == "intensity":
        return [(e.worst + e.typical) / 2 for e in entries]
    if measure == "worst":
        return [float(e.worst) for e in entries]
    if measure == "typical":
        return [float(e.typical) for e in entries]
    if measure == "duration":
        return [float(e.duration_minutes) for e in entries]
    return [float(e.running_minutes) for e in entries]


_RANGES: dict[MeasureId, tuple[float, float]] = {
    "frequency": (0, 100),
    "intensity": (0, 10),
    "worst": (0, 10),
    "typical": (0, 10),
    "duration": (0, 10_080),
    "running": (0, 10_080),
}


def _fit(xs: Sequence[float], ys: Sequence[float], min_sigma: float = 0.0) -> tuple[float, float, float]:
    """Theil-Sen slope and intercept, and the standard error of the slope.

    ``ys`` are centred on their median first, so adding a constant to a measure leaves
    every number here exactly unchanged (and with it the verdict).
    """
    slopes = [
        (ys[j] - ys[i]) / (xs[j] - xs[i])
        for i in range(len(xs))
        for j in range(i + 1, len(xs))
        if xs[j] != xs[i]
    ]
    slope = statistics.median(slopes)
    intercept = statistics.median(y - slope * x for x, y in zip(xs, ys, strict=True))
    residuals = [y - (intercept + slope * x) for x, y in zip(xs, ys, strict=True)]
    dof = max(len(xs) - 2, 1)
    sigma = max(math.sqrt(sum(r * r for r in residuals) / dof), min_sigma)
    mean_x = statistics.fmean(xs)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    se_slope = sigma / math.sqrt(sxx) if sxx > 0 else math.inf
    return slope, intercept, se_slope


def _measure_trend(
    entries: Sequence[JournalEntry], xs: Sequence[float], measure: MeasureId, content: JournalContent
) -> MeasureTrend:
    settings = content.measures[measure]
    raw = _series(entries, measure)
    level = statistics.median(raw)
    ys = [y - level for y in raw]
    slope, intercept, se_slope = _fit(xs, ys, settings.floor * content.trend.min_noise_share)
    span = xs[-1] - xs[0]
    change = slope * span
    noise = content.trend.noise_factor * _t99(max(len(xs) - 2, content.trend.min_dof)) * se_slope * span
    threshold = max(settings.floor, noise)
    if measure == "running":
        threshold = max(threshold, content.running_change_fraction * abs(level))
    direction: Direction = "steady"
    if change <= -threshold:
        direction = "falling"
    elif change >= threshold:
        direction = "rising"
    lo, hi = _RANGES[measure]
    start = min(hi, max(lo, level + intercept + slope * xs[0]))
    end = min(hi, max(lo, level + intercept + slope * xs[-1]))
    return MeasureTrend(
        id=measure,
        label=settings.label,
        unit=settings.unit,
        start=start,
        end=end,
        start_shown=shown_figure(start, settings.step),
        end_shown=shown_figure(end, settings.step),
        level_shown=shown_figure((start + end) / 2, settings.step),
        change=change,
        slope_per_week=slope,
        threshold=threshold,
        direction=direction,
        in_verdict=measure in VERDICT_MEASURES,
    )


def sort_entries(entries: Iterable[JournalEntry]) -> list[JournalEntry]:
    """Check-ins in date order (stable, so same-day entries keep their order)."""
    return sorted(entries, key=lambda e: e.date)


def _days_before(day: dt.date, days: int) -> dt.date:
    """``day`` minus ``days``, stopping at the first day of the calendar instead of overflowing."""
    return dt.date.fromordinal(max(dt.date.min.toordinal(), day.toordinal() - days))


def _window(entries: Sequence[JournalEntry], content: JournalContent) -> list[JournalEntry]:
    """The recent weeks the verdict is about (never fewer than ``min_entries`` check-ins)."""
    settings = content.trend
    cutoff = _days_before(entries[-1].date, 7 * settings.window_weeks)
    recent = [e for e in entries if e.date > cutoff]
    if len(recent) < settings.min_entries:
        recent = list(entries[-settings.min_entries :])
    return recent[-settings.max_entries :]


def _phrase(m: MeasureTrend, short: str) -> str:
    unit = f" {m.unit}" if m.unit else ""
    if m.direction != "steady":
        verb = "fell" if m.direction == "falling" else "rose"
        if m.start_shown == m.end_shown:  # moved, but not by a whole step of what is shown
            return f"{short} {verb} a little (about {m.end_shown}{unit})"
        return f"{short} {verb} from about {m.start_shown} to {m.end_shown}{unit}"
    return f"{short} held about level (around {m.level_shown}{unit})"


_SHORT: dict[MeasureId, str] = {
    "frequency": "flare-ups per week",
    "intensity": "intensity",
    "worst": "worst intensity",
    "typical": "typical intensity",
    "duration": "flare-up length",
    "running": "running per week",
}


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def format_date(day: dt.date) -> str:
    """'5 Jan 2026': unambiguous in every locale (and in any year, which strftime is not everywhere)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _pick_advice(content: JournalContent, verdict: Verdict, running: RunningChange, settled: bool) -> list[AdviceItem]:
    return [
        AdviceItem(id=a.id, title=a.title, text=a.text, source=a.source)
        for a in content.advice
        if _advice_matches(a, verdict, running, settled)
    ]


def assess_trend(entries: list[JournalEntry], content: JournalContent | None = None) -> JournalTrend:
    """Judge whether flare-ups are getting rarer, milder and shorter over recent weeks.

    Each of the three measures votes falling, steady or rising; more falling than rising is
    "improving", more rising than falling "worsening", anything else "flat". Running volume
    does not vote; it chooses the advice (worse while running more means back off).
    """
    content = content or load_journal_content()
    ordered = sort_entries(entries)
    settings = content.trend
    settled = len(ordered) > 0 and all(e.flare_ups == 0 for e in ordered[-settings.rolling_entries :])

    def not_enough(reason: str) -> JournalTrend:
        items = _pick_advice(content, "not_enough_data", "steady", settled)
        return JournalTrend(
            verdict="not_enough_data",
            label=content.verdicts["not_enough_data"].label,
            reason=reason,
            advice=[a.text for a in items],
            advice_items=items,
            settled=settled,
            entries_used=len(ordered),
            window_start=ordered[0].date if ordered else None,
            window_end=ordered[-1].date if ordered else None,
        )

    if len(ordered) < settings.min_entries:
        have = "no check-ins yet" if not ordered else f"only {len(ordered)} check-in{'s' if len(ordered) > 1 else ''} so far"
        return not_enough(f"There {'are' if len(ordered) != 1 else 'is'} {have}; a trend needs at least {settings.min_entries}.")
    window = _window(ordered, content)
    span_days = (window[-1].date - window[0].date).days
    if span_days < settings.min_span_days:
        return not_enough(
            f"The recent check-ins span only {span_days} day{'s' if span_days != 1 else ''}; a trend needs at "
            f"least {settings.min_span_days} days between the first and the last."
        )

    first = window[0].date
    xs = [(e.date - first).days / 7 for e in window]
    measures = [_measure_trend(window, xs, m, content) for m in MEASURE_IDS]
    voting = [m for m in measures if m.in_verdict]
    falling = sum(m.direction == "falling" for m in voting)
    rising = sum(m.direction == "rising" for m in voting)
    verdict: Verdict = "improving" if falling > rising else "worsening" if rising > falling else "flat"
    run = next(m for m in measures if m.id == "running")
    running: RunningChange = {"falling": "fell", "steady": "steady", "rising": "rose"}[run.direction]  # type: ignore[assignment]

    parts = "; ".join(_phrase(m, _SHORT[m.id]) for m in voting)
    n = len(voting)
    if verdict == "improving":
        tally = f"{falling} of {n} measures fell" + (f" and {rising} rose" if rising else " and none rose")
    elif verdict == "worsening":
        tally = f"{rising} of {n} measures rose" + (f" and {falling} fell" if falling else " and none fell")
    elif falling:
        tally = "The measures moved in opposite directions"
    elif settled:
        tally = "No flare-ups in the latest check-ins"
    else:
        tally = "None of the measures moved beyond the week-to-week ups and downs"
    run_text = _phrase(run, _SHORT["running"])
    reason = (
        f"Over {len(window)} check-ins from {format_date(window[0].date)} to {format_date(window[-1].date)}: "
        f"{parts}. {tally}. {run_text[0].upper()}{run_text[1:]}."
    )
    items = _pick_advice(content, verdict, running, settled)
    return JournalTrend(
        verdict=verdict,
        label=content.verdicts[verdict].label,
        reason=reason,
        advice=[a.text for a in items],
        advice_items=items,
        measures=measures,
        running=running,
        settled=settled,
        entries_used=len(window),
        window_start=window[0].date,
        window_end=window[-1].date,
    )


#: The trends the chart draws (one line each) and the chart in words describes, in panel order.
CHART_TRENDS: tuple[MeasureId, ...] = ("frequency", "intensity", "duration", "running")
#: The check-ins the chart draws as dots (or bars), in panel order.
CHART_POINTS: tuple[MeasureId, ...] = ("frequency", "worst", "typical", "duration", "running")


def _raw(value: float) -> str:
    return f"{value:g}"


def summarise_journal(entries: list[JournalEntry], content: JournalContent | None = None,
                      trend: JournalTrend | None = None) -> list[str]:
    """The chart in words (its non-visual equivalent).

    The trend lines are described with the very figures the verdict's reason gives (``trend``,
    from ``assess_trend``: pass the one the page already has), and the dots by the range of
    the check-ins, which are whole numbers as entered.
    """
    content = content or load_journal_content()
    ordered = sort_entries(entries)
    if not ordered:
        return ["No check-ins yet."]
    trend = trend or assess_trend(ordered, content)
    if len(ordered) == 1:
        lines = [f"1 check-in, on {format_date(ordered[0].date)}."]
    else:
        lines = [f"{len(ordered)} check-ins from {format_date(ordered[0].date)} to {format_date(ordered[-1].date)}."]
    if trend.measures and trend.window_start and trend.window_end:
        lines.append(f"The straight lines are the trend over the latest {trend.entries_used} check-ins, from "
                     f"{format_date(trend.window_start)} to {format_date(trend.window_end)}:")
        for measure in CHART_TRENDS:
            m = trend.measure(measure)
            if m is not None:
                lines.append(f"{_phrase(m, m.label)}.")
    else:
        lines.append(f"No trend lines yet. {trend.reason}")
    lines.append("Single check-ins (the dots):" if len(ordered) > 1 else "The check-in:")
    for measure in CHART_POINTS:
        values = _series(ordered, measure)
        settings = content.measures[measure]
        unit = f" {settings.unit}" if settings.unit else ""
        if min(values) == max(values):
            lines.append(f"{settings.label}: {_raw(values[0])}{unit}" + (" each time." if len(values) > 1 else "."))
        else:
            lines.append(f"{settings.label}: from {_raw(min(values))} to {_raw(max(values))}{unit}, "
                         f"latest {_raw(values[-1])}{unit}.")
    return lines


# ----------------------------------------------------------------------- cells to entries


def _shown(value: object) -> str:
    """A cell as an error message quotes it: short, one line, controls visible (safetext.excerpt)."""
    return excerpt(value, 30)


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _parse_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    to_date = getattr(value, "date", None)  # a pandas Timestamp
    if callable(to_date) and not isinstance(value, str):
        result = to_date()
        if isinstance(result, dt.date):
            return result
    text = str(value).strip()
    # The table editor may send a full timestamp; only its day counts.
    day = text[:10] if len(text) > 10 and text[10] in "T " else text
    try:
        if not _ISO_DAY.fullmatch(day):
            raise ValueError
        return dt.date.fromisoformat(day)
    except ValueError:
        raise ValueError(f"{_shown(value)} is not a date written as YYYY-MM-DD") from None


def _parse_int(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{_shown(value)} is not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        number = value
    else:
        try:
            number = float(str(value).strip())
        except ValueError:
            raise ValueError(f"{_shown(value)} is not a number") from None
    if not math.isfinite(number) or number != int(number):
        raise ValueError(f"{_shown(value)} is not a whole number")
    return int(number)


def entry_from_cells(cells: Mapping[str, object], where: str, *, csv_text: bool = False) -> tuple[JournalEntry | None, list[str]]:
    """Validate one row of cells through ``JournalEntry``; problems name ``where`` and the field."""
    problems: list[str] = []
    values: dict[str, Any] = {}
    raw_date = cells.get("date")
    if _is_blank(raw_date):
        problems.append(f"{where}: {FIELD_LABELS['date']} is empty")
    else:
        try:
            values["date"] = _parse_date(raw_date)
        except ValueError as exc:
            problems.append(f"{where}: {FIELD_LABELS['date']}: {exc}")
    for name in INT_COLUMNS:
        raw = cells.get(name)
        if _is_blank(raw):
            problems.append(f"{where}: {FIELD_LABELS[name]} is empty")
            continue
        try:
            number = _parse_int(raw)
        except ValueError as exc:
            problems.append(f"{where}: {FIELD_LABELS[name]}: {exc}")
            continue
        lo, hi = BOUNDS[name]
        if not lo <= number <= hi:
            problems.append(f"{where}: {FIELD_LABELS[name]} must be between {lo} and {hi} (got {number})")
            continue
        values[name] = number
    for name in TEXT_COLUMNS:
        raw = cells.get(name)
        # Only a missing cell is empty text; the model itself trims whitespace.
        text = "" if raw is None or (isinstance(raw, float) and math.isnan(raw)) else str(raw)
        if csv_text and text.startswith("'") and text[1:2] and text[1:2] in _FORMULA_STARTS:
            text = text[1:]
        values[name] = text
    if problems:
        return None, problems
    try:
        return JournalEntry.model_validate(values), []
    except ValidationError as exc:
        for item in exc.errors():
            field = str(item["loc"][0]) if item["loc"] else ""
            msg = str(item["msg"]).removeprefix("Value error, ")
            label = FIELD_LABELS.get(field)
            # A message that already starts with the field's name ("date 0001-01-01 is before ...") reads as it is.
            named = label is None or msg.startswith(f"{label} ")
            problems.append(f"{where}: {msg}" if named else f"{where}: {label}: {msg}")
        return None, problems


def _duplicate_dates(labelled: Sequence[tuple[str, JournalEntry]]) -> list[str]:
    seen: dict[dt.date, str] = {}
    problems = []
    for where, entry in labelled:
        if entry.date in seen:
            problems.append(f"{where}: date {entry.date.isoformat()} is already used by {seen[entry.date]}")
        else:
            seen[entry.date] = where
    return problems


def _capped(problems: list[str]) -> list[str]:
    if len(problems) <= MAX_LISTED_PROBLEMS:
        return problems
    return [*problems[:MAX_LISTED_PROBLEMS], f"... and {len(problems) - MAX_LISTED_PROBLEMS} more problems."]


def add_entry(entries: Sequence[JournalEntry], entry: JournalEntry) -> list[JournalEntry]:
    """Add one check-in; one check-in per date, so a clash is an error rather than a silent merge."""
    if any(e.date == entry.date for e in entries):
        raise JournalInputError(
            "That check-in was not added.",
            [f"There is already a check-in for {format_date(entry.date)}; change it in the table instead."],
        )
    if len(entries) >= MAX_ENTRIES:
        raise JournalInputError("That check-in was not added.", [f"The journal holds at most {MAX_ENTRIES} check-ins."])
    return sort_entries([*entries, entry])


def merge_entries(existing: Sequence[JournalEntry], incoming: Sequence[JournalEntry]) -> list[JournalEntry]:
    """Existing check-ins plus imported ones; an imported check-in replaces one on the same date."""
    dates = {e.date for e in incoming}
    merged = sort_entries([*(e for e in existing if e.date not in dates), *incoming])
    if len(merged) > MAX_ENTRIES:
        raise JournalInputError(
            "Nothing was imported.", [f"Together they would make {len(merged)} check-ins; the journal holds at most {MAX_ENTRIES}."]
        )
    return merged


def apply_table_edits(entries: Sequence[JournalEntry], edits: Mapping[str, Any]) -> list[JournalEntry]:
    """Apply a data editor's edit state (edited/added/deleted rows) to ``entries``, all or nothing.

    Rows are numbered from 1 as shown in the table, with the row's original date, so the
    person can find each one.
    """
    edited = edits.get("edited_rows") or {}
    deleted = {int(i) for i in edits.get("deleted_rows") or []}
    added = edits.get("added_rows") or []
    labelled: list[tuple[str, JournalEntry]] = []
    problems: list[str] = []
    for index, entry in enumerate(entries):
        if index in deleted:
            continue
        where = f"Row {index + 1} ({format_date(entry.date)})"
        change = edited.get(index, edited.get(str(index)))
        if not change:
            labelled.append((where, entry))
            continue
        cells: dict[str, object] = entry.model_dump()
        cells.update({k: v for k, v in dict(change).items() if k in CSV_COLUMNS})
        new, row_problems = entry_from_cells(cells, where)
        problems += row_problems
        if new is not None:
            labelled.append((where, new))
    for number, row in enumerate(added, start=1):
        where = f"New row {number}"
        new, row_problems = entry_from_cells(dict(row), where)
        problems += row_problems
        if new is not None:
            labelled.append((where, new))
    problems += _duplicate_dates(labelled)
    if problems:
        raise JournalInputError("Your table changes were not saved; fix these and they will be:", _capped(problems))
    return sort_entries(e for _, e in labelled)


# ----------------------------------------------------------------------- CSV


def _csv_cell(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def entries_to_csv(entries: Iterable[JournalEntry]) -> str:
    """The journal as CSV with the fixed header; text that a spreadsheet would run is defused."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for entry in sort_entries(entries):
        writer.writerow(
            [
                entry.date.isoformat(),
                entry.flare_ups,
                entry.worst,
                entry.typical,
                entry.duration_minutes,
                entry.running_minutes,
                _csv_cell(entry.helped),
                _csv_cell(entry.flared),
                _csv_cell(entry.note),
            ]
        )
    return out.getvalue()


def entries_from_csv(data: bytes | str) -> list[JournalEntry]:
    """Read a journal CSV, all or nothing: any bad row raises with every row at fault listed.

    Rows are numbered as a spreadsheet shows them: the header is row 1.
    """
    fail = "Nothing was imported; your journal is unchanged."
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > MAX_CSV_BYTES:
        raise JournalInputError(fail, [f"The file is too large: a journal CSV is at most {megabytes(MAX_CSV_BYTES)}."])
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise JournalInputError(fail, ["The file is not UTF-8 text; save it as 'CSV UTF-8' and try again."]) from None
    else:
        text = data.removeprefix("\ufeff")
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise JournalInputError(fail, [f"The file is not readable as CSV: {exc}."]) from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise JournalInputError(fail, [f"The file is empty; row 1 must be the header: {','.join(CSV_COLUMNS)}"])
    header = [cell.strip().lower() for cell in rows[0]]
    missing = [c for c in CSV_COLUMNS if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    doubled = sorted({c for c in header if header.count(c) > 1})
    if missing or unknown or doubled:
        problems = []
        if missing:
            problems.append(f"Row 1 (the header) is missing the column(s): {', '.join(missing)}")
        if unknown:
            problems.append(f"Row 1 (the header) has unexpected column(s): {', '.join(_shown(c) for c in unknown[:10])}")
        if doubled:
            problems.append(f"Row 1 (the header) repeats the column(s): {', '.join(_shown(c) for c in doubled[:10])}")
        problems.append(f"The header must be: {','.join(CSV_COLUMNS)}")
        raise JournalInputError(fail, problems)
    body = [(number, row) for number, row in enumerate(rows[1:], start=2) if any(cell.strip() for cell in row)]
    if len(body) > MAX_ENTRIES:
        raise JournalInputError(
            fail, [f"The file has {len(body)} check-ins (rows 2 to {body[-1][0]}); the journal holds at most {MAX_ENTRIES}."]
        )
    problems = []
    labelled: list[tuple[str, JournalEntry]] = []
    for number, row in body:
        where = f"Row {number}"
        if len(row) != len(header):
            problems.append(f"{where}: has {len(row)} cells, the header has {len(header)}")
            continue
        entry, row_problems = entry_from_cells(dict(zip(header, row, strict=True)), where, csv_text=True)
        problems += row_problems
        if entry is not None:
            labelled.append((where, entry))
    problems += _duplicate_dates(labelled)
    if problems:
        raise JournalInputError(fail + " Fix these rows (row 1 is the header) and try again:", _capped(problems))
    return sort_entries(e for _, e in labelled)


# ----------------------------------------------------------------------- chart

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies. Marker
# shapes repeat the distinction for anyone who cannot tell them apart.
COLOURS = {
    "frequency": "#0072B2",
    "worst": "#D55E00",
    "typical": "#E69F00",
    "duration": "#CC79A7",
    "running": "#009E73",
}
#: Every trend line: one dark colour, so "the dark straight line is the trend" reads the same
#: in every panel (and stands out on the running bars).
TREND_COLOUR = "#333333"


def _add_trend_line(fig: go.Figure, trend: JournalTrend, measure: MeasureId, name: str, row: int) -> None:
    """The trend of ``measure`` as a straight line over the check-ins the verdict looked at
    (nothing while there is no trend yet); it hovers with the figures the reason gives."""
    m = trend.measure(measure)
    if m is None or trend.window_start is None or trend.window_end is None:
        return
    unit = f" {m.unit}" if m.unit else ""
    fig.add_trace(
        go.Scatter(
            x=[trend.window_start.isoformat(), trend.window_end.isoformat()],
            y=[m.start, m.end],
            customdata=[m.start_shown, m.end_shown],
            mode="lines",
            name=f"{name}, trend",
            legendgroup=f"trend:{measure}",
            showlegend=row == 2,
            line={"color": TREND_COLOUR, "width": 3},
            hovertemplate=f"%{{x|%d %b %Y}}<br>{name}, trend: about %{{customdata}}{unit}<extra></extra>",
        ),
        row=row,
        col=1,
    )


def build_journal_figure(entries: list[JournalEntry], content: JournalContent | None = None,
                         trend: JournalTrend | None = None) -> go.Figure:
    """Four stacked panels sharing the date axis: frequency, intensity, duration, running.

    Dots (bars for running) are single check-ins. The straight lines are the trends the
    verdict judges (``trend``, from ``assess_trend``: pass the one the page already has),
    drawn over the check-ins it looked at; their hover shows the figures the reason gives.
    Stacked (not twin axes) so it stays legible on a phone.
    """
    content = content or load_journal_content()
    ordered = sort_entries(entries)
    trend = trend or assess_trend(ordered, content)
    dates = [e.date.isoformat() for e in ordered]
    m = content.measures
    titles = (
        f"{m['frequency'].label}",
        "Intensity (0-10)",
        f"{m['duration'].label} (minutes)",
        f"{m['running'].label} (minutes)",
    )
    fig = make_subplots(rows=4, cols=1, shared_xaxes=True, vertical_spacing=0.07, subplot_titles=titles)
    points: list[tuple[int, MeasureId, str, str]] = [
        (1, "frequency", "Flare-ups", "circle"),
        (2, "worst", "Worst", "triangle-up"),
        (2, "typical", "Typical", "diamond"),
        (3, "duration", "Flare-up length", "square"),
    ]
    for row, measure, name, symbol in points:
        unit = " min" if measure == "duration" else ""
        fig.add_trace(
            go.Scatter(
                x=dates,
                y=_series(ordered, measure),
                mode="markers",
                name=f"{name} (check-in)",
                legendgroup=measure,
                showlegend=row == 2,
                marker={"color": COLOURS[measure], "symbol": symbol, "size": 9, "opacity": 0.75},
                hovertemplate=f"%{{x|%d %b %Y}}<br>{name}: %{{y}}{unit}<extra></extra>",
            ),
            row=row,
            col=1,
        )
        if measure == "typical":  # the intensity panel's one trend: the average of worst and typical
            _add_trend_line(fig, trend, "intensity", "Intensity", row)
        elif row != 2:
            _add_trend_line(fig, trend, measure, name, row)
    fig.add_trace(
        go.Bar(
            x=dates,
            y=_series(ordered, "running"),
            name="Running (check-in)",
            showlegend=False,
            marker={"color": COLOURS["running"], "opacity": 0.8},
            hovertemplate="%{x|%d %b %Y}<br>Running: %{y} min<extra></extra>",
        ),
        row=4,
        col=1,
    )
    _add_trend_line(fig, trend, "running", "Running", 4)
    # Tick labels on check-in dates (at most six of them, so a phone can fit them).
    step = max(1, math.ceil(len(dates) / 6))
    ticks = dates[::-1][::step][::-1]
    top_of_intensity = fig.layout.yaxis2.domain[1]
    fig.update_layout(
        height=820,
        margin={"l": 44, "r": 12, "t": 36, "b": 40},
        font={"size": 14},
        # The only legend is the intensity panel's, so it sits on that panel's top right.
        legend={"orientation": "h", "yanchor": "bottom", "y": top_of_intensity + 0.005, "xanchor": "right", "x": 1,
                "bgcolor": "rgba(255,255,255,0)", "font": {"size": 13}},
        hovermode="closest",
        plot_bgcolor="white",
        paper_bgcolor="rgba(0,0,0,0)",
        bargap=0.5,
    )
    fig.update_annotations(font={"size": 14}, xanchor="left", x=0)
    fig.update_xaxes(fixedrange=True, showgrid=False, tickformat="%-d %b", tickmode="array", tickvals=ticks, ticks="outside",
                     showline=False)
    fig.update_yaxes(fixedrange=True, gridcolor="#e5e5e5", rangemode="tozero", zeroline=True, zerolinecolor="#999")
    fig.update_yaxes(range=[0, 10.5], dtick=2, row=2, col=1)
    return fig
