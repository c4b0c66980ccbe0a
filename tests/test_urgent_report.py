"""The urgent PDF: after an emergency or urgent answer (ticked or raised from other answers)
the report is only the urgent guidance: what to do now, the emergency number, what raised
it, what to tell the clinician, where it hurts. No band, score, signs, nerves or self-care."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from urgent_cases import INFERRED, TICKABLE, ticked_answers

from nervetriage.content import load_content
from nervetriage.examples import get_example
from nervetriage.models import Answers
from nervetriage.report import build_report
from nervetriage.scoring import assess
from nervetriage.ui_text import load_ui_text
from nervetriage.urgent import urgent_flags

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
TODAY = dt.date(2026, 3, 14)
CONTENT = load_content()
UI = load_ui_text()

CASES: dict[str, dict[str, Any]] = {
    **{f"ticked-{item_id}": ticked_answers(group, item_id) for group, item_id in TICKABLE},
    **{f"inferred-{flag_id}": payload for flag_id, payload in INFERRED.items()},
}


def _text(answers: Answers) -> str:
    reader = PdfReader(io.BytesIO(build_report(answers, assess(answers), today=TODAY)))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("case", list(CASES))
def test_an_urgent_report_is_only_the_urgent_guidance(case: str) -> None:
    answers = Answers.model_validate(CASES[case])
    assessment = assess(answers)
    assert assessment.urgent_only
    text = _text(answers)
    for band in CONTENT.scoring.bands:
        assert band.label not in text, band.label
    assert not re.search(r"score", text, re.IGNORECASE) and not re.search(r"\d+ / 100", text)
    for advice in CONTENT.advice.advice:
        assert advice.title not in text, advice.title
    for caution in CONTENT.advice.avoid_while_sensitive:
        assert _flat(caution.text) not in text
    for nerve in CONTENT.nerves:
        assert nerve.name not in text, nerve.name
    for heading in ("The six signs", "Next steps", "NERVES THAT FIT", "Other findings", "Recovery journal"):
        assert heading not in text
    lead = urgent_flags(assessment)[0]
    level = "EMERGENCY" if lead.level == "emergency" else "URGENT"
    assert text.index(f"{level}: what to do now") < text.index(_flat(lead.action))
    assert "Emergency number: 112" in text
    assert text.index(UI.urgent.handover_heading) < text.index("Where it hurts")
    for line in assessment.handover:
        assert _flat(line) in text
    for flag in assessment.red_flags:
        assert flag.title in text
        if flag.kind == "inferred":
            assert _flat(UI.urgent.report.inferred.format(reason=flag.reason)) in text


def test_an_urgent_report_lists_the_other_countries_numbers_once_each() -> None:
    text = _text(get_example("saddle-numbness").fresh_answers())
    for number in CONTENT.emergency.numbers:
        assert number.number in text
    assert text.count(" 112 ") <= 1, "112 is the default: not listed again for India and South Africa"


def test_an_urgent_report_leaves_out_the_recovery_journal_but_keeps_the_runners_words() -> None:
    from nervetriage.models import JournalEntry

    entries = [JournalEntry(date=dt.date(2026, 2, 2) + dt.timedelta(weeks=i), flare_ups=3, worst=6, typical=3,
                            duration_minutes=45, running_minutes=20, note=f"week {i + 1}") for i in range(3)]
    answers = get_example("calf-clot-mimic").fresh_answers().model_copy(update={"journal": entries, "note": "Flew home on Sunday."})
    text = _text(answers)
    assert "Recovery journal" not in text and "week 3" not in text
    assert UI.urgent.report.note_heading in text and "Flew home on Sunday." in text


def test_even_the_heaviest_urgent_answers_fit_on_two_pages() -> None:
    answers = Answers.model_validate(
        {
            "red_flags": [f.id for f in CONTENT.red_flags.flags],
            "mimics": [m.id for m in CONTENT.red_flags.mimics],
            "sign5": {"night": True},
            "regions": [{"region": r, "side": "both", "intensity": 8} for r in sorted(CONTENT.region_ids)],
            "note": "x " * 250,
        }
    )
    reader = PdfReader(io.BytesIO(build_report(answers, assess(answers), today=TODAY)))
    assert len(reader.pages) <= 2


@pytest.mark.parametrize(
    ("name", "answers_of"),
    [
        ("report-urgent-emergency-page1", lambda: get_example("saddle-numbness").fresh_answers()),
        ("report-urgent-inferred-page1", lambda: Answers.model_validate(INFERRED["dvt"])),
    ],
)
def test_the_urgent_report_renders_to_an_image_artifact(tmp_path: Path, name: str, answers_of) -> None:  # type: ignore[no-untyped-def]
    assert shutil.which("pdftoppm"), "pdftoppm (poppler-utils) is needed to render the report"
    answers = answers_of()
    source = tmp_path / "report.pdf"
    source.write_bytes(build_report(answers, assess(answers), today=TODAY))
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", str(source), str(ARTIFACTS / name)],
                   check=True, timeout=60)
    assert (ARTIFACTS / f"{name}.png").stat().st_size > 20_000
