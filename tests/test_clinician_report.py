"""The clinician's PDF: every summary item on one filed A4 page, in the third person.

Text checks read the PDF back with pypdf, as a clinic's system would. The page budget is
one page for every example and validation case, two for the heaviest answers there are.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hostile import HOSTILE_SAMPLES
from pypdf import PdfReader

from nervetriage.clinician_report import _fill, _plan, build_clinician_report
from nervetriage.content import load_content
from nervetriage.examples import get_example, load_examples
from nervetriage.handover import clinician_summary, load_clinician_content
from nervetriage.models import Answers, JournalEntry, Origin, RegionPain, Slump
from nervetriage.report import build_report
from nervetriage.safetext import visible
from nervetriage.scoring import assess
from nervetriage.validation import load_cases

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
TODAY = dt.date(2026, 3, 14)
WORDS = load_clinician_content().words
SECOND_PERSON = re.compile(r"\byou(?:r|rs|rself|'re|'ve|'ll|'d)?\b", re.IGNORECASE)
EXAMPLES = {e.id: e for e in load_examples()}
CASES = {c.id: c for c in load_cases()}


def _build(answers: Answers) -> tuple[bytes, PdfReader]:
    data = build_clinician_report(answers, assess(answers), today=TODAY)
    return data, PdfReader(io.BytesIO(data))


def _flat(text: str) -> str:
    return " ".join(text.split())


def _text(reader: PdfReader) -> str:
    return _flat(" ".join(page.extract_text() or "" for page in reader.pages))


def _journal(weeks: int, note: str = "") -> list[JournalEntry]:
    start = dt.date.today() - dt.timedelta(weeks=weeks)
    return [
        JournalEntry(date=start + dt.timedelta(weeks=i), flare_ups=max(0, 8 - i // 2), worst=max(0, 8 - i // 3),
                     typical=max(0, 5 - i // 3), duration_minutes=45, running_minutes=20 + 5 * i, note=note)
        for i in range(weeks)
    ]


def _rich() -> Answers:
    """A usual case filled in everywhere: name, clinic, contact, a clinic's unrated mark, journal, note, slump."""
    answers = get_example("race-belt-thigh").fresh_answers()
    return answers.model_copy(update={
        "client": "J. R.",
        "origin": Origin(clinic="Peak Physio Clinic", contact="front.desk@peak-physio.example"),
        "regions": [*answers.regions, RegionPain(region="calf", side="left", intensity=None, from_clinic=True)],
        "slump": Slump(done=True, familiar_symptom=True, changes_with_neck=False, differs_from_other_side=True),
        "journal": _journal(8, "Easy 5 km, flared after sitting"),
        "note": "Worst after long car journeys; a belt-style running pack seemed to make it worse. " * 3,
    })


def _extreme() -> Answers:
    """Every red flag and mimic ticked, every region on both sides, a full journal, the longest note."""
    content = load_content()
    return Answers.model_validate({
        "client": "Zoë Ångström-Wéyland, runner",
        "red_flags": [f.id for f in content.red_flags.flags],
        "mimics": [m.id for m in content.red_flags.mimics],
        "sign5": {"night": True, "sitting": True, "lying": True, "rest_intensity": 6},
        "regions": [{"region": r, "side": side, "intensity": 8} for r in sorted(content.region_ids) for side in ("left", "right")],
        "journal": [e.model_dump() for e in _journal(520, "n" * 200)],
        "note": ("Long note with many words " * 40)[:500],
        "origin": {"clinic": "Clinic " * 11, "contact": "a" * 60 + "@" + "b" * 60 + ".example"},
    })


def _extreme_graded() -> Answers:
    """Every region on both sides (a third marked by the clinic, unrated), every sign answered, a full journal."""
    answers = _rich()
    content = load_content()
    return answers.model_copy(update={
        "regions": [RegionPain(region=r, side="both", intensity=None if i % 3 == 0 else 7, from_clinic=i % 3 == 0)
                    for i, r in enumerate(sorted(content.region_ids))],
        "journal": _journal(520, "n" * 200),
        "note": ("Long note with many words " * 40)[:500],
    })


# --------------------------------------------------------------------------- every item is there


