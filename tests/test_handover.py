"""The clinician's summary (nervetriage/handover.py): third person, every item, and "not answered" never "no"."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from hostile import HOSTILE_SAMPLES
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import answers as answers_strategy

from nervetriage.content import load_content
from nervetriage.examples import load_examples
from nervetriage.handover import (
    ClinicianSummary,
    clinician_summary,
    email_back,
    file_stem,
    load_clinician_content,
)
from nervetriage.mailto import mailto_link
from nervetriage.models import Answers, RegionPain, Slump
from nervetriage.scoring import assess
from nervetriage.share import answers_from_clinic_link, build_clinic_link, decode_link, token_from_text
from nervetriage.validation import load_cases

TODAY = dt.date(2026, 12, 2)
WORDS = load_clinician_content().words
SECOND_PERSON = re.compile(r"\b(you|your|yours|yourself)\b|\bI\b|\b(my|me)\b", re.IGNORECASE)
ALL_CASES = [(f"example:{e.id}", e.answers) for e in load_examples()] + [(f"case:{c.id}", c.answers) for c in load_cases()]


def summary_of(answers: Answers) -> ClinicianSummary:
    return clinician_summary(answers, assess(answers), TODAY)


def texts_of(summary: ClinicianSummary) -> list[str]:
    """Every sentence the clinician sees that the app wrote (the client's own note and name aside)."""
    out = [summary.title, summary.screen_note, summary.result, *summary.alerts, *summary.regions, *summary.nerves]
    out += [f.label for f in summary.findings]
    out += [part for row in summary.all_rows() for part in (row.label, row.value)]
    out += [block.title for block in summary.blocks]
    return out


@pytest.mark.parametrize(("name", "answers"), ALL_CASES, ids=[name for name, _ in ALL_CASES])
def test_every_case_is_summarised_in_the_third_person(name: str, answers: Answers) -> None:
    summary = summary_of(answers)
    spoken = [t for t in texts_of(summary) if SECOND_PERSON.search(t)]
    assert spoken == [], f"{name}: second-person wording for a clinician: {spoken}"
    # every block the issue asks for is there, with a row per configured field
    assert [b.id for b in summary.blocks] == ["history", "sensations", "rest", "palpation", "neural"]
    assert summary.red_flags.label == "Red-flag screen"


@settings(max_examples=60, deadline=None)
@given(answers_strategy(max_journal=3))
def test_not_answered_is_never_no_and_no_is_never_not_answered(answers: Answers) -> None:
    summary = summary_of(answers)
    for row in summary.all_rows():
        if row.status == "not_answered":
            assert row.value.startswith(("Not answered", "Not completed")), row
        else:
            assert "Not answered" not in row.value, row
        if row.status == "no":
            assert row.value != WORDS["not_answered"]


def test_an_empty_form_is_not_answered_everywhere_and_a_form_of_noes_is_no_everywhere() -> None:
    empty = summary_of(Answers())
    assert {row.status for row in empty.all_rows()} == {"not_answered"}
    noes = Answers.model_validate({
        "sign1": {"returns_when_running": False},
        "sign2": {"qualities": [], "outline_patch": False},
        "sign3": {"walk_worse_than_hard_run": False, "warms_up_pattern": False},
        "sign4": {"tap_tingling": False},
        "sign5": {"sitting": False, "lying": False, "night": False},
        "sign6": {"imaging": []},
        "neck_changes_legs": "no",
        "clues": {"cough_sneeze": "no"},
        "red_flags": [],
        "mimics": [],
    })
    rows = {row.label: row for row in summary_of(noes).all_rows()}
    for label in ("Pain sitting", "Pain at night", "Returns on resuming running", "Leg symptoms change with neck movement",
                  "Tinel-like tingling on tapping", "Outlinable patch of altered sensation"):
        assert (rows[label].value, rows[label].status) == ("No", "no"), label
    assert rows["Imaging"].value == "No imaging"
    assert rows["Descriptors"].value == "None of the listed descriptors"
    assert rows["Red-flag screen"].value.startswith("Completed, negative")
    assert rows["Intensity at rest (0-10)"].status == "not_answered"  # a slider nobody moved


@pytest.mark.parametrize(
    ("slump", "expected"),
    [
        (None, ["Not answered"] * 4),
        (Slump(done=False), ["No", "Not done", "Not done", "Not done"]),
        (Slump(done=True, familiar_symptom=True, changes_with_neck=False, differs_from_other_side=True),
         ["Yes", "Met", "Not met", "Met"]),
    ],
)
def test_slump_criteria_are_met_not_met_not_done_or_not_answered(slump: Slump | None, expected: list[str]) -> None:
    block = next(b for b in summary_of(Answers(slump=slump)).blocks if b.id == "neural")
    assert [row.value for row in block.rows if "lump" in row.label] == expected


def test_the_red_flag_screen_says_negative_positive_or_not_completed() -> None:
    flags = load_content().red_flags.flags
    assert summary_of(Answers()).red_flags.status == "not_answered"
    assert summary_of(Answers(red_flags=[], mimics=[])).red_flags.status == "no"
    positive = summary_of(Answers(red_flags=[flags[0].id])).red_flags
    assert positive.status == "yes" and flags[0].title in positive.value


def test_history_names_duration_onset_treatments_and_scans_by_type_and_result() -> None:
    answers = Answers.model_validate({
        "duration": "3_to_12_months", "onset": "after_sprain",
        "sign1": {"treatments": {"rest": "helped", "massage": "worse"}},
        "sign6": {"imaging": ["xray", "mri"], "result": "normal"},
    })
    rows = {row.label: row.value for row in next(b for b in summary_of(answers).blocks if b.id == "history").rows}
    assert rows["Duration"] == "3 to 12 months"
    assert rows["Onset"] == "After an ankle sprain or twist"
    assert rows["Treatments and outcomes"] == "Rest: helped; Massage or foam rolling: worse"
    assert rows["Imaging"] == "X-ray, MRI"
    assert rows["Imaging findings"] == "Normal"


def test_identity_and_the_date_sent() -> None:
    answers = Answers(client="J.D.", dated=dt.date(2026, 11, 30))
    summary = summary_of(answers)
    assert (summary.client_shown, summary.made_on, summary.dated) == ("J.D.", dt.date(2026, 11, 30), True)
    older = summary_of(Answers())
    assert (older.client_shown, older.made_on, older.dated) == ("Not given", TODAY, False)


def test_clinic_marks_arrive_unrated_and_are_said_to_be_the_clinics() -> None:
    link = build_clinic_link("Riverside", "Hi", "http://localhost:8501/", [RegionPain(region="heel", side="left", intensity=8)],
                             "desk@riverside.example")
    clinic = decode_link(token_from_text(link)[1])
    opened = answers_from_clinic_link(Answers(), clinic)
    assert [(r.intensity, r.from_clinic) for r in opened.regions] == [(None, True)]
    assert opened.origin is not None and opened.origin.contact == "desk@riverside.example"
    summary = summary_of(opened)
    assert summary.clinic_marked == summary.regions
    assert summary.regions[0].endswith("not rated, marked by the clinic")
    rated = summary_of(opened.model_copy(update={"regions": [opened.regions[0].model_copy(update={"intensity": 6})]}))
    assert rated.regions[0].endswith("6/10, marked by the clinic")


@pytest.mark.parametrize("hostile", HOSTILE_SAMPLES[:40])
def test_the_email_back_cannot_gain_a_header_from_any_text(hostile: str) -> None:
    answers = Answers.model_validate({"client": hostile[:40], "origin": {"clinic": hostile[:80], "contact": "desk@clinic.example"},
                                      "note": hostile[:500]})
    email = email_back(answers, assess(answers), "http://localhost:8501/results?a=1.abc")
    url = mailto_link("desk@clinic.example", email.subject, email.body)
    parts = urlsplit(url)
    assert parts.scheme == "mailto" and unquote(parts.path) == "desk@clinic.example"
    assert set(parse_qs(parts.query, keep_blank_values=True)) <= {"subject", "body"}
    assert "\r" not in url and "\n" not in url and " " not in url


def test_the_email_back_has_three_summary_lines_and_the_link() -> None:
    example = load_examples()[0].answers.model_copy(update={"client": "Sam"})
    email = email_back(example, assess(example), "http://x/results?a=1.abc")
    assert email.subject == "NerveTriage results: Sam"
    lines = email.body.splitlines()
    assert [line.split(":")[0] for line in lines if line.startswith(("Result", "Red-flag", "Areas"))] == [
        "Result", "Red-flag screen", "Areas"]
    assert lines[-1] == "Open them here: http://x/results?a=1.abc"


STEM = re.compile(r"^nervetriage-[a-z]+(-[A-Za-z0-9]+(-[A-Za-z0-9]+)*)?-\d{4}-\d{2}-\d{2}$")


@given(st.text(max_size=60))
def test_file_names_keep_only_ascii_letters_digits_and_hyphens(client: str) -> None:
    stem = file_stem("clinician", client, TODAY)
    assert STEM.fullmatch(stem), stem
    assert len(stem) <= len("nervetriage-clinician--2026-12-02") + 24


def test_file_names_fold_accents_and_drop_separators() -> None:
    assert file_stem("report", "Zoë O'Brien", TODAY) == "nervetriage-report-Zoe-O-Brien-2026-12-02"
    assert file_stem("report", "../../etc/passwd", TODAY) == "nervetriage-report-etc-passwd-2026-12-02"
    assert file_stem("answers", "", TODAY) == "nervetriage-answers-2026-12-02"
    assert file_stem("answers", "王小明", TODAY) == "nervetriage-answers-2026-12-02"


def test_every_alert_level_and_time_frame_in_the_content_has_clinical_words() -> None:
    words = load_clinician_content()
    content = load_content()
    items = [*content.red_flags.flags, *content.red_flags.mimics]
    timeframes = {getattr(item, "timeframe", "") for item in items} - {""}
    assert timeframes, "the red-flag content names no time frames"
    assert timeframes <= set(words.timeframes), sorted(timeframes - set(words.timeframes))
    assert {"emergency", "urgent", "professional"} <= set(words.levels)


def test_a_link_too_long_for_an_email_is_never_cut_short_in_it() -> None:
    from nervetriage.mailto import body_fits

    example = load_examples()[0].answers
    long_link = "http://x/results?a=1." + "A" * 3000
    email = email_back(example, assess(example), long_link)
    assert long_link not in email.body and "A" * 50 not in email.body
    assert body_fits(email.body)
    assert email.body.splitlines()[-1] == load_clinician_content().email.link_too_long
