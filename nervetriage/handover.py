"""The clinician's summary of a client's answers: one screen, one A4 page, in the third person.

``clinician_summary`` turns ``Answers`` and their ``Assessment`` into plain rows that the
clinician page and the clinician PDF both draw, so the two never disagree. Every answer
row carries a status, and "not answered" is its own status, never folded into "no": a
missing answer is never evidence either way. The wording lives in ``content/clinician.yaml``
(loaded and checked here); the facts are the client's answers and the scoring's findings.
Nothing here imports streamlit.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from nervetriage.content import CONTENT_DIR, Content, ContentError, describe_content_error, load_content, read_yaml
from nervetriage.models import Answers, Assessment, RegionPain, TriggeredFlag
from nervetriage.scoring import Reader, evaluate

Status = Literal["yes", "no", "not_answered", "not_done", "info"]
Tone = Literal["for", "against"]


# ----------------------------------------------------------------------- content


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RowSpec(_Model):
    field: str
    label: str
    values: dict[str, str] = Field(default_factory=dict)
    none: str = ""  # what an answered, empty list means ("No imaging")
    criterion: bool = False  # a slump criterion: met / not met / not done


class BlockSpec(_Model):
    id: str
    title: str
    rows: list[RowSpec]


class RedFlagWords(_Model):
    label: str
    not_answered: str
    negative: str
    positive: str
    mimics: str
    inferred: str


class EmailWords(_Model):
    subject: str
    subject_named: str
    greeting: str
    intro: str
    result: str
    red_flags: str
    areas: str
    no_areas: str
    link: str
    link_too_long: str


class PageWords(_Model):
    heading: str
    empty: str
    empty_link: str
    from_link: str
    identity: str
    clinic: str
    dated: str
    dated_unknown: str
    result_heading: str
    score: str
    coverage_only: str
    findings_heading: str
    findings_columns: dict[str, str]
    tone: dict[str, str]
    no_findings: str
    alerts_heading: str
    areas_heading: str
    no_areas: str
    nerves: str
    clinic_marked: str
    journal_heading: str
    no_journal: str
    note_heading: str
    legend: str
    pdf_prepare: str
    pdf_download: str
    pdf_caption: str
    client_view: str
    open_summary: str
    open_summary_caption: str


class ClinicianContent(_Model):
    source: str
    title: str
    screen_note: str
    words: dict[str, str]
    red_flags: RedFlagWords
    bands: dict[str, str]
    urgent_result: str
    levels: dict[str, str]
    timeframes: dict[str, str]
    raised_from: str
    finding_labels: dict[str, str]
    blocks: list[BlockSpec]
    email: EmailWords
    page: PageWords

    @model_validator(mode="after")
    def _fields_exist(self) -> ClinicianContent:
        needed = {"not_answered", "not_given", "yes", "no", "met", "not_met", "not_done", "none", "none_ticked", "rated",
                  "not_rated", "clinic_marked",
                  "not_asked"}
        missing = sorted(needed - set(self.words))
        if missing:
            raise ValueError(f"words is missing {missing}")
        if set(self.bands) != {"not_enough", "unlikely", "possible", "likely"}:
            raise ValueError("bands must word each of not_enough, unlikely, possible, likely")
        for block in self.blocks:
            for row in block.rows:
                problem = _field_problem(row.field)
                if problem:
                    raise ValueError(f"block {block.id}: {problem}")
        return self


def _field_problem(path: str) -> str | None:
    """Why ``path`` is not a field of the answers, else None."""
    model: Any = Answers
    for part in path.split("."):
        fields = getattr(model, "model_fields", None)
        if fields is None or part not in fields:
            return f"row field {path!r} is not a field of the answers"
        annotation = fields[part].annotation
        model = next((a for a in getattr(annotation, "__args__", (annotation,)) if hasattr(a, "model_fields")), annotation)
    return None


def load_clinician_content_from(directory: Path) -> ClinicianContent:
    try:
        return ClinicianContent.model_validate(read_yaml(directory / "clinician.yaml"))
    except ValidationError as exc:
        raise ContentError(describe_content_error(exc, "clinician.yaml")) from exc


@functools.cache
def load_clinician_content() -> ClinicianContent:
    return load_clinician_content_from(CONTENT_DIR)


# ----------------------------------------------------------------------- the summary


@dataclass(frozen=True)
class Row:
    """One line of the summary: what, the client's answer in words, and its status."""

    label: str
    value: str
    status: Status


