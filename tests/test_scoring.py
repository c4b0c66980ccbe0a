"""Each finding moves the odds the way the evidence says, and missing answers never count against."""

from __future__ import annotations

import math
from typing import Any

import pytest

from nervetriage.content import load_content
from nervetriage.models import Answers, Assessment, RegionPain
from nervetriage.scoring import assess, evaluate, fits_one_nerve, is_bilateral, rank_nerves, screen_safety

CONTENT = load_content()
FINDINGS = {f.id: f for f in CONTENT.evidence.findings}

# A one-sided, one-region runner who has answered nothing else: the neutral starting point.
BASE: dict[str, Any] = {"regions": [{"region": "calf", "side": "right", "intensity": 5}]}


def run(**changes: Any) -> Assessment:
    """Assess BASE with some top-level fields replaced."""
    return assess(Answers.model_validate({**BASE, **changes}))


def raw(assessment: Assessment) -> float:
    """The evidence in points (10 x ln LR), unrounded by the score's 0-100 scale."""
    return sum(f.points for f in assessment.findings)


def sign(assessment: Assessment, number: int) -> float:
    return next(s.points for s in assessment.signs if s.number == number)


def found(assessment: Assessment) -> dict[str, float]:
    return {f.id: f.points for f in assessment.findings}


def points_of(finding_id: str) -> float:
    return round(10 * math.log(FINDINGS[finding_id].lr_present), 1)


# --------------------------------------------------------------------- the model itself


def test_an_empty_form_is_not_enough_answers_never_unlikely() -> None:
    a = assess(Answers())
    assert a.band == "not_enough"
    assert a.findings == [] and a.coverage == 0
    assert a.score == round(100 * CONTENT.evidence.prior.probability)
    assert a.deciding and all(q.page and q.label for q in a.deciding)
    assert a.partial and a.unanswered == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    "one_answer",
    [
        {"sign2": {"qualities": ["dull_ache"]}},
        {"sign3": {"warms_up_pattern": True}},
        {"sign4": {"self_press": "found_reproduces"}},
        {"sign5": {"sitting": False}},
        {"sign6": {"imaging": ["mri"], "result": "clear_injury"}},
        {"regions": [{"region": "heel", "side": "left"}]},
    ],
)
def test_one_answer_against_a_nerve_is_still_not_enough_for_a_verdict(one_answer: dict[str, Any]) -> None:
    assert assess(Answers.model_validate(one_answer)).band == "not_enough"


def test_the_score_is_the_prior_moved_by_each_findings_likelihood_ratio() -> None:
    a = run(sign2={"qualities": ["tingling"]}, sign5={"sitting": True})
    prior = CONTENT.evidence.prior.probability
    log_odds = math.log(prior / (1 - prior)) + math.log(FINDINGS["tingling"].lr_present) + math.log(FINDINGS["rest_sitting"].lr_present)
    assert a.log_odds == pytest.approx(log_odds, abs=1e-3)
    assert a.score == round(100 / (1 + math.exp(-log_odds)))
    assert found(a) == {"tingling": points_of("tingling"), "rest_sitting": points_of("rest_sitting")}


def test_likelihood_ratios_come_from_sensitivity_and_specificity_when_a_study_gives_them() -> None:
    finding = FINDINGS["tingling"].model_copy(update={"lr": None, "sens": 0.7, "spec": 0.8})
    assert finding.lr_present == pytest.approx(0.7 / 0.2)
    assert finding.lr_absent == pytest.approx(0.3 / 0.8)


def test_every_finding_names_its_source_and_how_well_it_is_known() -> None:
    sources = {s.id for s in CONTENT.sources}
    for finding in CONTENT.evidence.findings:
        assert finding.evidence in ("measured", "derived", "expert")
        assert all(part.strip() in sources for part in finding.source.split(","))


def test_correlated_sensations_do_not_count_in_full_twice() -> None:
    one = run(sign2={"qualities": ["tingling"]})
    three = run(sign2={"qualities": ["tingling", "pins_and_needles", "numbness"]})
    assert raw(three) > raw(one)
    share = CONTENT.evidence.group_share
    assert raw(three) == pytest.approx(points_of("tingling") + share * (points_of("pins_and_needles") + points_of("numbness")), abs=0.2)


