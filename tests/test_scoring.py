"""Each sign and modifier moves the score the way the article and the evidence say."""

from __future__ import annotations

from typing import Any

import pytest

from nervetriage.content import load_content
from nervetriage.models import Answers, Assessment
from nervetriage.scoring import assess, fits_one_nerve, is_bilateral, rank_nerves

CONTENT = load_content()

# A one-sided, one-region runner who has answered nothing else: the neutral starting point.
BASE: dict[str, Any] = {"regions": [{"region": "calf", "side": "right", "intensity": 5}]}


def run(**changes: Any) -> Assessment:
    """Assess BASE with some top-level fields replaced."""
    return assess(Answers.model_validate({**BASE, **changes}))


def raw(assessment: Assessment) -> float:
    """The unclamped, unrounded sum, so small effects are visible even near 0."""
    return (
        sum(s.points for s in assessment.signs)
        + sum(m.points for m in assessment.modifiers)
        + sum(c.points for c in assessment.counter_evidence)
    )


def sign(assessment: Assessment, number: int) -> float:
    return next(s.points for s in assessment.signs if s.number == number)


def counter_ids(assessment: Assessment) -> set[str]:
    return {c.id for c in assessment.counter_evidence}


def modifier_ids(assessment: Assessment) -> set[str]:
    return {m.id for m in assessment.modifiers}


# --------------------------------------------------------------------- sign 5: pain at rest


def test_pain_at_rest_raises_likelihood() -> None:
    quiet = run(sign5={"sitting": False, "lying": False, "night": False, "rest_intensity": 0})
    resting = run(sign5={"sitting": True, "lying": True, "night": False, "rest_intensity": 5})
    assert raw(resting) > raw(quiet)
    assert sign(resting, 5) > 0 and sign(quiet, 5) == 0
    assert any("sitting" in r.lower() for r in resting.signs[4].reasons)


def test_pain_at_rest_is_the_strongest_sign() -> None:
    full_rest = sign(run(sign5={"sitting": True, "lying": True, "night": True, "rest_intensity": 10}), 5)
    others = [s.max_points for s in CONTENT.signs if s.number != 5]
    assert full_rest == CONTENT.sign(5).max_points
    assert full_rest > max(others)
    # One rest answer outweighs any single answer of another sign.
    sitting_alone = CONTENT.sign(5).weights["sitting"]
    single_others = [w for s in CONTENT.signs if s.number != 5 for k, w in s.weights.items() if not k.endswith(("_counter", "_cap"))]
    assert sitting_alone > max(single_others)


def test_more_intense_rest_pain_scores_higher() -> None:
    assert sign(run(sign5={"rest_intensity": 8}), 5) > sign(run(sign5={"rest_intensity": 2}), 5)


def test_night_pain_counts_and_is_sent_to_the_safety_screen() -> None:
    result = run(sign5={"night": True})
    assert sign(result, 5) == CONTENT.sign(5).weights["night"]
    assert any("safety" in c for c in result.caveats)


# --------------------------------------------------------------------- sign 2: sensations


@pytest.mark.parametrize("quality", ["pins_and_needles", "tingling", "numbness"])
def test_pins_and_needles_raise_score(quality: str) -> None:
    before = run(sign2={"qualities": []})
    after = run(sign2={"qualities": [quality]})
    assert sign(after, 2) - sign(before, 2) == CONTENT.sign(2).weights[quality] > 0
    assert raw(after) > raw(before)


def test_classic_sensations_outweigh_ache_and_tightness() -> None:
    weights = CONTENT.sign(2).weights
    classic = min(weights[q] for q in ("pins_and_needles", "tingling", "numbness"))
    assert classic > max(weights[q] for q in ("dull_ache", "sharp_stabbing", "tightness"))


def test_ache_alone_counts_for_little() -> None:
    ache = run(sign2={"qualities": ["dull_ache", "tightness"]})
    assert ache.band == "unlikely"
    assert sign(ache, 2) <= 2


# --------------------------------------------------------------------- sign 1: treatment