def test_every_summary_item_appears() -> None:
    answers = _rich()
    assessment = assess(answers)
    summary = clinician_summary(answers, assessment, TODAY)
    text = _text(_build(answers)[1])
    for item in (summary.title, "J. R.", "14 March 2026", "Peak Physio Clinic", "front.desk@peak-physio.example",
                 summary.result, f"Score {summary.score}/100", f"{summary.coverage} %"):
        assert _flat(item) in text, item
    assert _flat(summary.red_flags.label) in text and _flat(summary.red_flags.value) in text
    for block in summary.blocks:
        assert block.title in text
        for row in block.rows:
            assert _flat(f"{row.label} {row.value}") in text, (block.id, row)
    for line in (*summary.regions, *summary.journal):
        assert _flat(line) in text, line
    for nerve in assessment.nerves[:4]:
        assert nerve.name in text
    assert _flat(answers.note.strip()) in text


def test_each_finding_prints_its_label_lr_and_points_under_for_or_against() -> None:
    answers = get_example("achilles-tendinopathy").fresh_answers()
    summary = clinician_summary(answers, assess(answers), TODAY)
    assert {f.tone for f in summary.findings} == {"for", "against"}
    text = _text(_build(answers)[1])
    assert "FOR NERVE INVOLVEMENT" in text and "AGAINST NERVE INVOLVEMENT" in text
    assert text.index("FOR NERVE INVOLVEMENT") < text.index("AGAINST NERVE INVOLVEMENT")
    for f in summary.findings:
        points = f"{round(f.points, 1):+g}".replace("-", "−")
        assert _flat(f"{f.label} LR {f.lr:.2g} {points}") in text, f


def test_not_answered_is_said_in_words_and_set_apart_from_no() -> None:
    """"Not answered" in grey oblique type, "No" upright: the difference is in the words and the type."""
    answers = get_example("race-belt-thigh").fresh_answers()
    summary = clinician_summary(answers, assess(answers), TODAY)
    statuses = {row.status for row in summary.all_rows()}
    assert {"not_answered", "no"} <= statuses
    fonts: dict[str, set[str]] = {}

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if font is not None and text.strip():
            fonts.setdefault(text.strip(), set()).add(str(font.get("/BaseFont", "")))

    reader = _build(answers)[1]
    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    assert WORDS["not_answered"] in fonts
    assert all("Oblique" in name for name in fonts[WORDS["not_answered"]])
    assert fonts[WORDS["no"]] and not any("Oblique" in name for name in fonts[WORDS["no"]])


@pytest.mark.parametrize(
    ("slump", "expected"),
    [
        (Slump(done=True, familiar_symptom=True, changes_with_neck=False, differs_from_other_side=True), ["Met", "Not met", "Met"]),
        (Slump(done=False), ["Not done", "Not done", "Not done"]),
        (None, ["Not answered", "Not answered", "Not answered"]),
    ],
)
def test_slump_criteria_print_met_not_met_or_not_done(slump: Slump | None, expected: list[str]) -> None:
    answers = get_example("race-belt-thigh").fresh_answers().model_copy(update={"slump": slump})
    text = _text(_build(answers)[1])
    [neural] = [b for b in clinician_summary(answers, assess(answers), TODAY).blocks if b.id == "neural"]
    criteria = [row for row in neural.rows if row.label.startswith("Slump:")]
    assert [row.value for row in criteria] == expected
    for row in criteria:
        assert _flat(f"{row.label} {row.value}") in text


def test_unrated_clinic_areas_say_so() -> None:
    text = _text(_build(_rich())[1])
    assert "not rated, marked by the clinic" in text or "not rated (marked by the clinic)" in text
    assert "None/10" not in text


def test_no_client_and_no_clinic_say_not_given() -> None:
    answers = get_example("race-belt-thigh").fresh_answers().model_copy(update={"client": "", "origin": None})
    text = _text(_build(answers)[1])
    assert f"Client: {WORDS['not_given']}" in text and f"Clinic: {WORDS['not_given']}" in text


def test_header_on_every_page_and_the_screen_note_on_page_one_only() -> None:
    reader = _build(_extreme())[1]
    assert len(reader.pages) == 2
    summary = clinician_summary(_extreme(), assess(_extreme()), TODAY)
    for number, page in enumerate(reader.pages, start=1):
        text = _flat(page.extract_text() or "")
        assert text.startswith(summary.title), number
        assert "Zoë Ångström-Wéyland, runner" in text and "14 March 2026" in text and "Clinic Clinic" in text
        assert f"NerveTriage screen, not a diagnosis · Client: Zoë Ångström-Wéyland, runner · 14 March 2026 page {number} of 2" in text
        assert (_flat(summary.screen_note) in text) is (number == 1)