def test_coverage_grows_with_answers_and_names_what_would_decide_it() -> None:
    little = run()
    more = run(sign2={"qualities": ["tingling"]}, sign5={"sitting": True, "lying": False, "night": False})
    assert 0 < little.coverage < more.coverage <= 1
    assert "sign2.qualities" in {q.field for q in little.deciding}
    assert "sign2.qualities" not in {q.field for q in more.deciding}


def test_a_form_leaning_towards_a_nerve_gets_a_verdict_even_with_few_answers() -> None:
    a = assess(Answers.model_validate({"sign2": {"qualities": ["tingling", "numbness"]}}))
    assert a.band in ("possible", "likely")


def test_enough_answers_against_a_nerve_make_it_unlikely() -> None:
    a = run(
        sign2={"qualities": ["dull_ache", "tightness"]},
        sign3={"warms_up_pattern": True},
        sign4={"self_press": "found_reproduces"},
        sign5={"sitting": False, "lying": False, "night": False, "rest_intensity": 0},
    )
    assert a.band == "unlikely"


# --------------------------------------------------------------------- the six signs


@pytest.mark.parametrize("quality", ["pins_and_needles", "tingling", "numbness"])
def test_pins_and_needles_raise_score(quality: str) -> None:
    assert sign(run(sign2={"qualities": [quality]}), 2) > 0


def test_ache_alone_counts_against_when_no_nerve_like_word_is_picked() -> None:
    a = run(sign2={"qualities": ["dull_ache"]})
    assert "paraesthesia_absent" in found(a) and sign(a, 2) < 0
    assert sign(run(sign2={"qualities": ["tingling"]}), 2) > 0


def test_pain_at_rest_raises_likelihood() -> None:
    quiet = run(sign5={"sitting": False, "lying": False, "night": False, "rest_intensity": 0})
    resting = run(sign5={"sitting": True, "lying": True, "night": False, "rest_intensity": 5})
    assert raw(resting) > raw(quiet)
    assert sign(resting, 5) > 0 > sign(quiet, 5)
    assert any("sitting" in r.lower() for r in resting.signs[4].reasons)


def test_night_pain_counts_and_is_sent_to_the_safety_screen() -> None:
    a = run(sign5={"night": True})
    assert "rest_night" in found(a)
    assert any("night" in c.lower() and "safety" in c.lower() for c in a.caveats)


def test_ordinary_care_failing_or_hurting_raises_and_helping_lowers() -> None:
    failed = run(sign1={"treatments": {"stretching": "no_change", "ice": "no_change"}})
    worse = run(sign1={"treatments": {"massage": "worse"}})
    helped = run(sign1={"treatments": {"strengthening": "helped"}})
    assert sign(failed, 1) == pytest.approx(2 * points_of("care_failed"), abs=0.2)
    assert sign(worse, 1) > 0 and sign(helped, 1) < 0


def test_rest_helping_is_not_counter_evidence_when_the_pain_returns() -> None:
    a = run(sign1={"treatments": {"rest": "helped"}, "returns_when_running": True})
    assert "care_helped" not in found(a) and sign(a, 1) > 0


def test_short_relief_then_back_counts_towards_a_nerve() -> None:
    assert "short_relief" in found(run(sign1={"treatments": {"injection": "short_relief", "physio_manual": "short_relief"}}))


def test_the_warm_up_pattern_counts_against() -> None:
    assert sign(run(sign3={"warms_up_pattern": True}), 3) < 0


def test_a_spot_nobody_can_find_raises() -> None:
    assert sign(run(sign4={"self_press": "cannot_find", "therapist_press": "cannot_find"}), 4) > sign(
        run(sign4={"self_press": "cannot_find"}), 4
    ) > 0


def test_a_tender_spot_counts_against_a_plain_ache() -> None:
    assert "tender_spot" in found(run(sign4={"self_press": "found_reproduces"}, sign2={"qualities": ["dull_ache"]}))