def test_no_response_to_ordinary_care_raises() -> None:
    nothing = run(sign1={"treatments": {}})
    failed = run(sign1={"treatments": {"rest": "no_change", "ice": "no_change", "stretching": "no_change"}})
    assert sign(failed, 1) > sign(nothing, 1)


def test_care_that_made_it_worse_counts_more_than_no_change() -> None:
    no_change = run(sign1={"treatments": {"massage": "no_change"}})
    worse = run(sign1={"treatments": {"massage": "worse"}})
    assert sign(worse, 1) > sign(no_change, 1)


def test_pain_returning_when_running_resumes_raises() -> None:
    assert sign(run(sign1={"returns_when_running": True}), 1) > sign(run(sign1={"returns_when_running": False}), 1)


def test_treatment_that_helped_counts_against() -> None:
    helped = run(sign1={"treatments": {"strengthening": "helped"}})
    assert "treatment_helped" in counter_ids(helped)
    assert raw(helped) < raw(run())


def test_rest_helping_is_not_counter_evidence_when_the_pain_returns() -> None:
    # The article: rest eases nerve pain for a while, but it comes back when running starts.
    returns = run(sign1={"treatments": {"rest": "helped"}, "returns_when_running": True})
    stays_away = run(sign1={"treatments": {"rest": "helped"}, "returns_when_running": False})
    assert "treatment_helped" not in counter_ids(returns)
    assert "treatment_helped" in counter_ids(stays_away)


# --------------------------------------------------------------------- sign 3: variability


def test_unpredictable_pain_raises() -> None:
    steady = run(sign3={"variability": 0, "same_run_differs": False})
    erratic = run(sign3={"variability": 8, "same_run_differs": True, "walk_worse_than_hard_run": True, "moves_around": True})
    assert sign(erratic, 3) > sign(steady, 3) == 0


def test_warm_up_pattern_counts_against() -> None:
    result = run(sign3={"warms_up_pattern": True})
    assert "warms_up" in counter_ids(result)
    assert raw(result) < raw(run(sign3={"warms_up_pattern": False}))


# --------------------------------------------------------------------- sign 4: tender spot


def test_spot_nobody_can_find_raises() -> None:
    result = run(sign4={"self_press": "cannot_find", "therapist_press": "cannot_find"})
    assert sign(result, 4) == CONTENT.sign(4).max_points


def test_tender_spot_that_reproduces_the_pain_counts_against() -> None:
    result = run(sign4={"self_press": "found_reproduces"})
    assert "tender_spot" in counter_ids(result)
    assert raw(result) < raw(run(sign4={"self_press": "found_but_different"}))


def test_not_tried_pressing_leaves_sign_four_unanswered() -> None:
    assert 4 in run(sign4={"self_press": "not_tried", "therapist_press": "not_tried"}).unanswered


# --------------------------------------------------------------------- sign 6: imaging


def test_clean_mri_is_weak_evidence() -> None:
    clean = run(sign6={"imaging": ["mri"], "result": "normal"})
    assert sign(clean, 6) > 0
    # Weaker than one classic sensation or pain when sitting, and alone it stays "unlikely".
    assert sign(clean, 6) < CONTENT.sign(2).weights["pins_and_needles"]
    assert sign(clean, 6) < CONTENT.sign(5).weights["sitting"]
    assert clean.band == "unlikely"
    assert any("MRI" in c for c in clean.caveats)
    assert any("weak" in r for r in clean.signs[5].reasons)


def test_mild_wear_on_a_scan_still_points_to_the_nerve() -> None:
    assert sign(run(sign6={"imaging": ["xray"], "result": "mild_wear"}), 6) > 0


def test_clear_injury_on_a_scan_counts_against() -> None:
    result = run(sign6={"imaging": ["mri"], "result": "clear_injury"})
    assert "clear_injury" in counter_ids(result)
    assert sign(result, 6) == 0


def test_no_scans_answers_the_sign_without_points() -> None:
    result = run(sign6={"imaging": []})
    assert 6 not in result.unanswered
    assert sign(result, 6) == 0


# --------------------------------------------------------------------- laterality and the neck