@dataclass(frozen=True)
class Block:
    id: str
    title: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Finding:
    """A finding behind the grade: its label, likelihood ratio and points, for or against a nerve."""

    label: str
    lr: float
    points: float
    tone: Tone


@dataclass(frozen=True)
class ClinicianSummary:
    title: str
    screen_note: str
    client: str  # the name or initials the client gave, or "" for none
    clinic: str
    contact: str
    made_on: dt.date  # the day the client sent the answers, else the day they are viewed
    dated: bool  # made_on is the day the client sent them (False: an older link without that date)
    urgent_only: bool
    result: str  # the graded result in clinical words, or the urgent notice
    score: int | None  # 0-100, None when the screen was not graded
    coverage: int  # per cent of the deciding questions answered
    findings: tuple[Finding, ...]
    alerts: tuple[str, ...]  # each alert raised: "Title: what to do"
    red_flags: Row
    blocks: tuple[Block, ...]
    regions: tuple[str, ...]
    clinic_marked: tuple[str, ...]  # the areas the clinic marked in its link
    nerves: tuple[str, ...]
    journal: tuple[str, ...]
    note: str
    unanswered_signs: tuple[int, ...]

    @property
    def client_shown(self) -> str:
        return self.client or load_clinician_content().words["not_given"]

    def all_rows(self) -> list[Row]:
        return [self.red_flags, *(row for block in self.blocks for row in block.rows)]


def _option_words(content: Content) -> dict[str, dict[str, str]]:
    """Every question's option labels by field, the default words for a value."""
    questions = [q for sign in content.signs for q in sign.questions]
    questions += [q for step in content.questions.steps.values() for q in step]
    questions += list(content.questions.slump_criteria)
    return {q.field: dict(q.options) for q in questions}


def _answer_row(spec: RowSpec, value: Any, words: dict[str, str], options: dict[str, str]) -> Row:
    names = {**options, **spec.values}
    if value is None or (isinstance(value, dict) and not value):
        return Row(spec.label, words["not_answered"], "not_answered")
    if isinstance(value, bool):
        return Row(spec.label, words["yes"] if value else words["no"], "yes" if value else "no")
    if isinstance(value, int):
        return Row(spec.label, words["rated"].format(value=value), "info")
    if isinstance(value, str):
        status: Status = "yes" if value == "yes" else "no" if value == "no" else "info"
        return Row(spec.label, names.get(value, value.replace("_", " ")), status)
    if isinstance(value, dict):  # treatments -> outcome
        parts = [f"{names.get(k, k)}: {_outcome(v)}" for k, v in value.items()]
        return Row(spec.label, "; ".join(parts), "info")
    if isinstance(value, list):
        if not value:
            return Row(spec.label, spec.none or words["none_ticked"], "no")
        order = {key: n for n, key in enumerate(names)}  # the question's own order, not the stored (sorted) one
        ordered = sorted(value, key=lambda v: order.get(v, len(order)))
        return Row(spec.label, ", ".join(names.get(v, str(v)) for v in ordered), "yes")
    return Row(spec.label, str(value), "info")


_OUTCOMES = {"helped": "helped", "no_change": "no change", "worse": "worse", "short_relief": "short relief, then back"}


def _outcome(value: str) -> str:
    return _OUTCOMES.get(value, value.replace("_", " "))