@pytest.mark.parametrize(
    "changes",
    [
        {"sign2": {"qualities": ["burning"]}},
        {"sign4": {"self_press": "found_reproduces", "tap_tingling": True}},
        {"regions": [{"region": "iliac_crest", "side": "right"}]},
        {"regions": [{"region": "inner_ankle", "side": "left"}]},
    ],
)
def test_a_tender_spot_over_a_nerve_tunnel_or_with_nerve_sensations_is_not_counted_against(changes: dict[str, Any]) -> None:
    base = {"sign4": {"self_press": "found_reproduces"}}
    a = assess(Answers.model_validate({**BASE, **base, **changes}))
    assert "tender_spot" not in found(a)


def test_pressing_that_sends_symptoms_along_the_leg_counts_for_a_nerve() -> None:
    assert found(run(sign4={"therapist_press": "found_spreads"}))["pressing_spreads"] > 0


def test_a_clean_scan_is_weak_evidence_and_mild_wear_weaker() -> None:
    normal = sign(run(sign6={"imaging": ["mri"], "result": "normal"}), 6)
    wear = sign(run(sign6={"imaging": ["mri"], "result": "mild_wear"}), 6)
    pressing = sign(run(sign6={"imaging": ["mri"], "result": "pressing_nerve"}), 6)
    assert 0 < wear < normal < 2 < pressing


def test_a_scan_of_another_area_or_an_unknown_result_counts_for_nothing() -> None:
    for result in ("different_area", "unknown"):
        a = run(sign6={"imaging": ["xray"], "result": result})
        assert sign(a, 6) == 0 and a.signs[5].answered
    assert sign(run(sign6={"imaging": ["mri"], "result": "clear_injury"}), 6) < 0


def test_a_scan_result_without_a_scan_counts_for_nothing() -> None:
    assert sign(run(sign6={"imaging": [], "result": "normal"}), 6) == 0


# --------------------------------------------------------------------- findings beyond the six signs


@pytest.mark.parametrize(
    ("changes", "finding"),
    [
        ({"neck_changes_legs": "yes"}, "neck_changes_legs"),
        ({"clues": {"cough_sneeze": "yes"}}, "cough_sneeze"),
        ({"sign3": {"triggers": ["waistband_belt"]}}, "compression_trigger"),
        ({"sign3": {"exertional": True, "exertional_numb_or_slap": True}}, "exertional_nerve"),
        ({"sign4": {"tap_tingling": True}}, "tap_tingling"),
        ({"sign2": {"outline_patch": True}}, "outline_patch"),
        ({"clues": {"weakness": ["weak_push_off"]}}, "weakness"),
        ({"onset": "after_sprain"}, "onset_sprain"),
    ],
)
def test_entrapment_and_root_findings_raise_the_score(changes: dict[str, Any], finding: str) -> None:
    a = run(**changes)
    assert found(a)[finding] > 0
    assert finding in {m.id for m in a.modifiers}


@pytest.mark.parametrize(
    ("changes", "finding"),
    [
        ({"sign3": {"exertional": True, "compartment_tight": True}}, "compartment_tight"),
        ({"sign3": {"exertional": True, "cold_pale_foot": True}}, "cold_pale_foot"),
        ({"sign3": {"grows_run_by_run": True}}, "grows_run_by_run"),
        ({"sign4": {"bone_tender": True}}, "bone_tender"),
        ({"sign4": {"hop_pain": True}}, "hop_pain"),
    ],
)
def test_findings_of_the_mimics_lower_the_score(changes: dict[str, Any], finding: str) -> None:
    a = run(**changes)
    assert found(a)[finding] < 0
    assert finding in {c.id for c in a.counter_evidence}


def test_the_exertional_pattern_alone_counts_for_nothing_either_way() -> None:
    assert found(run(sign3={"exertional": True})) == {}


def test_slump_positive_needs_the_familiar_symptom_changing_with_the_neck() -> None:
    full = run(slump={"done": True, "familiar_symptom": True, "changes_with_neck": True})
    partial = run(slump={"done": True, "familiar_symptom": True, "changes_with_neck": False})
    negative = run(slump={"done": True})
    assert "slump_positive" in found(full)
    assert found(partial) == {}  # partly positive subtracts nothing
    assert found(negative)["slump_negative"] < 0


