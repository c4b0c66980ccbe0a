"""Areas a clinic marked and the person has not rated yet (intensity None): labels, maps,
scoring and the result's wording, without Streamlit."""

from __future__ import annotations

from typing import Any, get_args

from hypothesis import given
from hypothesis import strategies as st

from nervetriage.bodymap import (
    DEFAULT_INTENSITY,
    UNRATED_FILL,
    UNRATED_LEGEND,
    Target,
    apply_click,
    build_results_figure,
    intensity_colour,
    region_polygons,
    results_drawing,
    selected_labels,
    selection_drawing,
)
from nervetriage.content import load_content
from nervetriage.models import Answers, RegionPain, Side
from nervetriage.safetext import literal
from nervetriage.scoring import UNRATED_INTENSITY, assess
from nervetriage.selection_map import chosen_styles
from nervetriage.share import clinic_marks
from nervetriage.ui.results_view import clinic_marks_lines
from nervetriage.ui_text import load_ui_text

REGION_IDS = sorted(r.id for r in load_content().regions)
SIDES: list[str] = list(get_args(Side))


def _mark(region: str, side: str, intensity: int | None = None, from_clinic: bool = True) -> RegionPain:
    return RegionPain.model_validate({"region": region, "side": side, "intensity": intensity, "from_clinic": from_clinic})


marks = st.lists(
    st.builds(
        lambda region, side, intensity, from_clinic: {"region": region, "side": side, "intensity": intensity, "from_clinic": from_clinic},
        st.sampled_from(REGION_IDS),
        st.sampled_from(SIDES),
        st.none() | st.integers(0, 10),
        st.booleans(),
    ),
    min_size=1,
    max_size=8,
    unique_by=lambda r: (r["region"], r["side"]),
)


def _person_sides(side: str) -> tuple[str, ...]:
    return ("left", "right") if side == "both" else (side,)


def _fills(drawing: Any, layer: str) -> dict[tuple[str, str | None], set[str]]:
    """(region id, side) -> the fills of that layer's shapes drawn over the region's polygons."""
    polygons = {(v, p.points): (p.id, p.side) for v in drawing.views for p in region_polygons(v) if p.kind == "region"}
    out: dict[tuple[str, str | None], set[str]] = {}
    for shape in drawing.shapes:
        if shape.layer == layer and (shape.view, shape.points) in polygons and shape.fill:
            out.setdefault(polygons[(shape.view, shape.points)], set()).add(shape.fill)
    return out


# ------------------------------------------------------------------ labels and maps


@given(st.sampled_from(REGION_IDS), st.sampled_from(SIDES), st.booleans())
def test_an_unrated_area_is_labelled_not_rated_drawn_apart_and_never_none(region: str, side: str, from_clinic: bool) -> None:
    answers = Answers(regions=[_mark(region, side, None, from_clinic)])
    [label] = selected_labels(answers)
    assert "None" not in label and "/10" not in label
    assert label.endswith("(not rated yet, marked by the clinic)" if from_clinic else "(not rated yet)")

    chosen = selection_drawing(answers)
    fills = _fills(chosen, "chosen")
    drawn = {key for key in fills if key[0] == region}
    assert drawn, "the marked area is drawn"
    assert {key[1] for key in drawn} <= set(_person_sides(side))
    assert all(fills[key] == {UNRATED_FILL} for key in drawn)

    assessment = assess(answers)
    result = results_drawing(answers, assessment, dermatomes=True)
    assert all(fills == {UNRATED_FILL} for key, fills in _fills(result, "pain").items() if key[0] == region)
    assert [e.label for e in result.legend if e.kind == "fill"] == [UNRATED_LEGEND]
    assert "not rated" in UNRATED_LEGEND

    styles = chosen_styles(answers)  # how the tappable map shades it: off the pain scale
    marked = {f"{region}:{s}" for s in _person_sides(side)}
    assert set(styles) == marked
    grey = UNRATED_FILL.lstrip("#")
    assert all(fill.startswith("rgba(" + ",".join(str(int(grey[i:i + 2], 16)) for i in (0, 2, 4)) + ",") for fill, _ in styles.values())
    build_results_figure(answers, assessment, dermatomes=True, cached=False)


@given(marks)
def test_any_mix_of_rated_and_unrated_areas_draws_and_scores(regions: list[dict[str, Any]]) -> None:
    answers = Answers.model_validate({"regions": regions})
    labels = selected_labels(answers)
    assert len(labels) == len(regions)
    assert not any("None" in label for label in labels)
    for r, label in zip(answers.regions, labels, strict=True):
        assert ("not rated yet" in label) == (r.intensity is None)
        assert ("marked by the clinic" in label) == r.from_clinic
    assessment = assess(answers)
    figure = build_results_figure(answers, assessment, cached=False)
    chosen_styles(answers)
    # a side shaded as rated has a rating; one shown as unrated has none for that side at all
    ratings: dict[tuple[str, str], list[int]] = {}
    for r in answers.regions:
        for side in _person_sides(r.side):
            ratings.setdefault((r.region, side), []).extend([] if r.intensity is None else [r.intensity])
    drawing = results_drawing(answers, assessment)
    for key, fills in _fills(drawing, "pain").items():
        assert key in ratings
        levels = ratings[(key[0], key[1] or "")]
        assert fills == ({intensity_colour(max(levels))} if levels else {UNRATED_FILL})
    legend = [t.name for t in figure.data if t.showlegend]
    assert (UNRATED_LEGEND in legend) == any(not levels for levels in ratings.values())


