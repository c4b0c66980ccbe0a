"""Properties that hold for every valid set of answers, checked with hypothesis."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st
from strategies import answers as answers_strategy

from nervetriage.content import load_content
from nervetriage.models import URGENCY_ORDER, Answers, Assessment, Site
from nervetriage.scoring import NEURAL_QUALITIES, assess, get_path, is_answered, reads

CONTENT = load_content()
ANSWERS = answers_strategy(max_journal=0)
QUESTION_FIELDS = {path for f in CONTENT.evidence.findings for path in reads(f)}


def _unanswer(answers: Answers, path: str) -> Answers:
    data = answers.model_dump()
    part, _, sub = path.partition(".")
    if not sub:
        data[part] = [] if part in ("regions", "sites") else None
    elif part in data and isinstance(data[part], dict):
        data[part] = {**data[part], sub: {} if sub == "treatments" else None}
    return Answers.model_validate(data)


def raw(assessment: Assessment) -> float:
    return (
        sum(s.points for s in assessment.signs)
        + sum(m.points for m in assessment.modifiers)
        + sum(c.points for c in assessment.counter_evidence)
    )


# Each function adds one nerve-like feature to a copy of the answers.
def _update(answers: Answers, **fields: object) -> Answers:
    data = answers.model_dump()
    for dotted, value in fields.items():
        part, _, sub = dotted.partition("__")
        if sub:
            data[part] = {**(data[part] or {}), sub: value}
        else:
            data[part] = value
    return Answers.model_validate(data)


def _add_quality(quality: str) -> Callable[[Answers], Answers]:
    return lambda a: _update(a, sign2__qualities=[*(a.sign2.qualities or []), quality])


def _raise_rest_intensity(a: Answers) -> Answers:
    return _update(a, sign5__rest_intensity=min(10, (a.sign5.rest_intensity or 0) + 3))


def _raise_variability(a: Answers) -> Answers:
    return _update(a, sign3__variability=min(10, (a.sign3.variability or 0) + 3))


def _treatment_failed(treatment: str, outcome: str) -> Callable[[Answers], Answers]:
    def change(a: Answers) -> Answers:
        treatments = {str(k): str(v) for k, v in a.sign1.treatments.items()}
        treatments[treatment] = outcome
        return _update(a, sign1__treatments=treatments)

    return change


def _add_site(site: Site) -> Callable[[Answers], Answers]:
    def add(a: Answers) -> Answers:
        others = [s.model_dump() for s in a.sites if s.site != site]
        return _update(a, sites=[*others, {"site": site, "stiffness": True, "pain": True}])

    return add


NEURAL_ADDITIONS: dict[str, Callable[[Answers], Answers]] = {
    **{f"quality {q}": _add_quality(q) for q in sorted(NEURAL_QUALITIES)},
    "pain sitting": lambda a: _update(a, sign5__sitting=True),
    "pain lying": lambda a: _update(a, sign5__lying=True),
    "pain at night": lambda a: _update(a, sign5__night=True),
    "stronger rest pain": _raise_rest_intensity,
    "neck changes legs": lambda a: _update(a, neck_changes_legs="yes"),
    "slump positive": lambda a: _update(
        a, slump={"done": True, "familiar_symptom": True, "changes_with_neck": True, "differs_from_other_side": True}
    ),
    "returns when running": lambda a: _update(a, sign1__returns_when_running=True),
    "stretching did nothing": _treatment_failed("stretching", "no_change"),
    "massage made it worse": _treatment_failed("massage", "worse"),
    "more variable": _raise_variability,
    "same run differs": lambda a: _update(a, sign3__same_run_differs=True),
    "walk worse than run": lambda a: _update(a, sign3__walk_worse_than_hard_run=True),
    "moves around": lambda a: _update(a, sign3__moves_around=True),
    "cannot find the spot": lambda a: _update(a, sign4__self_press="cannot_find") if a.sign4.self_press != "found_spreads" else a,
    # not over a "found, and it spreads" answer: replacing that stronger sign is no addition
    "therapist cannot find it": lambda a: (
        _update(a, sign4__therapist_press="cannot_find") if a.sign4.therapist_press != "found_spreads" else a
    ),
    "scan shows a nerve pressed": lambda a: _update(a, sign6__imaging=["mri"], sign6__result="pressing_nerve"),
    "tapping sends tingling": lambda a: _update(a, sign4__tap_tingling=True),
    "belt brings it on": lambda a: _update(a, sign3__triggers=[*(a.sign3.triggers or []), "waistband_belt"]),
    "cough sends it down the leg": lambda a: _update(a, clues__cough_sneeze="yes"),
    "a patch with edges": lambda a: _update(a, sign2__outline_patch=True),
    "numb during runs": lambda a: _update(a, sign3__exertional_numb_or_slap=True),
    "stiff neck": _add_site("neck"),
    "stiff low back": _add_site("low_back"),
}


@given(ANSWERS, st.sampled_from(sorted(NEURAL_ADDITIONS)))
def test_adding_a_neural_sign_never_lowers_the_score(answers: Answers, addition: str) -> None:
    before = assess(answers)
    after = assess(NEURAL_ADDITIONS[addition](answers))
    assert raw(after) >= raw(before) - 1e-9
    assert after.score >= before.score


@given(ANSWERS)
def test_assess_never_raises_and_score_stays_in_range(answers: Answers) -> None:
    result = assess(answers)
    assert 0 <= result.score <= 100
    graded = sorted((b for b in CONTENT.scoring.bands if b.id != "not_enough"), key=lambda b: b.min_score)
    by_score = [b.id for b in graded if result.score >= b.min_score][-1]
    assert result.band in (by_score, "not_enough")
    if result.band == "not_enough":
        assert by_score != "likely" and result.score < CONTENT.evidence.coverage.leaning
    assert all(s.points <= s.max_points + 0.2 for s in result.signs)
    assert all(c.points < 0 for c in result.counter_evidence)
    assert all(m.points >= 0 for m in result.modifiers)
    assert 0 <= result.coverage <= 1


@given(ANSWERS)
def test_an_unanswered_question_adds_nothing(answers: Answers) -> None:
    """Every finding that counted reads an answered field: missing answers are never evidence."""
    result = assess(answers)
    findings = {f.id: f for f in CONTENT.evidence.findings}
    for applied in result.findings:
        finding = findings.get(applied.id)
        if finding is None:  # a group's "none of these" (e.g. no nerve-like word): its field was answered
            group = CONTENT.evidence.groups[applied.id.removesuffix("_absent")]
            assert group.absent_field and is_answered(get_path(answers, group.absent_field), group.absent_field)
            continue
        assert any(is_answered(get_path(answers, path), path) for path in reads(finding)), applied.id


@given(ANSWERS)
def test_too_few_answers_are_never_called_unlikely(answers: Answers) -> None:
    result = assess(answers)
    needed = CONTENT.evidence.coverage
    if result.coverage < needed.threshold:
        assert result.band != "unlikely"


@given(ANSWERS, st.sampled_from(sorted(QUESTION_FIELDS)))
def test_answering_a_question_moves_only_the_findings_that_read_it(answers: Answers, field: str) -> None:
    """Unanswering one question changes no finding that does not depend on it."""
    before = {f.id: f.points for f in assess(answers).findings}
    after = {f.id: f.points for f in assess(_unanswer(answers, field)).findings}
    findings = {f.id: f for f in CONTENT.evidence.findings}
    for fid in set(before) | set(after):
        if before.get(fid) == after.get(fid):
            continue
        finding = findings.get(fid)
        depends = reads(finding) if finding else (CONTENT.evidence.groups[fid.removesuffix("_absent")].absent_field,)
        group_mates = {f.group for f in CONTENT.evidence.findings if field in reads(f) and f.group}
        assert field in depends or (finding is not None and finding.group in group_mates), (fid, field)


@given(ANSWERS, st.sampled_from(sorted(f.id for f in CONTENT.red_flags.flags)))
def test_any_red_flag_sets_an_urgency_with_its_message(answers: Answers, flag: str) -> None:
    flagged = _update(answers, red_flags=[*(answers.red_flags or []), flag])
    result = assess(flagged)
    level = next(f.level for f in CONTENT.red_flags.flags if f.id == flag)
    assert result.urgency != "none"
    assert URGENCY_ORDER[result.urgency] >= URGENCY_ORDER[level]
    assert result.urgency_message == CONTENT.red_flags.urgency_messages[result.urgency]
    assert flag in {f.id for f in result.red_flags}


@given(ANSWERS, st.lists(st.sampled_from(sorted(f.id for f in CONTENT.red_flags.flags)), max_size=3))
def test_red_flags_set_urgency_but_leave_the_score_alone(answers: Answers, flags: list[str]) -> None:
    flagged = assess(_update(answers, red_flags=flags, mimics=[]))
    clear = assess(_update(answers, red_flags=[], mimics=[]))
    assert (flagged.score, flagged.band) == (clear.score, clear.band)


@given(ANSWERS)
def test_urgency_is_the_most_urgent_triggered_flag(answers: Answers) -> None:
    result = assess(answers)
    levels = [URGENCY_ORDER[f.level] for f in result.red_flags]
    assert URGENCY_ORDER[result.urgency] == max(levels, default=0)
    assert levels == sorted(levels, reverse=True)
    if not answers.red_flags and not answers.mimics:
        # nothing ticked: any alert was inferred from other answers, and says from which
        assert all(f.kind == "inferred" and f.reason for f in result.red_flags)


@given(ANSWERS)
def test_partial_answers_list_the_unanswered_signs(answers: Answers) -> None:
    result = assess(answers)
    answered = {s.number for s in result.signs if s.answered}
    assert result.unanswered == sorted({1, 2, 3, 4, 5, 6} - answered)
    assert (2 in result.unanswered) == (answers.sign2.qualities is None and answers.sign2.outline_patch is None)
    s5 = answers.sign5
    assert (5 in result.unanswered) == all(v is None for v in (s5.sitting, s5.lying, s5.night, s5.rest_intensity))
    assert result.partial == (bool(result.unanswered) or answers.red_flags is None or result.band == "not_enough")
    if result.unanswered:
        assert any("not answered" in c for c in result.caveats)


@given(ANSWERS)
def test_every_point_comes_with_a_reason(answers: Answers) -> None:
    result = assess(answers)
    for sign_result in result.signs:
        if sign_result.points > 0:
            assert sign_result.reasons
    for adjustment in [*result.modifiers, *result.counter_evidence]:
        assert adjustment.reason.strip()


@given(ANSWERS)
def test_suspected_nerves_come_from_the_chosen_regions(answers: Answers) -> None:
    result = assess(answers)
    chosen = {r.region for r in answers.regions}
    known = {n.id for n in CONTENT.nerves}
    for nerve in result.nerves:
        assert nerve.id in known
        assert set(nerve.regions) <= chosen
        assert nerve.reasons
    weights = [n.weight for n in result.nerves]
    assert weights == sorted(weights, reverse=True)
    assert bool(result.nerves) == bool(answers.regions)


@given(ANSWERS)
def test_answers_and_assessment_survive_a_json_round_trip(answers: Answers) -> None:
    again = Answers.model_validate_json(answers.model_dump_json())
    assert again == answers
    before = answers.model_copy(deep=True)
    result = assess(answers)
    assert answers == before, "assess must not change the answers it is given"
    assert Assessment.model_validate_json(result.model_dump_json()) == result
    assert assess(again) == result