def test_sites_along_the_nerve_add_up_to_a_cap() -> None:
    two = run(sites=[{"site": "neck", "stiffness": True}, {"site": "low_back", "pain": True}])
    five = run(sites=[{"site": s, "stiffness": True} for s in ("neck", "upper_back", "mid_back", "low_back", "pelvis")])
    assert 0 < found(two)["sites"] < found(five)["sites"] == pytest.approx(FINDINGS["sites"].cap * points_of("sites"), abs=0.2)


def test_regions_that_fit_one_nerve_count_only_with_nerve_sensations_and_two_areas() -> None:
    regions = [{"region": "outer_shin", "side": "left"}, {"region": "top_of_foot", "side": "left"}]
    assert "coherent" in found(run(regions=regions, sign2={"qualities": ["tingling"]}))
    assert "coherent" not in found(run(regions=regions[:1], sign2={"qualities": ["tingling"]}))
    assert "coherent" not in found(run(regions=regions, sign2={"qualities": ["dull_ache"]}))


def test_bilateral_soreness_without_nerve_sensations_counts_against() -> None:
    a = run(regions=[{"region": "outer_shin", "side": "both"}], sign2={"qualities": ["dull_ache"]})
    assert found(a)["bilateral_soreness"] < 0
    both = Answers.model_validate({"regions": [{"region": "calf", "side": "left"}, {"region": "calf", "side": "right"}]})
    assert is_bilateral(list(both.regions))


def test_explanations_come_from_content() -> None:
    a = run(sign2={"qualities": ["tingling"]})
    assert FINDINGS["tingling"].reason in a.signs[1].reasons


# --------------------------------------------------------------------- nerves


def _ranked(regions: list[dict[str, Any]], **changes: Any) -> list[str]:
    answers = Answers.model_validate({"regions": regions, **changes})
    return [n.id for n in rank_nerves(list(answers.regions), answers, CONTENT)]


def test_the_obturator_is_not_listed_for_buttock_pain() -> None:
    assert "obturator" not in _ranked([{"region": "buttock", "side": "left"}])


def test_a_trunk_gets_credit_for_its_branches_regions() -> None:
    ranked = _ranked([{"region": "outer_shin", "side": "right"}, {"region": "top_of_foot", "side": "right"}])
    assert "common_fibular" in ranked[:3]


def test_what_brings_it_on_ranks_the_nerve_it_points_at() -> None:
    thigh = [{"region": "front_hip_thigh", "side": "left"}]
    assert _ranked(thigh, sign3={"triggers": ["waistband_belt"]})[0] == "lateral_femoral_cutaneous"
    knee = [{"region": "outer_knee", "side": "left"}, {"region": "top_of_foot", "side": "left"}]
    assert _ranked(knee, sign3={"triggers": ["leg_crossing"]}, clues={"weakness": ["foot_slap"]})[0] == "common_fibular"


def test_spine_findings_rank_the_root_nerve() -> None:
    calf = [{"region": "calf", "side": "right"}]
    plain = _ranked(calf)
    spine = _ranked(calf, sites=[{"site": "low_back", "pain": True}], clues={"cough_sneeze": "yes"})
    assert spine.index("sciatic") < plain.index("sciatic") or spine[0] == "sciatic"


def test_ties_are_broken_by_evidence_not_by_name() -> None:
    # The heel's usual nerves tie on area; the more local explanation (shorter course) comes first.
    ranked = rank_nerves([RegionPain(region="heel", side="left")], Answers(), CONTENT)
    assert [n.id for n in ranked][:2] != sorted(n.id for n in ranked)[:2] or ranked[0].weight > ranked[1].weight


def test_no_nerve_is_ranked_for_a_region_where_it_has_no_skin() -> None:
    for region in CONTENT.regions:
        listed = set(_ranked([{"region": region.id, "side": "left"}]))
        for note in region.not_listed:
            assert note.nerve not in set(region.nerves) | {a.nerve for a in region.also_consider}
            if note.nerve in listed:
                # only through a branch whose skin is here (a trunk's credit)
                nerve = next(n for n in rank_nerves([RegionPain(region=region.id, side="left")], Answers(), CONTENT) if n.id == note.nerve)
                assert all("branch" in r for r in nerve.reasons if region.label in r)