def test_a_rated_clinic_area_says_its_strength_and_that_the_clinic_marked_it() -> None:
    answers = Answers(regions=[_mark("heel", "left", 6), RegionPain(region="calf", side="right", intensity=3)])
    assert selected_labels(answers) == ["Left underside and inner heel (6/10, marked by the clinic)", "Right calf (3/10)"]


def test_the_unrated_colour_is_off_the_pain_scale_and_a_rating_wins_over_a_mark() -> None:
    assert UNRATED_FILL not in {intensity_colour(i) for i in range(11)}
    assert intensity_colour(None) == UNRATED_FILL
    answers = Answers(regions=[_mark("calf", "both"), RegionPain(region="calf", side="left", intensity=8)])
    fills = _fills(selection_drawing(answers), "chosen")
    assert fills[("calf", "left")] == {intensity_colour(8)}
    assert fills[("calf", "right")] == {UNRATED_FILL}


def test_an_area_clicked_on_the_map_is_the_persons_own_at_the_default_strength() -> None:
    start = Answers(regions=[_mark("heel", "left")])
    after = apply_click(start, Target("region", "calf", "right"))
    assert after.regions[-1] == RegionPain(region="calf", side="right", intensity=DEFAULT_INTENSITY, from_clinic=False)
    assert after.regions[0] == start.regions[0]
    # a clinic's "both" mark clicked on one side keeps the other side, still unrated and the clinic's
    both = apply_click(Answers(regions=[_mark("heel", "both")]), Target("region", "heel", "left"))
    assert both.regions == [_mark("heel", "right")]


# ------------------------------------------------------------------ scoring


def _rated_as_middling(answers: Answers) -> Answers:
    return answers.model_copy(
        update={"regions": [r.model_copy(update={"intensity": UNRATED_INTENSITY}) if r.intensity is None else r for r in answers.regions]}
    )


@given(marks)
def test_an_unrated_area_scores_as_a_middling_one(regions: list[dict[str, Any]]) -> None:
    answers = Answers.model_validate({"regions": regions})
    assert assess(answers) == assess(_rated_as_middling(answers))


@given(st.sampled_from(REGION_IDS), st.sampled_from(SIDES))
def test_a_clinic_mark_scores_as_the_same_area_rated_five(region: str, side: str) -> None:
    [mark] = clinic_marks([RegionPain(region=region, side=side, intensity=9)])
    assert mark.intensity is None and mark.from_clinic
    assert assess(Answers(regions=[mark])) == assess(Answers(regions=[RegionPain(region=region, side=side, intensity=5)]))


# ------------------------------------------------------------------ the result's wording


def test_the_result_names_the_clinic_and_what_is_still_unrated() -> None:
    text = load_ui_text().results
    answers = Answers.model_validate(
        {
            "origin": {"clinic": "Riverside Physio"},
            "regions": [
                {"region": "heel", "side": "left", "intensity": None, "from_clinic": True},
                {"region": "calf", "side": "left", "intensity": 4, "from_clinic": True},
                {"region": "outer_shin", "side": "right", "intensity": 7},
            ],
        }
    )
    lines = clinic_marks_lines(answers)
    assert lines[0] == text.clinic_marked.format(
        clinic="Riverside Physio", areas="Left underside and inner heel (not rated), Left calf (4/10)"
    )
    assert lines[0].startswith("Marked in advance by Riverside Physio: Left underside and inner heel (not rated)")
    assert text.unrated_note.format(middle=UNRATED_INTENSITY) in lines
    assert not any("outer shin" in line for line in lines)


def test_the_result_without_a_clinic_name_says_your_clinic_and_without_marks_says_nothing() -> None:
    text = load_ui_text().results
    unnamed = Answers(regions=[_mark("heel", "right")])
    assert clinic_marks_lines(unnamed)[0].startswith(f"Marked in advance by {text.clinic_fallback}: ")
    assert clinic_marks_lines(Answers(regions=[RegionPain(region="heel", side="right", intensity=5)])) == []
    own = clinic_marks_lines(Answers(regions=[_mark("heel", "right", None, from_clinic=False)]))
    assert own[0] == text.unrated_areas.format(areas="Right underside and inner heel")


@given(st.text(min_size=1, max_size=80))
def test_the_clinic_name_in_the_result_is_literal_text(name: str) -> None:
    answers = Answers.model_validate(
        {"origin": {"clinic": name}, "regions": [{"region": "heel", "side": "left", "intensity": None, "from_clinic": True}]}
    )
    clinic = answers.origin.clinic if answers.origin else None
    line = clinic_marks_lines(answers)[0]
    shown = literal(clinic) if clinic else load_ui_text().results.clinic_fallback
    assert line.startswith(f"Marked in advance by {shown}: ")