# --------------------------------------------------------------------------- urgent answers


def test_an_urgent_assessment_leads_with_its_alerts_and_has_no_score_or_nerves() -> None:
    answers = get_example("saddle-numbness").fresh_answers()
    assessment = assess(answers)
    assert assessment.urgent_only
    text = _text(_build(answers)[1])
    result = load_clinician_content().urgent_result
    assert text.index("ALERTS RAISED") < text.index(result)
    for flag in assessment.red_flags:
        assert flag.title in text
    assert "EMERGENCY" in text
    assert not re.search(r"Score \d+/100", text) and "Not graded" in text
    assert "SUSPECTED NERVES" not in text and "FOR NERVE INVOLVEMENT" not in text


def test_an_inferred_alert_gives_the_answers_that_raised_it() -> None:
    answers = Answers.model_validate({"clues": {"calf_swollen": True, "clot_risk": True}})
    [flag] = [f for f in assess(answers).red_flags if f.kind == "inferred"]
    text = _text(_build(answers)[1])
    assert _flat(f"raised from other answers: {flag.reason}") in text


def test_a_professional_alert_is_boxed_after_the_graded_result() -> None:
    answers = get_example("race-belt-thigh").fresh_answers().model_copy(update={"red_flags": ["new_pain_over_50"]})
    assessment = assess(answers)
    assert assessment.urgency == "professional" and not assessment.urgent_only
    text = _text(_build(answers)[1])
    assert text.index(clinician_summary(answers, assessment, TODAY).result) < text.index("ALERTS RAISED") < text.index("History")
    assert "CHECK FIRST" in text


# --------------------------------------------------------------------------- third person


def _without_note(answers: Answers) -> Answers:
    return answers.model_copy(update={"note": "", "journal": _journal(6)})


@pytest.mark.parametrize(
    "answers_of",
    [pytest.param(lambda e=e: _without_note(e.fresh_answers()), id=f"example-{i}") for i, e in EXAMPLES.items()]
    + [pytest.param(lambda c=c: _without_note(c.answers), id=f"case-{i}") for i, c in CASES.items()]
    + [pytest.param(lambda: _without_note(_extreme()), id="extreme"), pytest.param(lambda: _without_note(Answers()), id="empty")],
)
def test_the_pdf_never_speaks_to_the_reader(answers_of: Any) -> None:
    """Third person throughout (the client's own note aside, which is their words)."""
    text = _text(_build(answers_of())[1])
    assert not SECOND_PERSON.search(text), SECOND_PERSON.findall(text)


# --------------------------------------------------------------------------- hostile text


@pytest.mark.parametrize("sample", HOSTILE_SAMPLES)
def test_hostile_text_prints_as_text(sample: str) -> None:
    base = get_example("race-belt-thigh").fresh_answers()
    # as it arrives from a form (validated where it can be), and as raw text bypassing validation
    origin = Origin.model_construct(example=None, clinic=sample, clinic_note=None, contact=sample)
    raw = base.model_copy(update={"client": sample, "note": sample, "origin": origin})
    try:
        validated = Answers.model_validate({**base.model_dump(), "client": sample[:40], "note": sample,
                                            "origin": {"clinic": sample[:80]}})
    except ValueError:
        validated = raw
    built: dict[str, tuple[bytes, PdfReader]] = {}
    for name, answers in (("raw", raw), ("validated", validated)):
        data, reader = built[name] = _build(answers)
        assert data.startswith(b"%PDF-") and 1 <= len(reader.pages) <= 2
        for action in (b"/URI", b"/JavaScript", b"/Launch", b"/Annots"):
            assert action not in data, action
    text = _text(built["raw"][1])
    shown = _flat(visible(sample))
    if shown.isascii() and shown.isprintable():
        assert shown in text


# --------------------------------------------------------------------------- the page budget


@pytest.mark.parametrize(
    "answers_of",
    [pytest.param(lambda e=e: e.fresh_answers(), id=f"example-{i}") for i, e in EXAMPLES.items()]
    + [pytest.param(lambda c=c: c.answers, id=f"case-{i}") for i, c in CASES.items()]
    + [pytest.param(_rich, id="rich-usual-case"), pytest.param(Answers, id="empty")],
)
def test_usual_cases_fit_one_page(answers_of: Any) -> None:
    assert len(_build(answers_of())[1].pages) == 1


