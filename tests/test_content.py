"""The clinical content is whole and consistent, and broken content is refused by name."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from owntext import ARTICLE, article_fingerprints, fingerprints

from nervetriage.content import CONTENT_DIR, ContentError, load_content, load_content_from
from nervetriage.models import Answers, Imaging, ImagingResult, Outcome, Quality, Site, TenderSpot, Treatment, Trigger, Urgency

CONTENT = load_content()


# --------------------------------------------------------------------- integrity of what ships


def test_every_regions_nerves_exist() -> None:
    nerve_ids = {n.id for n in CONTENT.nerves}
    for region in CONTENT.regions:
        assert set(region.nerves) <= nerve_ids, region.id
        assert {a.nerve for a in region.also_consider} <= nerve_ids, region.id


def test_every_nerve_has_a_course_that_can_be_drawn() -> None:
    landmarks = {lm.id for lm in CONTENT.landmarks}
    for nerve in CONTENT.nerves:
        assert len(nerve.course) >= 2, nerve.id
        assert set(nerve.course) <= landmarks, nerve.id
        assert len(set(nerve.course)) == len(nerve.course), f"{nerve.id} visits a landmark twice"


def test_every_nerve_course_starts_at_the_spine() -> None:
    spinal = {lm.id for lm in CONTENT.landmarks if lm.id.startswith(("root_", "spine_"))}
    for nerve in CONTENT.nerves:
        assert nerve.course[0] in spinal, nerve.id


def test_every_nerve_is_suggested_by_some_region() -> None:
    suggested = {n for r in CONTENT.regions for n in r.nerves} | {a.nerve for r in CONTENT.regions for a in r.also_consider}
    assert {n.id for n in CONTENT.nerves} <= suggested


def test_every_source_id_resolves() -> None:
    known = {s.id for s in CONTENT.sources}
    cited: list[str] = [CONTENT.scoring.source, CONTENT.advice.source, CONTENT.questions.source]
    cited += [s.source for s in CONTENT.signs]
    cited += [r.source for r in CONTENT.regions] + [a.source for r in CONTENT.regions for a in r.also_consider]
    cited += [s.source for s in CONTENT.sites] + [n.source for n in CONTENT.nerves]
    cited += [f.source for f in [*CONTENT.red_flags.flags, *CONTENT.red_flags.mimics]]
    cited += [c.source for c in CONTENT.red_flags.combinations]
    cited += [a.source for a in CONTENT.advice.advice]
    for field in cited:
        for part in field.split(","):
            assert part.strip() in known, field
    assert all(s.citation for s in CONTENT.sources)


def test_the_articles_region_table_is_encoded() -> None:
    """Every nerve the article names for an area is either ranked there or explained away
    (it has no skin in that area: ``not_listed`` says why)."""
    table = {
        "buttock": {"superior_cluneal", "middle_cluneal", "inferior_cluneal", "sciatic", "obturator"},
        "front_hip_thigh": {"superior_cluneal", "sciatic", "lateral_femoral_cutaneous"},
        "outer_hip_thigh": {"superior_cluneal", "sciatic", "lateral_femoral_cutaneous"},
        "inner_thigh": {"femoral", "obturator"},
        "inner_knee": {"femoral", "obturator"},
        "outer_shin": {"superficial_fibular"},
        "inner_shin": {"tibial"},
        "outer_ankle": {"sural"},
        "inner_ankle": {"tibial"},
        "sole": {"medial_plantar", "lateral_plantar"},
        "top_of_foot": {"superficial_fibular", "deep_fibular"},
    }
    for region_id, nerves in table.items():
        region = CONTENT.region(region_id)
        covered = set(region.nerves) | {a.nerve for a in region.also_consider} | {n.nerve for n in region.not_listed}
        assert nerves <= covered, region_id
    assert "obturator" in {n.nerve for n in CONTENT.region("buttock").not_listed}
def test_the_anatomical_refinements_are_offered() -> None:
    def extra(region_id: str) -> set[str]:
        return {a.nerve for a in CONTENT.region(region_id).also_consider}

    assert "saphenous" in extra("inner_shin")
    assert "femoral" in extra("front_hip_thigh")
    assert "posterior_femoral_cutaneous" in extra("back_of_thigh")
    assert {"medial_calcaneal", "lateral_plantar"} <= set(CONTENT.region("heel").nerves)
    assert "sural" in CONTENT.region("back_of_heel").nerves and "sural" in CONTENT.region("outer_foot").nerves
    assert any("no buttock skin" in a.reason for a in CONTENT.region("buttock").not_listed)
def test_regions_cover_front_and_back_from_the_low_back_to_the_toes() -> None:
    views = {v for r in CONTENT.regions for v in r.views}
    areas = {r.area for r in CONTENT.regions}
    assert views == {"front", "back"}
    assert areas == {"back", "pelvis", "hip", "thigh", "knee", "leg", "ankle", "foot"}
    # the entrapment sites the case reports needed have their own areas
    assert {"groin", "front_of_shin", "front_of_ankle", "outer_foot", "ball_of_foot", "under_toes", "back_of_heel", "low_back",
            "iliac_crest"} <= CONTENT.region_ids
def test_sites_along_the_nerve_run_from_neck_to_pelvis() -> None:
    assert [s.id for s in CONTENT.sites] == list(get_args(Site))
    landmarks = {lm.id for lm in CONTENT.landmarks}
    assert all(s.landmark in landmarks for s in CONTENT.sites)


def test_red_flags_come_in_three_levels_with_an_action_each() -> None:
    levels = {f.level for f in CONTENT.red_flags.flags}
    assert levels == {"emergency", "urgent", "professional"}
    assert set(CONTENT.red_flags.urgency_messages) == set(get_args(Urgency))
    for item in [*CONTENT.red_flags.flags, *CONTENT.red_flags.mimics]:
        assert item.question.endswith("?"), item.id
        assert item.action, item.id


def test_cauda_equina_signs_are_emergencies() -> None:
    levels = {f.id: f.level for f in CONTENT.red_flags.flags}
    for flag in ("saddle_numbness", "bladder_change", "bowel_sensation", "both_legs_weak", "sciatica_both_legs"):
        assert levels[flag] == "emergency"


def test_the_common_mimics_are_listed() -> None:
    mimics = {m.id for m in CONTENT.red_flags.mimics}
    assert {"bone_stress", "dvt", "acute_compartment", "exertional_compartment", "femoral_neck_stress"} <= mimics


def test_every_answer_option_has_a_plain_label() -> None:
    """A page can show every value Answers accepts, in words, from content alone."""

    def options(field: str) -> set[str]:
        for s in CONTENT.signs:
            for q in s.questions:
                if q.field == field:
                    return set(q.options)
        raise AssertionError(f"no question for {field}")

    assert options("sign1.treatments") == set(get_args(Treatment))
    assert options("sign2.qualities") == set(get_args(Quality))
    assert options("sign4.self_press") == set(get_args(TenderSpot))
    assert options("sign6.imaging") == set(get_args(Imaging))
    assert options("sign6.result") == set(get_args(ImagingResult))
    assert options("sign3.triggers") == set(get_args(Trigger))
    assert set(get_args(Outcome)) == {"helped", "no_change", "worse", "short_relief"}


def test_every_question_field_exists_in_the_answers() -> None:
    fields = [q.field for s in CONTENT.signs for q in s.questions]
    fields += [q.field for qs in CONTENT.questions.steps.values() for q in qs]
    fields += [q.field for q in CONTENT.questions.slump_criteria]
    for field in fields:
        head = field.split(".")[0]
        assert head in Answers.model_fields, field


def test_classic_sensations_weigh_more_than_ache_and_scans_count_little() -> None:
    findings = {f.id: f for f in CONTENT.evidence.findings}
    assert min(findings[q].lr_present for q in ("pins_and_needles", "tingling", "numbness")) > findings["burning"].lr_present > 1
    assert "dull_ache" not in findings and "tightness" not in findings  # they count only through "no nerve-like word"
    assert max(findings[s].lr_present for s in ("scan_normal", "scan_mild_wear")) < min(
        findings[r].lr_present for r in ("rest_sitting", "rest_lying", "rest_night")
    )


# The content files this suite vouches for; learn.md belongs to the lead (see the report).
OWN_WORDS_FILES = [
    "signs.yaml",
    "scoring.yaml",
    "regions.yaml",
    "nerves.yaml",
    "redflags.yaml",
    "advice.yaml",
    "questions.yaml",
    "sources.yaml",
    "evidence.yaml",
    "learn.md",
]


def test_the_fingerprints_match_the_article_when_it_is_at_hand() -> None:
    known = article_fingerprints()
    assert len(known) > 2000
    if ARTICLE.is_file():  # on a developer machine: the stored fingerprints are current
        assert fingerprints(ARTICLE.read_text(encoding="utf-8")) == known


def test_fingerprints_catch_a_copied_sentence() -> None:
    copied = "Pins and needles, tingling, and numbness are classic neurogenic symptoms, and seldom arise"
    assert fingerprints(copied) & article_fingerprints()
    ours = "Tingling and numbness are typical of an irritated nerve and rarely come from a muscle"
    assert not fingerprints(ours) & article_fingerprints()


@pytest.mark.parametrize("filename", OWN_WORDS_FILES)
def test_content_is_in_our_own_words(filename: str) -> None:
    """No run of ten words from the article reappears in a content file."""
    copied = fingerprints((CONTENT_DIR / filename).read_text(encoding="utf-8")) & article_fingerprints()
    assert not copied, f"{filename} repeats {len(copied)} ten-word runs of the article"


# --------------------------------------------------------------------- the loader refuses bad content


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def _edit(directory: Path, filename: str, change: Callable[[Any], None]) -> None:
    path = directory / filename
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def _refused(directory: Path) -> str:
    with pytest.raises(ContentError) as info:
        load_content_from(directory)
    return str(info.value)


def test_the_shipped_content_loads_from_a_copy(content_copy: Path) -> None:
    assert load_content_from(content_copy) == CONTENT


def test_loader_names_file_and_field_for_a_short_course(content_copy: Path) -> None:
    _edit(content_copy, "nerves.yaml", lambda d: d["nerves"][0].update(course=["root_l1"]))
    message = _refused(content_copy)
    assert "nerves.yaml" in message and "nerves.0.course" in message


def test_loader_names_an_unknown_landmark(content_copy: Path) -> None:
    _edit(content_copy, "nerves.yaml", lambda d: d["nerves"][3].update(course=["root_s1", "the_moon"]))
    message = _refused(content_copy)
    assert "nerves.yaml" in message and "the_moon" in message


def test_loader_names_a_region_with_an_unknown_nerve(content_copy: Path) -> None:
    _edit(content_copy, "regions.yaml", lambda d: d["regions"][2]["nerves"].append("vagus"))
    message = _refused(content_copy)
    assert "regions.yaml" in message and "outer_hip_thigh" in message and "'vagus'" in message


def test_loader_names_an_unknown_source(content_copy: Path) -> None:
    _edit(content_copy, "regions.yaml", lambda d: d["regions"][0].update(source="wikipedia"))
    message = _refused(content_copy)
    assert "regions.yaml region buttock" in message and "'wikipedia'" in message


def test_loader_names_a_bad_region_area(content_copy: Path) -> None:
    _edit(content_copy, "regions.yaml", lambda d: d["regions"][0].update(area="elbow"))
    message = _refused(content_copy)
    assert "regions.yaml: field regions.0.area" in message


def test_loader_names_a_finding_without_a_weight(content_copy: Path) -> None:
    _edit(content_copy, "evidence.yaml", lambda d: d["findings"][0].pop("lr"))
    message = _refused(content_copy)
    assert "evidence.yaml" in message and "either sens and spec, or lr" in message
def test_loader_refuses_a_likelihood_ratio_that_is_not_positive(content_copy: Path) -> None:
    _edit(content_copy, "evidence.yaml", lambda d: d["findings"][5].update(lr=-3))
    message = _refused(content_copy)
    assert "evidence.yaml" in message and "lr" in message and "greater than 0" in message
def test_loader_refuses_a_finding_on_a_misspelt_answer_field(content_copy: Path) -> None:
    _edit(content_copy, "evidence.yaml", lambda d: d["findings"][5].update(field="sign2.qualitys"))
    message = _refused(content_copy)
    assert "evidence.yaml finding" in message and "sign2.qualitys" in message


def test_loader_refuses_a_finding_with_half_a_study(content_copy: Path) -> None:
    _edit(content_copy, "evidence.yaml", lambda d: d["findings"][5].update(lr=None, sens=0.7))
    assert "give both sens and spec" in _refused(content_copy)


def test_loader_refuses_an_inferred_alert_for_an_unknown_flag(content_copy: Path) -> None:
    _edit(content_copy, "redflags.yaml", lambda d: d["inferred"][0].update(id="bad_luck"))
    message = _refused(content_copy)
    assert "redflags.yaml inferred" in message and "bad_luck" in message
def test_loader_names_a_question_field_the_answers_lack(content_copy: Path) -> None:
    _edit(content_copy, "signs.yaml", lambda d: d["signs"][4]["questions"][0].update(field="sign5.siting"))
    message = _refused(content_copy)
    assert "signs.yaml sign 5" in message and "sign5.siting" in message


def test_loader_names_an_option_the_answers_refuse(content_copy: Path) -> None:
    _edit(content_copy, "signs.yaml", lambda d: d["signs"][1]["questions"][0]["options"].update(itching="Itching"))
    message = _refused(content_copy)
    assert "signs.yaml sign 2" in message and "itching" in message


def test_loader_refuses_duplicate_region_ids(content_copy: Path) -> None:
    _edit(content_copy, "regions.yaml", lambda d: d["regions"].append(dict(d["regions"][0])))
    message = _refused(content_copy)
    assert "regions.yaml regions" in message and "buttock" in message


def test_loader_names_a_finding_with_an_unknown_source(content_copy: Path) -> None:
    _edit(content_copy, "evidence.yaml", lambda d: d["findings"][0].update(source="hearsay"))
    message = _refused(content_copy)
    assert "evidence.yaml finding" in message and "hearsay" in message
def test_loader_names_a_text_with_the_wrong_placeholder(content_copy: Path) -> None:
    _edit(content_copy, "scoring.yaml", lambda d: d["texts"].update(nerve_usual="{place}: a usual source."))
    message = _refused(content_copy)
    assert "scoring.yaml" in message and "texts.nerve_usual must use {region}" in message
def test_loader_names_a_missing_text(content_copy: Path) -> None:
    _edit(content_copy, "scoring.yaml", lambda d: d["texts"].pop("after_fall"))
    message = _refused(content_copy)
    assert "scoring.yaml" in message and "after_fall" in message


def test_loader_refuses_broken_braces_in_a_text(content_copy: Path) -> None:
    _edit(content_copy, "scoring.yaml", lambda d: d["texts"].update(nerve_usual="{region: a usual source."))
    assert "texts.nerve_usual must use {region}" in _refused(content_copy)
def test_loader_names_a_combination_with_an_unknown_flag(content_copy: Path) -> None:
    _edit(content_copy, "redflags.yaml", lambda d: d["combinations"][0]["any_of"].append("bad_luck"))
    message = _refused(content_copy)
    assert "redflags.yaml" in message and "bad_luck" in message


def test_loader_names_an_unknown_night_pain_flag(content_copy: Path) -> None:
    _edit(content_copy, "redflags.yaml", lambda d: d["night_pain_flags"].append("insomnia"))
    message = _refused(content_copy)
    assert "redflags.yaml night_pain_flags" in message and "insomnia" in message


def test_loader_names_an_unknown_field(content_copy: Path) -> None:
    _edit(content_copy, "redflags.yaml", lambda d: d["flags"][0].update(colour="red"))
    message = _refused(content_copy)
    assert "redflags.yaml: field flags.0.colour" in message


def test_loader_reports_invalid_yaml(content_copy: Path) -> None:
    (content_copy / "advice.yaml").write_text("advice: [unclosed\n", encoding="utf-8")
    message = _refused(content_copy)
    assert "advice.yaml: not valid YAML" in message


def test_loader_reports_a_missing_file(content_copy: Path) -> None:
    (content_copy / "sources.yaml").unlink()
    assert "sources.yaml: file is missing" in _refused(content_copy)