def test_coherence_is_judged_on_one_side() -> None:
    ok, _ = fits_one_nerve([RegionPain(region="outer_shin", side="left"), RegionPain(region="top_of_foot", side="left")], CONTENT)
    assert ok is True
    both, reason = fits_one_nerve([RegionPain(region="outer_shin", side="left"), RegionPain(region="top_of_foot", side="right")], CONTENT)
    assert both is False and "both sides" in reason


# --------------------------------------------------------------------- safety inference


def _alerts(**answers: Any) -> dict[str, str]:
    return {f.id: f.kind for f in screen_safety(Answers.model_validate(answers), CONTENT)}


@pytest.mark.parametrize(
    ("answers", "alert", "level"),
    [
        ({"sign4": {"bone_tender": True, "hop_pain": True}}, "bone_stress", "professional"),
        ({"sign4": {"bone_tender": True}, "sign3": {"grows_run_by_run": True}}, "bone_stress", "professional"),
        ({"regions": [{"region": "groin", "side": "left"}], "clues": {"limp": True}}, "femoral_neck_stress", "urgent"),
        ({"sign3": {"exertional": True, "compartment_tight": True}}, "exertional_compartment", "professional"),
        ({"sign3": {"exertional": True, "cold_pale_foot": True}}, "popliteal_entrapment", "professional"),
        ({"clues": {"calf_swollen": True, "clot_risk": True}}, "dvt", "urgent"),
        ({"clues": {"calf_swollen": True}}, "dvt", "urgent"),
        ({"clues": {"weakness": ["foot_slap"]}}, "foot_drop", "urgent"),
        (
            {"regions": [{"region": "calf", "side": "both"}], "sign2": {"qualities": ["tingling"]}, "clues": {"cough_sneeze": "yes"}},
            "sciatica_both_legs",
            "emergency",
        ),
    ],
)
def test_alerts_are_inferred_from_answers_not_only_ticked(answers: dict[str, Any], alert: str, level: str) -> None:
    a = assess(Answers.model_validate(answers))
    flag = next(f for f in a.red_flags if f.id == alert)
    assert flag.kind == "inferred" and flag.reason and flag.level == level
    assert a.urgency == max((f.level for f in a.red_flags), key=["none", "professional", "urgent", "emergency"].index)


def test_a_ticked_flag_is_reported_once_as_ticked() -> None:
    assert _alerts(mimics=["dvt"], clues={"calf_swollen": True}) == {"dvt": "mimic"}


def test_nothing_is_inferred_from_unanswered_questions() -> None:
    assert _alerts() == {}
    assert _alerts(regions=[{"region": "groin", "side": "left"}]) == {}


def test_a_condition_on_an_unanswered_field_is_unknown_not_false() -> None:
    cond = FINDINGS["rest_sitting"]
    assert evaluate(cond, Answers()) is None
    assert evaluate(cond, Answers.model_validate({"sign5": {"sitting": False}})) is False
    assert evaluate(cond, Answers.model_validate({"sign5": {"sitting": True}})) is True


@pytest.mark.parametrize("flag", [f.id for f in CONTENT.red_flags.flags])
def test_every_ticked_red_flag_sets_its_urgency_and_never_moves_the_score(flag: str) -> None:
    plain = run()
    flagged = run(red_flags=[flag])
    level = next(f.level for f in CONTENT.red_flags.flags if f.id == flag)
    assert flagged.urgency == level
    assert flagged.score == plain.score


def test_night_pain_with_a_risk_factor_is_urgent() -> None:
    a = run(sign5={"night": True}, red_flags=["cancer_history"])
    assert "night_pain_with_risk" in {f.id for f in a.red_flags}


def test_a_follow_up_answer_is_ignored_once_its_lead_question_is_answered_no() -> None:
    stale = run(sign3={"exertional": False, "compartment_tight": True, "cold_pale_foot": True})
    assert "compartment_tight" not in found(stale) and not stale.red_flags
    live = run(sign3={"exertional": True, "compartment_tight": True})
    assert "compartment_tight" in found(live) and {f.id for f in live.red_flags} == {"exertional_compartment"}
    unknown = run(sign3={"compartment_tight": True})  # lead unanswered: the answer still counts
    assert "compartment_tight" in found(unknown)
