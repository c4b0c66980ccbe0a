"""The PDF report: what a clinician must find in it, in the right order, on one or two pages."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from pypdf import PdfReader
from strategies import answers

from nervetriage.examples import get_example, load_examples
from nervetriage.models import Answers, JournalEntry, Origin
from nervetriage.report import build_report, next_steps
from nervetriage.scoring import assess

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
TODAY = dt.date(2026, 3, 14)


def _pdf(answers: Answers) -> tuple[bytes, PdfReader]:
    data = build_report(answers, assess(answers), today=TODAY)
    return data, PdfReader(io.BytesIO(data))


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _likely() -> Answers:
    return get_example("race-belt-thigh").fresh_answers()


def test_report_names_the_band_the_score_the_date_and_the_nerves() -> None:
    answers = _likely()
    assessment = assess(answers)
    _, reader = _pdf(answers)
    text = _flat(_text(reader))
    assert assessment.band == "likely"
    assert assessment.band_label in text
    assert f"score {assessment.score} / 100" in text
    assert "14 March 2026" in text
    assert assessment.nerves, "the example should suspect at least one nerve"
    for nerve in assessment.nerves[:5]:
        assert nerve.name in text


def test_report_fits_on_one_or_two_pages_for_every_example() -> None:
    for example in load_examples():
        _, reader = _pdf(example.fresh_answers())
        assert 1 <= len(reader.pages) <= 2, example.id


def test_an_emergency_report_is_only_the_urgent_guidance() -> None:
    answers = get_example("saddle-numbness").fresh_answers()
    assessment = assess(answers)
    assert assessment.urgency == "emergency"
    text = _flat(_text(_pdf(answers)[1]))
    assert text.index("EMERGENCY: what to do now") < text.index(assessment.red_flags[0].action)
    assert assessment.band_label not in text and "The six signs" not in text
    for flag in assessment.red_flags:
        assert flag.title in text


def test_a_professional_alert_leads_and_the_band_follows() -> None:
    answers = _likely().model_copy(update={"red_flags": ["new_pain_over_50"], "mimics": []})
    assessment = assess(answers)
    assert assessment.urgency == "professional" and not assessment.urgent_only
    text = _flat(_text(_pdf(answers)[1]))
    assert text.index("CHECK FIRST: read this first") < text.index(assessment.band_label) < text.index("The six signs")


def test_no_urgent_box_when_nothing_is_urgent() -> None:
    text = _text(_pdf(_likely())[1])
    assert "read this first" not in text


def _signed(points: float) -> str:
    """Points as the report prints them: a plus sign, or a true minus sign."""
    text = f"{round(points, 1):g}"
    return f"+{text}" if points > 0 else text.replace("-", "−")


@pytest.mark.parametrize("example_id", ["race-belt-thigh", "achilles-tendinopathy"])
def test_six_signs_table_lists_each_sign_with_its_points_of_the_maximum(example_id: str) -> None:
    answers = get_example(example_id).fresh_answers()
    assessment = assess(answers)
    text = _flat(_text(_pdf(answers)[1]))
    for sign in assessment.signs:
        assert sign.title in text
        if sign.answered:
            assert f"{_signed(sign.points)} of {sign.max_points:g}" in text


def test_signs_that_count_against_a_nerve_print_negative_points() -> None:
    """The Achilles case: every answered sign but the scans points away from a nerve."""
    answers = get_example("achilles-tendinopathy").fresh_answers()
    assessment = assess(answers)
    against = [s for s in assessment.signs if s.points < 0]
    assert len(against) >= 4
    text = _flat(_text(_pdf(answers)[1]))
    for sign in against:
        assert f"−{abs(sign.points):g} of {sign.max_points:g}" in text


def test_each_finding_of_a_sign_prints_its_reason_with_its_own_points() -> None:
    answers = get_example("achilles-tendinopathy").fresh_answers()
    assessment = assess(answers)
    findings = [f for f in assessment.findings if f.sign is not None]
    assert any(f.points < 0 for f in findings) and any(f.points > 0 for f in findings)
    text = _flat(_text(_pdf(answers)[1]))
    for finding in findings:
        assert f"{_flat(finding.reason)} [{_signed(finding.points)}]" in text


@pytest.mark.parametrize("example_id", ["deep-buttock-sitting", "bilateral-shin-soreness"])
def test_modifiers_and_counter_evidence_are_listed_with_their_likelihood_ratios(example_id: str) -> None:
    answers = get_example(example_id).fresh_answers()
    assessment = assess(answers)
    items = [*assessment.modifiers, *assessment.counter_evidence]
    assert items
    text = _flat(_text(_pdf(answers)[1]))
    lrs = {f.id: f.lr for f in assessment.findings}
    for item in items:
        assert item.label in text
        assert f"{_signed(item.points)} (LR {lrs[item.id]:.2g})" in text
    for item in assessment.counter_evidence:
        assert f"against: {item.label}" in text


def test_an_empty_form_reports_not_enough_answers_without_a_score_or_advice() -> None:
    from nervetriage.content import load_content
    from nervetriage.ui_text import load_ui_text

    assessment = assess(Answers())
    assert assessment.band == "not_enough" and assessment.deciding
    text = _flat(_text(_pdf(Answers())[1]))
    assert assessment.band_label in text
    assert not re.search(r"score \d+ / 100", text), "no score before there is a verdict"
    assert "0 % answered" in text
    assert "The questions that would decide it:" in text
    nav = load_ui_text().nav
    for question in assessment.deciding:  # each with the step that asks it
        assert f"{_flat(question.label)} – {nav[question.page]}" in text
    assert f"The safety questions – {nav['safety']}" in text
    assert "Answer the questions that decide it" in text
    for advice in load_content().advice.advice:
        assert advice.title not in text


def test_not_enough_next_steps_give_no_self_care_advice() -> None:
    steps = next_steps(assess(Answers()))
    assert [title for title, _ in steps] == ["Answer the questions that decide it"]
    urgent = next_steps(assess(Answers.model_validate({"clues": {"calf_swollen": True}})))
    assert [title for title, _ in urgent] == ["Safety first"], "beside an urgent alert, only getting care"


def test_a_verdict_prints_how_much_of_the_evidence_was_answered() -> None:
    answers = _likely()
    assessment = assess(answers)
    text = _flat(_text(_pdf(answers)[1]))
    assert f"Based on {round(100 * assessment.coverage)} % of the questions that matter" in text
    if assessment.deciding:
        assert "Still open, and could change it:" in text


def test_an_inferred_alert_prints_with_the_answers_that_raised_it() -> None:
    answers = Answers.model_validate({"clues": {"calf_swollen": True, "clot_risk": True}})
    assessment = assess(answers)
    [flag] = [f for f in assessment.red_flags if f.kind == "inferred"]
    text = _flat(_text(_pdf(answers)[1]))
    reason_at = text.index(f"raised from the answers: {_flat(flag.reason)}")
    assert text.index("URGENT: what to do now") < text.index(flag.title) < reason_at
    assert assessment.urgent_only and assessment.band_label not in text


def test_ticked_alerts_print_no_inferred_reason() -> None:
    text = _flat(_text(_pdf(get_example("saddle-numbness").fresh_answers())[1]))
    assert "raised from the answers" not in text


def test_unicode_text_prints_as_typed() -> None:
    answers = _likely().model_copy(update={"note": "Café run – then sitting → tingling, naïve résumé"})
    text = _text(_pdf(answers)[1])
    for char in ("–", "→", "é", "ï"):
        assert char in text
    assert "Café run – then sitting → tingling" in _flat(text)


def test_example_origin_is_noted() -> None:
    example = get_example("ultra-fall-top-of-foot")
    text = _flat(_text(_pdf(example.fresh_answers())[1]))
    assert f"Example case: {example.title}" in text


def test_clinic_origin_is_noted() -> None:
    answers = _likely().model_copy(update={"origin": Origin(clinic="Peak Physio Clinic", clinic_note="Hello")})
    assert "Link prepared by: Peak Physio Clinic" in _flat(_text(_pdf(answers)[1]))


def test_next_steps_put_safety_first_when_urgent() -> None:
    answers = get_example("calf-clot-mimic").fresh_answers()
    steps = next_steps(assess(answers))
    assert steps[0][0] == "Safety first"
    assert "Safety first" not in [title for title, _ in next_steps(assess(_likely()))]


def test_disclaimer_is_printed() -> None:
    assert "not a diagnosis or a medical device" in _flat(_text(_pdf(_likely())[1]))


def test_body_map_is_drawn_with_its_views_and_legend() -> None:
    text = _flat(_text(_pdf(_likely())[1]))
    assert "Where it hurts and the nerves that fit" in text
    for label in ("Front", "Back", "Where it hurts (darker = stronger)", "Spine, where the nerves start"):
        assert label in text


def test_body_map_draws_more_when_there_are_painful_regions() -> None:
    """Shaded regions and nerve courses are vector paths: the page carries more of them."""
    empty_page = PdfReader(io.BytesIO(build_report(Answers(), assess(Answers()), today=TODAY))).pages
    full_page = _pdf(_likely())[1].pages

    def paths(pages) -> int:  # type: ignore[no-untyped-def]
        return sum(page.get_contents().get_data().count(b" re") + page.get_contents().get_data().count(b" l\n") for page in pages)

    assert paths(full_page) > paths(empty_page)


def _journal(weeks: int) -> list[JournalEntry]:
    return [
        JournalEntry(date=dt.date(2026, 1, 5) + dt.timedelta(weeks=i), flare_ups=8 - i // 2, worst=8 - i // 3,
                     typical=max(0, 5 - i // 3), duration_minutes=60, running_minutes=20 + 10 * i,
                     note="Easy 5 km, flared after sitting at work" if i % 2 else "")
        for i in range(weeks)
    ]


def test_even_an_urgent_case_with_a_long_journal_fits_on_two_pages() -> None:
    for example in load_examples():
        answers = example.fresh_answers().model_copy(update={"journal": _journal(12)})
        _, reader = _pdf(answers)
        assert len(reader.pages) <= 2, example.id


def test_journal_section_appears_only_with_entries() -> None:
    plain = _likely()
    assert "Recovery journal" not in _text(_pdf(plain)[1])
    entries = [
        JournalEntry(date=dt.date(2026, 2, 1) + dt.timedelta(weeks=i), flare_ups=6 - i, worst=8 - i, typical=5 - i,
                     duration_minutes=60, running_minutes=30 + 10 * i, note=f"week {i + 1}")
        for i in range(4)
    ]
    text = _flat(_text(_pdf(plain.model_copy(update={"journal": entries}))[1]))
    assert "Recovery journal" in text
    assert "week 4" in text


def test_report_is_deterministic_for_a_given_day() -> None:
    answers = _likely()
    assert build_report(answers, assess(answers), today=TODAY) == build_report(answers, assess(answers), today=TODAY)


@settings(max_examples=15)
@given(answers(max_journal=3))
def test_any_valid_answers_make_a_readable_pdf(value: Answers) -> None:
    data, reader = _pdf(value)
    assert data.startswith(b"%PDF")
    assessment = assess(value)
    # an urgent report is only the urgent guidance; any other names the band
    assert (assessment.band_label in _flat(_text(reader))) is not assessment.urgent_only


# too few answers for a verdict, and a professional-level alert inferred from them (an urgent
# one would make the report the urgent guidance only: tests/test_urgent_report.py)
NOT_ENOUGH_WITH_AN_ALERT = {
    "sign3": {"grows_run_by_run": True},
    "sign4": {"hop_pain": True},
    "regions": [{"region": "front_of_shin", "side": "left", "intensity": 5}],
}


@pytest.mark.parametrize(
    ("name", "answers_of"),
    [
        ("report-page1", lambda: get_example("ultra-fall-top-of-foot").fresh_answers()),
        ("report-not-enough-page1", lambda: Answers.model_validate(NOT_ENOUGH_WITH_AN_ALERT)),
    ],
)
def test_first_page_renders_to_an_image_artifact(tmp_path: Path, name: str, answers_of) -> None:  # type: ignore[no-untyped-def]
    assert shutil.which("pdftoppm"), "pdftoppm (poppler-utils) is needed to render the report"
    source = tmp_path / "report.pdf"
    source.write_bytes(_pdf(answers_of())[0])
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", str(source), str(ARTIFACTS / name)],
                   check=True, timeout=60)
    image = ARTIFACTS / f"{name}.png"
    assert image.stat().st_size > 20_000


def test_cli_report_writes_a_pdf(tmp_path: Path) -> None:
    source = tmp_path / "answers.json"
    source.write_text(_likely().model_dump_json(), encoding="utf-8")
    out = tmp_path / "out.pdf"
    result = subprocess.run([sys.executable, "-m", "nervetriage", "report", str(source), "-o", str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert assess(_likely()).band_label in _flat(_text(PdfReader(out)))


def test_cli_report_refuses_bad_answers_with_exit_2(tmp_path: Path) -> None:
    source = tmp_path / "bad.json"
    source.write_text('{"regions": [{"region": "elbow", "side": "left"}]}', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "nervetriage", "report", str(source), "-o", str(tmp_path / "x.pdf")],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "regions.0.region" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("example_id", ["saddle-numbness", "race-belt-thigh"])
def test_report_bytes_are_a_pdf(example_id: str) -> None:
    assert _pdf(get_example(example_id).fresh_answers())[0][:5] == b"%PDF-"


def test_the_heaviest_answers_still_make_a_report_with_safety_first() -> None:
    """Every red flag, every region on both sides, the longest note: still a readable PDF."""
    from nervetriage.content import load_content

    content = load_content()
    answers = Answers.model_validate(
        {
            "red_flags": [f.id for f in content.red_flags.flags],
            "mimics": [m.id for m in content.red_flags.mimics],
            "sign5": {"night": True},
            "regions": [{"region": r, "side": "both", "intensity": 8} for r in sorted(content.region_ids)],
            "note": "x " * 250,
        }
    )
    assessment = assess(answers)
    text = _flat(_text(_pdf(answers)[1]))
    assert text.index("EMERGENCY: what to do now") < text.index("What to tell the clinician")
    assert assessment.band_label not in text
    for flag in assessment.red_flags:
        assert flag.title in text