def test_bilateral_soreness_alone_lowers() -> None:
    one_side = assess(Answers.model_validate({"regions": [{"region": "calf", "side": "right"}], "sign2": {"qualities": ["dull_ache"]}}))
    both = assess(Answers.model_validate({"regions": [{"region": "calf", "side": "both"}], "sign2": {"qualities": ["dull_ache"]}}))
    assert "bilateral_soreness" in counter_ids(both)
    assert raw(both) < raw(one_side)


def test_bilateral_with_tingling_is_not_counted_as_soreness() -> None:
    both = assess(Answers.model_validate({"regions": [{"region": "calf", "side": "both"}], "sign2": {"qualities": ["tingling"]}}))
    assert "bilateral_soreness" not in counter_ids(both)
    assert any("both sides" in c for c in both.caveats)


def test_symmetric_numbness_suggests_a_doctor_for_a_whole_body_cause() -> None:
    numb = {"qualities": ["numbness", "burning"]}
    both = assess(Answers.model_validate({"regions": [{"region": "sole", "side": "both"}], "sign2": numb}))
    one = assess(Answers.model_validate({"regions": [{"region": "sole", "side": "left"}], "sign2": numb}))
    assert any("diabetes" in c for c in both.caveats)
    assert not any("diabetes" in c for c in one.caveats)


def test_bilateral_soreness_needs_the_sensations_answered() -> None:
    # Without sign 2 we do not know it is "only soreness", so nothing is taken off.
    both = assess(Answers.model_validate({"regions": [{"region": "calf", "side": "both"}]}))
    assert "bilateral_soreness" not in counter_ids(both)


def test_left_and_right_entries_count_as_bilateral() -> None:
    answers = Answers.model_validate(
        {"regions": [{"region": "inner_shin", "side": "left"}, {"region": "inner_shin", "side": "right"}], "sign2": {"qualities": []}}
    )
    assert is_bilateral(answers.regions)
    assert "bilateral_soreness" in counter_ids(assess(answers))


def test_neck_provocation_raises() -> None:
    yes = run(neck_changes_legs="yes")
    assert "neck" in modifier_ids(yes)
    assert raw(yes) > raw(run(neck_changes_legs="no")) == raw(run(neck_changes_legs="not_sure"))


def test_positive_slump_raises_and_negative_lowers() -> None:
    positive = run(slump={"done": True, "familiar_symptom": True, "changes_with_neck": True, "differs_from_other_side": True})
    negative = run(slump={"done": True, "familiar_symptom": True, "changes_with_neck": False, "differs_from_other_side": True})
    not_done = run(slump={"done": False})
    assert raw(positive) > raw(not_done) > raw(negative)


def test_sites_along_the_nerve_add_up_to_a_cap() -> None:
    mods = CONTENT.scoring.modifiers
    one = run(sites=[{"site": "neck", "stiffness": True}])
    all_five = run(sites=[{"site": s, "pain": True} for s in ("neck", "upper_back", "mid_back", "low_back", "pelvis")])
    assert raw(one) - raw(run()) == mods["site_each"]
    assert raw(all_five) - raw(run()) == mods["site_cap"]
    assert all_five.sites == ["neck", "upper_back", "mid_back", "low_back", "pelvis"]


def test_site_neither_stiff_nor_painful_does_not_count() -> None:
    assert run(sites=[{"site": "neck"}]).sites == []


# --------------------------------------------------------------------- anatomical coherence


def test_coherent_regions_raise() -> None:
    tingling = {"qualities": ["tingling"]}
    coherent = assess(
        Answers.model_validate(
            {"regions": [{"region": "top_of_foot", "side": "right"}, {"region": "outer_shin", "side": "right"}], "sign2": tingling}
        )
    )
    scattered = assess(
        Answers.model_validate(
            {"regions": [{"region": "top_of_foot", "side": "right"}, {"region": "inner_thigh", "side": "right"}], "sign2": tingling}
        )
    )
    assert coherent.coherent is True and scattered.coherent is False
    assert "coherent" in modifier_ids(coherent)
    assert "incoherent" in counter_ids(scattered)
    assert raw(coherent) > raw(scattered)


