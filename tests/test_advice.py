"""Next steps and caveats fit the result and the answers: none contradicts what the person said."""

from __future__ import annotations

import re

import pytest

from nervetriage.content import load_content
from nervetriage.examples import load_examples
from nervetriage.models import Answers, Assessment
from nervetriage.scoring import Reader, assess, evaluate
from nervetriage.validation import load_cases

CONTENT = load_content()
CAVEATS = {c.id: c.text for c in CONTENT.scoring.caveats}
AVOID = {c.text: c for c in CONTENT.advice.avoid_while_sensitive}
STORIES: list[tuple[str, Answers]] = [(e.id, e.fresh_answers()) for e in load_examples()]
STORIES += [(c.id, c.answers) for c in load_cases()]
TIME_WORDS = re.compile(r"\b(now|today|tomorrow|hours?|days?|weeks?|soon)\b", re.IGNORECASE)


def _contradictions(answers: Answers, a: Assessment) -> list[str]:
    """Every way a caveat or next step could disagree with the answers, spelled out."""
    problems = []
    s6 = answers.sign6
    if CAVEATS["normal_mri"] in a.caveats and not (s6.imaging and "mri" in s6.imaging and s6.result == "normal"):
        problems.append("MRI caveat without a normal MRI")
    if CAVEATS["moving_pain"] in a.caveats and answers.sign3.moves_around is not True:
        problems.append("moving-pain caveat without pain that moves")
    if any("surgery" in line for line in a.avoid) and s6.result != "mild_wear":
        problems.append("surgery warning without mild wear on a scan")
    if any("sitting" in line.lower() for line in a.avoid) and answers.sign5.sitting is not True:
        problems.append("sitting warning without pain sitting")
    if a.urgent_only and (a.next_steps or a.avoid):
        problems.append("self-care beside an urgent result")
    if a.band == "not_enough" and (a.next_steps or a.avoid):
        problems.append("self-care without a verdict")
    if any(step.id == "soft_tissue" for step in a.next_steps) and a.red_flags:
        problems.append("load-and-recover plan beside an alert")
    if any(step.id in ("patience", "whole_length") for step in a.next_steps) and a.band == "unlikely":
        problems.append("nerve advice when a nerve looks unlikely")
    if answers.red_flags is not None and any("safety questions first" in c for c in a.caveats):
        problems.append("asks for the safety questions after they were answered")
    return problems


@pytest.mark.parametrize(("story", "answers"), STORIES, ids=[s for s, _ in STORIES])
def test_no_caveat_or_next_step_contradicts_an_answer(story: str, answers: Answers) -> None:
    a = assess(answers)
    assert _contradictions(answers, a) == []
    reader = Reader(answers, CONTENT)
    for step in a.next_steps:  # every condition a step declares holds for these answers
        advice = next(x for x in CONTENT.advice.advice if x.id == step.id)
        assert all(evaluate(c, reader) for c in advice.when.requires)
    for line in a.avoid:
        assert all(evaluate(c, reader) for c in AVOID[line].when.requires)


def test_the_mri_caveat_needs_a_normal_mri_not_an_x_ray() -> None:
    base = {"sign2": {"qualities": ["tingling"]}, "sign5": {"sitting": True}, "sign3": {"variability": 7}}
    xray = assess(Answers.model_validate({**base, "sign6": {"imaging": ["xray"], "result": "normal"}}))
    mri = assess(Answers.model_validate({**base, "sign6": {"imaging": ["mri"], "result": "normal"}}))
    assert CAVEATS["normal_mri"] not in xray.caveats and CAVEATS["normal_mri"] in mri.caveats


def test_an_urgent_answer_leaves_no_self_care_and_says_what_to_tell_the_clinician() -> None:
    a = assess(Answers.model_validate({"regions": [{"region": "calf", "side": "left"}], "red_flags": ["saddle_numbness"]}))
    assert a.urgent_only and a.next_steps == [] and a.avoid == []
    assert a.handover[0].startswith("What I noticed: Numbness in the saddle area")
    assert any("calf (left)" in line for line in a.handover)


def test_a_professional_alert_keeps_the_result_but_drops_the_load_and_recover_plan() -> None:
    answers = Answers.model_validate(
        {
            "regions": [{"region": "inner_shin", "side": "left"}],
            "sign2": {"qualities": ["dull_ache"]},
            "sign3": {"warms_up_pattern": True, "grows_run_by_run": True},
            "sign4": {"self_press": "found_reproduces", "bone_tender": True, "hop_pain": True},
            "sign5": {"sitting": False, "lying": False, "night": False},
            "red_flags": [],
        }
    )
    a = assess(answers)
    assert a.band == "unlikely" and not a.urgent_only and a.urgency == "professional"
    assert "soft_tissue" not in {s.id for s in a.next_steps}


def test_each_alert_gives_one_time_frame_and_the_urgency_messages_none() -> None:
    for item in [*CONTENT.red_flags.flags, *CONTENT.red_flags.mimics]:
        assert item.timeframe.lower() in item.action.lower()
        others = {m.group(0).lower() for m in TIME_WORDS.finditer(item.action.lower().replace(item.timeframe.lower(), ""))}
        assert not others - {"at once"}, (item.id, others)
    for level, message in CONTENT.red_flags.urgency_messages.items():
        assert not TIME_WORDS.search(message), level


def test_emergency_numbers_default_to_112() -> None:
    numbers = {n.id: n.number for n in CONTENT.emergency.numbers}
    assert numbers[CONTENT.emergency.default] == "112"
    assert {"999", "911"} <= set(numbers.values())