@pytest.mark.parametrize("answers_of", [_extreme, _extreme_graded], ids=["every-flag-and-region", "every-region-both-sides"])
def test_the_heaviest_answers_fit_two_pages(answers_of: Any) -> None:
    answers = answers_of()
    reader = _build(answers)[1]
    assert len(reader.pages) <= 2
    text = _text(reader)
    summary = clinician_summary(answers, assess(answers), TODAY)
    for line in (*summary.regions, *(row.label for row in summary.all_rows())):
        assert _flat(line) in text, line


def test_the_pdf_is_deterministic_for_a_day() -> None:
    answers = _rich()
    assert build_clinician_report(answers, assess(answers), TODAY) == build_clinician_report(answers, assess(answers), TODAY)


# --------------------------------------------------------------------------- the table layout


HEIGHTS = [[4.0, 7.0, 4.0, 4.0, 4.0, 4.0], [4.0, 7.0, 7.0, 4.0, 4.0], [4.0, 4.0, 4.0, 4.0], [4.0, 4.0, 4.0], [7.0] * 6]


def _check_pages(pages: list[list[list[Any]]], heights: list[list[float]], rooms: list[float]) -> None:
    seen = [(p.block, p.row) for page in pages for column in page for p in column]
    assert seen == [(b, r) for b, rows in enumerate(heights) for r in range(len(rows))], "every row once, in order"
    for page, room in zip(pages, rooms, strict=False):
        for column in page:
            if column:
                assert column[0].title, "a column that opens mid-block repeats the block's title"
            assert all(p.title is (p.row == 0 or i == 0) for i, p in enumerate(column))
            used = sum(heights[p.block][p.row] + (5.0 if p.title else 0) + (1.6 if p.row == 0 and i else 0)
                       for i, p in enumerate(column))
            assert used <= room + 1e-6 or len(column) == 1


@pytest.mark.parametrize("first", [25.0, 40.0, 60.0, 90.0, 200.0])
def test_rows_never_split_and_titles_repeat_where_a_block_breaks(first: float) -> None:
    pages = _plan(HEIGHTS, first, 120.0)
    _check_pages(pages, HEIGHTS, [first] + [120.0] * len(pages))


def test_the_two_columns_keep_whole_blocks_when_they_fit() -> None:
    [page] = _plan(HEIGHTS, 200.0, 200.0)
    for column in page:
        assert all(p.row == 0 for p in column if p.title), "no block split between the columns"


def test_a_fill_stops_short_rather_than_split_a_block_that_fits() -> None:
    columns, end = _fill([[4.0] * 6], 0, 12.0, whole=100.0)
    assert end < 6 and sum(len(c) for c in columns) == end


# --------------------------------------------------------------------------- the runner's own report


def test_runner_report_prints_the_name_and_unrated_clinic_areas() -> None:
    answers = _rich()
    reader = PdfReader(io.BytesIO(build_report(answers, assess(answers), today=TODAY)))
    text = _text(reader)
    assert "Runner: J. R." in text
    assert "Calf – left, not rated (marked by the clinic)" in text
    assert "None/10" not in text


def test_runner_report_without_a_name_prints_no_name_line() -> None:
    answers = get_example("race-belt-thigh").fresh_answers()
    assert "Runner:" not in _text(PdfReader(io.BytesIO(build_report(answers, assess(answers), today=TODAY))))


# --------------------------------------------------------------------------- the picture


def test_first_page_renders_to_an_image_artifact(tmp_path: Path) -> None:
    assert shutil.which("pdftoppm"), "pdftoppm (poppler-utils) is needed to render the PDF"
    answers = get_example("race-belt-thigh").fresh_answers().model_copy(update={
        "client": "J. R.", "journal": _journal(6), "note": "Worst after long car journeys and a belt-style running pack.",
    })
    source = tmp_path / "clinician.pdf"
    source.write_bytes(_build(answers)[0])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    stem = SCREENSHOTS / "clinician-pdf-page1"
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(source), str(stem)],
                   check=True, timeout=60)
    assert stem.with_suffix(".png").stat().st_size > 20_000


def test_an_example_case_says_its_answers_are_invented() -> None:
    assert "Example case: invented answers" in _text(_build(get_example("race-belt-thigh").fresh_answers())[1])
    assert "Example case" not in _text(_build(CASES["n-sural-reference"].answers)[1])
