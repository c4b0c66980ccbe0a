"""The screen against the project's own cited cases (tests/data/validation/)."""

from __future__ import annotations

import pytest

from nervetriage.content import load_content
from nervetriage.validation import DOC, check_case, known_misses, load_cases, render_doc, summarise

CASES = load_cases()
MISSES = known_misses()


def _param(case_id: str) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=MISSES[case_id])] if case_id in MISSES else []
    return pytest.param(case_id, marks=marks, id=case_id)


BY_ID = {c.id: c for c in CASES}


@pytest.mark.parametrize("case_id", [_param(c.id) for c in CASES])
def test_each_cited_case_gets_the_result_its_source_calls_for(case_id: str) -> None:
    check = check_case(BY_ID[case_id])
    a = check.assessment
    assert check.band_ok, f"band {a.band} (score {a.score}), expected {check.case.expected.bands}"
    assert check.nerve_ok, f"expected {check.case.expected.nerve} in the top 3, got {[n.id for n in a.nerves[:3]]}"
    assert check.urgency_ok, f"urgency {a.urgency}, expected at least {check.case.expected.urgency}"
    assert check.alert_ok, f"expected alert {check.case.expected.alert}, got {[f.id for f in a.red_flags]}"


def test_the_set_covers_every_nerve_radiculopathy_and_a_dozen_mimics() -> None:
    nerves = {n.id for n in load_content().nerves}
    expected = {c.expected.nerve for c in CASES if c.nerve_case}
    assert nerves <= expected
    assert sum(c.nerve_case and "lumbar" in c.id for c in CASES) >= 2
    assert sum(not c.nerve_case for c in CASES) >= 12
    assert len(CASES) >= 30
    assert all(c.citation and c.facts for c in CASES)


def test_the_totals_meet_the_yardsticks_of_the_validated_screeners() -> None:
    s = summarise([check_case(c) for c in CASES])
    assert s.sensitivity >= 0.85
    assert s.nerve_top3 >= 0.80
    assert s.specificity >= 0.90
    assert s.flag_recall == 1.0


def test_known_misses_name_real_cases() -> None:
    assert set(MISSES) <= set(BY_ID)


def test_the_validation_doc_is_up_to_date() -> None:
    checks = [check_case(c) for c in CASES]
    assert DOC.read_text(encoding="utf-8") == render_doc(checks), "docs/validation.md is stale: run python -m nervetriage.validation"