def test_coherence_bonus_needs_nerve_like_sensations() -> None:
    # A single sore Achilles "fits" a nerve's territory trivially; that alone is no evidence.
    ache = run(sign2={"qualities": ["dull_ache"]})
    assert ache.coherent is True
    assert "coherent" not in modifier_ids(ache)


def test_regions_on_different_sides_do_not_fit_one_nerve() -> None:
    answers = Answers.model_validate({"regions": [{"region": "calf", "side": "left"}, {"region": "heel", "side": "right"}]})
    fits, reason = fits_one_nerve(answers.regions, CONTENT)
    assert fits is False and "both sides" in reason


def test_no_regions_leaves_coherence_open() -> None:
    result = assess(Answers())
    assert result.coherent is None
    assert result.nerves == []


# --------------------------------------------------------------------- suspected nerves


def test_top_of_foot_points_to_the_fibular_nerves() -> None:
    result = assess(Answers.model_validate({"regions": [{"region": "top_of_foot", "side": "left", "intensity": 6}]}))
    assert {n.id for n in result.nerves[:2]} == {"superficial_fibular", "deep_fibular"}
    assert result.nerves[0].sides == ["left"]
    assert result.nerves[0].regions == ["top_of_foot"]


def test_nerve_shared_by_regions_ranks_first() -> None:
    answers = Answers.model_validate(
        {"regions": [{"region": "outer_shin", "side": "right"}, {"region": "top_of_foot", "side": "right"}]}
    )
    top = rank_nerves(answers.regions, answers, CONTENT)[0]
    assert top.id == "superficial_fibular"
    assert top.regions == ["outer_shin", "top_of_foot"]


def test_pain_when_sitting_lifts_nerves_pressed_by_sitting() -> None:
    buttock = {"regions": [{"region": "buttock", "side": "right"}]}
    standing = assess(Answers.model_validate(buttock))
    sitting = assess(Answers.model_validate({**buttock, "sign5": {"sitting": True}}))
    weight = {n.id: n.weight for n in standing.nerves}
    weight_sitting = {n.id: n.weight for n in sitting.nerves}
    assert weight_sitting["sciatic"] > weight["sciatic"]
    assert weight_sitting["superior_cluneal"] == weight["superior_cluneal"]


def test_also_consider_note_on_a_listed_nerve_adds_a_reason_not_weight() -> None:
    result = assess(Answers.model_validate({"regions": [{"region": "buttock", "side": "right", "intensity": 5}]}))
    nerves = {n.id: n for n in result.nerves}
    assert nerves["obturator"].weight == nerves["sciatic"].weight
    assert any("no buttock skin" in r for r in nerves["obturator"].reasons)


def test_also_consider_refinements_are_suggested() -> None:
    result = assess(Answers.model_validate({"regions": [{"region": "inner_shin", "side": "left"}]}))
    ids = [n.id for n in result.nerves]
    assert ids[0] == "tibial"  # the article's table
    assert "saphenous" in ids  # the skin of the inner shin


# --------------------------------------------------------------------- safety and partial results


def test_red_flag_overrides_with_urgency_and_message() -> None:
    result = run(red_flags=["saddle_numbness"])
    assert result.urgency == "emergency"
    assert result.urgency_message == CONTENT.red_flags.urgency_messages["emergency"]
    assert result.red_flags[0].id == "saddle_numbness"


def test_most_urgent_flag_wins() -> None:
    result = run(red_flags=["new_pain_over_50", "foot_drop"], mimics=["exertional_compartment"])
    assert result.urgency == "urgent"
    assert result.red_flags[0].level == "urgent"


def test_night_pain_with_a_risk_factor_is_urgent() -> None:
    with_night = run(red_flags=["new_pain_over_50"], sign5={"night": True})
    without = run(red_flags=["new_pain_over_50"], sign5={"night": False})
    assert with_night.urgency == "urgent"
    assert "night_pain_with_risk" in {f.id for f in with_night.red_flags}
    assert without.urgency == "professional"


def test_constant_night_pain_counts_as_night_pain_for_the_combinations() -> None:
    alone = run(red_flags=["constant_night_pain"])
    with_weight_loss = run(red_flags=["constant_night_pain", "weight_loss"])
    assert alone.urgency == "professional"
    assert "night_pain_with_risk" in {f.id for f in with_weight_loss.red_flags}