def _slump_row(spec: RowSpec, answers: Answers, words: dict[str, str]) -> Row:
    slump = answers.slump
    if slump is None:
        return Row(spec.label, words["not_answered"], "not_answered")
    if spec.criterion:
        if not slump.done:
            return Row(spec.label, words["not_done"], "not_done")
        met = bool(getattr(slump, spec.field.split(".", 1)[1]))
        return Row(spec.label, words["met"] if met else words["not_met"], "yes" if met else "no")
    return Row(spec.label, words["yes"] if slump.done else words["no"], "yes" if slump.done else "no")


def _red_flag_row(answers: Answers, assessment: Assessment, content: Content, text: ClinicianContent) -> Row:
    words = text.red_flags
    titles = {f.id: f.title for f in content.red_flags.flags}
    mimic_titles = {m.id: m.title for m in content.red_flags.mimics}
    inferred = [f.title for f in assessment.red_flags if f.kind in ("inferred", "combination")]
    if answers.red_flags is None:
        value, status = words.not_answered, "not_answered"
    elif not answers.red_flags:
        value, status = words.negative, "no"
    else:
        value = words.positive.format(names="; ".join(titles.get(f, f) for f in answers.red_flags))
        status = "yes"
    extra = []
    if answers.mimics:
        extra.append(words.mimics.format(names="; ".join(mimic_titles.get(m, m) for m in answers.mimics)))
    if inferred:
        extra.append(words.inferred.format(names="; ".join(inferred)))
    return Row(words.label, ". ".join([value, *extra]), status)  # type: ignore[arg-type]


_SIDES = {"left": "left", "right": "right", "both": "both sides"}


def _region_line(region: RegionPain, label: str, words: dict[str, str]) -> str:
    """'Outer shin, left: 6/10' or 'Heel, both sides: not rated, marked by the clinic'."""
    strength = words["rated"].format(value=region.intensity) if region.intensity is not None else words["not_rated"]
    marked = words["clinic_marked"] if region.from_clinic else ""
    return f"{label}, {_SIDES.get(region.side, region.side)}: {strength}{marked}"


def _alert_line(flag: TriggeredFlag, text: ClinicianContent) -> str:
    """'Title: urgent review advised (within 24 hours); raised from: <answers>', in clinical words."""
    timeframe = text.timeframes.get(flag.timeframe, "") if flag.timeframe else ""
    line = f"{flag.title}: {text.levels[flag.level]}" + (f" ({timeframe})" if timeframe else "")
    if flag.kind in ("inferred", "combination") and flag.reason:
        line += f"; {text.raised_from}: {flag.reason.rstrip('.')}"
    return line


def _journal_lines(answers: Answers) -> tuple[str, ...]:
    if not answers.journal:
        return ()
    from nervetriage.journal import assess_trend, summarise_journal

    journal = list(answers.journal)
    trend = assess_trend(journal)
    # the trend's reason carries its figures; the summary's first line, how many check-ins and when
    return (f"{trend.label}: {trend.reason}", summarise_journal(journal, trend=trend)[0])