def test_mimic_sets_its_own_urgency() -> None:
    assert run(mimics=["dvt"]).urgency == "urgent"


def test_no_flags_answered_means_no_urgency() -> None:
    result = run(red_flags=[], mimics=[])
    assert result.urgency == "none"
    assert result.urgency_message == CONTENT.red_flags.urgency_messages["none"]


def test_empty_answers_give_an_honest_partial_result() -> None:
    result = assess(Answers())
    assert result.score == 0 and result.band == "unlikely"
    assert result.unanswered == [1, 2, 3, 4, 5, 6]
    assert result.partial is True
    assert "The safety questions were not answered yet." in result.caveats


def test_partial_answers_list_the_unanswered_signs() -> None:
    result = run(sign2={"qualities": ["tingling"]}, sign5={"sitting": True}, red_flags=[])
    assert result.unanswered == [1, 3, 4, 6]
    assert result.partial is True
    assert any("Signs 1, 3, 4, 6 were not answered" in c for c in result.caveats)


def test_caveats_always_say_screen_not_diagnosis() -> None:
    assert any("not a diagnosis" in c for c in assess(Answers()).caveats)


def test_fall_onset_asks_to_rule_out_a_bone_injury() -> None:
    assert any("bone injury" in c for c in run(onset="after_fall").caveats)


# --------------------------------------------------------------------- weights live in content


def test_weights_come_from_content() -> None:
    signs = [
        s.model_copy(update={"weights": {**s.weights, "tingling": 1.0}}) if s.number == 2 else s for s in CONTENT.signs
    ]
    lighter = CONTENT.model_copy(update={"signs": signs})
    answers = Answers.model_validate({**BASE, "sign2": {"qualities": ["tingling"]}})
    assert sign(assess(answers, lighter), 2) == 1.0
    assert sign(assess(answers), 2) == CONTENT.sign(2).weights["tingling"]


def test_explanations_come_from_content() -> None:
    scoring = CONTENT.scoring.model_copy(update={"texts": {**CONTENT.scoring.texts, "sitting": "Sitting hurts (edited by a physio)."}})
    edited = CONTENT.model_copy(update={"scoring": scoring})
    result = assess(Answers.model_validate({**BASE, "sign5": {"sitting": True}}), edited)
    assert result.signs[4].reasons == ["Sitting hurts (edited by a physio)."]


def test_bands_follow_the_thresholds_in_content() -> None:
    bands = {b.id: b.min_score for b in CONTENT.scoring.bands}
    strong = run(
        sign2={"qualities": ["tingling", "numbness", "pins_and_needles"]},
        sign5={"sitting": True, "lying": True, "night": True, "rest_intensity": 8},
        sign4={"self_press": "cannot_find", "therapist_press": "cannot_find"},
        neck_changes_legs="yes",
    )
    assert strong.score >= bands["likely"] and strong.band == "likely"
    assert strong.band_label == next(b.label for b in CONTENT.scoring.bands if b.id == "likely")


def test_score_is_clamped_to_100() -> None:
    everything = run(
        sites=[{"site": s, "pain": True} for s in ("neck", "upper_back", "mid_back", "low_back", "pelvis")],
        sign1={"treatments": dict.fromkeys(("rest", "ice", "compression", "stretching", "massage"), "worse"), "returns_when_running": True},
        sign2={"qualities": ["tingling", "numbness", "pins_and_needles", "burning", "electric"]},
        sign3={"variability": 10, "same_run_differs": True, "walk_worse_than_hard_run": True, "moves_around": True},
        sign4={"self_press": "cannot_find", "therapist_press": "cannot_find"},
        sign5={"sitting": True, "lying": True, "night": True, "rest_intensity": 10},
        sign6={"imaging": ["mri"], "result": "normal"},
        neck_changes_legs="yes",
        slump={"done": True, "familiar_symptom": True, "changes_with_neck": True, "differs_from_other_side": True},
    )
    assert raw(everything) > 100
    assert everything.score == 100
    assert everything.unanswered == []