def clinician_summary(answers: Answers, assessment: Assessment, today: dt.date | None = None,
                      content: Content | None = None) -> ClinicianSummary:
    """Everything the clinician view and the clinician PDF show, in their order."""
    content = content or load_content()
    text = load_clinician_content()
    words = text.words
    reader = Reader(answers)
    options = _option_words(content)
    gates = {f.field: f.after for f in content.questions.follow_ups}
    blocks = []
    for spec in text.blocks:
        rows = []
        for row in spec.rows:
            gate = gates.get(row.field)
            if row.field.startswith("slump."):
                rows.append(_slump_row(row, answers, words))
            elif gate is not None and evaluate(gate, reader) is False:  # follows an answer given the other way
                rows.append(Row(row.label, words["not_asked"], "not_done"))
            else:
                rows.append(_answer_row(row, reader.get(row.field), words, options.get(row.field, {})))
        blocks.append(Block(spec.id, spec.title, tuple(rows)))
    labels = {r.id: r.label for r in content.regions}
    regions = tuple(_region_line(r, labels.get(r.region, r.region), words) for r in answers.regions)
    marked = tuple(line for line, r in zip(regions, answers.regions, strict=True) if r.from_clinic)
    findings = tuple(
        Finding(text.finding_labels.get(f.id, f.label), f.lr, f.points, "for" if f.points > 0 else "against")
        for f in sorted(assessment.findings, key=lambda f: -abs(f.points))
        if f.points != 0
    )
    nerves = tuple(
        f"{n.name} ({n.roots}): {', '.join(labels.get(r, r) for r in n.regions)}" for n in assessment.nerves[:4]
    )
    origin = answers.origin
    alerts = tuple(_alert_line(f, text) for f in assessment.red_flags)
    return ClinicianSummary(
        title=text.title,
        screen_note=text.screen_note,
        client=answers.client,
        clinic=(origin.clinic or "") if origin else "",
        contact=(origin.contact or "") if origin else "",
        made_on=answers.dated or today or dt.date.today(),
        dated=answers.dated is not None,
        urgent_only=assessment.urgent_only,
        result=text.urgent_result if assessment.urgent_only else text.bands[assessment.band],
        score=None if assessment.urgent_only or assessment.band == "not_enough" else assessment.score,
        coverage=round(100 * assessment.coverage),
        findings=() if assessment.urgent_only else findings,
        alerts=alerts,
        red_flags=_red_flag_row(answers, assessment, content, text),
        blocks=tuple(blocks),
        regions=regions,
        clinic_marked=marked,
        nerves=() if assessment.urgent_only else nerves,
        journal=_journal_lines(answers),
        note=answers.note,
        unanswered_signs=tuple(assessment.unanswered),
    )


# ----------------------------------------------------------------------- the email back


@dataclass(frozen=True)
class Email:
    subject: str
    body: str


def email_back(answers: Answers, assessment: Assessment, link: str, content: Content | None = None) -> Email:
    """The "Send to <clinic>" email: a subject, a greeting, three summary lines and the link.

    Plain text; ``nervetriage.mailto`` encodes it, so nothing in it can become a header.
    A link too long for a mailto: body (one with a long journal) is never cut short, which
    would break it: the email asks for it to be pasted in instead.
    """
    from nervetriage.mailto import body_fits

    words = load_clinician_content()
    summary = clinician_summary(answers, assessment, content=content)
    mail = words.email
    result = summary.result if summary.score is None else f"{summary.result} ({summary.score}/100)"
    areas = "; ".join(summary.regions[:6]) + ("; ..." if len(summary.regions) > 6 else "") or mail.no_areas
    lines = [
        *([mail.greeting.format(clinic=summary.clinic), ""] if summary.clinic else []),
        mail.intro,
        mail.result.format(result=result),
        mail.red_flags.format(status=summary.red_flags.value),
        mail.areas.format(areas=areas),
        "",
        mail.link.format(link=link),
    ]
    if not body_fits("\n".join(lines)):
        lines[-1] = mail.link_too_long
    subject = mail.subject_named.format(client=answers.client) if answers.client else mail.subject
    return Email(subject, "\n".join(lines))


# ----------------------------------------------------------------------- file names

_UNSAFE = re.compile(r"[^A-Za-z0-9]+")


def file_stem(kind: str, client: str, today: dt.date) -> str:
    """``nervetriage-<kind>-<client>-<date>``, the client's name folded to ASCII letters and digits.

    Accents are dropped ("Zoë" -> "Zoe"), anything else becomes one hyphen, at most 24
    characters are kept; no path separator, dot, quote or control character survives.
    """
    folded = unicodedata.normalize("NFKD", client).encode("ascii", "ignore").decode("ascii")
    slug = _UNSAFE.sub("-", folded).strip("-")[:24].strip("-")
    parts = ["nervetriage", kind, *([slug] if slug else []), today.isoformat()]
    return "-".join(parts)
