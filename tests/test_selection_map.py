"""The tappable map's data (nervetriage/selection_map.py), without Streamlit or a browser."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest

from nervetriage.bodymap import VIEWS, Target, intensity_colour, region_polygons, target_at, view_offsets
from nervetriage.content import load_content
from nervetriage.geometry import point_in_polygon
from nervetriage.models import Answers, RegionPain, SiteReport
from nervetriage.selection_map import (
    MAX_OPS,
    apply_taps,
    chosen_styles,
    clipped_box,
    is_chosen,
    map_areas,
    parse_op,
    pole_of_inaccessibility,
    static_payload,
)


def test_every_polygon_of_both_views_is_an_area_in_the_order_target_at_tests_them() -> None:
    areas = map_areas()
    expected = [(view, p.kind, p.id, p.side) for view in VIEWS for p in region_polygons(view)]
    assert [(a.view, a.kind, a.id, a.side) for a in areas] == expected
    assert len({(a.view, a.key) for a in areas}) == len(areas), "one area per view and key (a site and a region may share an id)"
    both_views = {a.key for a in areas if a.view == "front"} & {a.key for a in areas if a.view == "back"}
    assert "outer_knee:left" in both_views, "a region drawn in both views is one answer, with an area in each"
    content = load_content()
    for region in content.regions:
        for side in ("left", "right"):
            assert f"{region.id}:{side}" in {a.key for a in areas}, (region.id, side)
    assert {a.id for a in areas if a.kind == "site"} == {s.id for s in content.sites}


def test_each_areas_middle_point_is_inside_it_and_hits_exactly_it() -> None:
    offsets = view_offsets()
    for area in map_areas():
        x, y = area.at
        assert point_in_polygon(x, y, area.points), area.key
        assert area.radius > 0.3, f"{area.key}: its middle is well inside ({area.radius})"
        assert target_at(area.view, x - offsets[area.view], y) == area.target, area.key


def test_the_pole_of_inaccessibility_of_simple_shapes() -> None:
    (x, y), r = pole_of_inaccessibility([(0, 0), (10, 0), (10, 4), (0, 4), (0, 0)])
    assert abs(y - 2) < 0.05 and 2 - 0.05 < r <= 2 + 1e-9 and 2 - 0.05 <= x <= 8 + 0.05
    (x, y), r = pole_of_inaccessibility([(0, 0), (10, 0), (10, 2), (2, 2), (2, 10), (0, 10), (0, 0)])  # an L
    assert point_in_polygon(x, y, [(0, 0), (10, 0), (10, 2), (2, 2), (2, 10), (0, 10)])
    assert abs(r - 2 * 2**0.5 / (1 + 2**0.5)) < 0.03  # in the corner, touching both outer walls and the inner corner


def test_the_static_payload_is_json_a_valid_figure_and_has_no_click_markers() -> None:
    payload_id, payload = static_payload()
    text = json.dumps(payload)
    assert len(text) < 200_000
    assert static_payload()[0] == payload_id, "the same payload, the same id"
    figure = payload["figure"]
    go.Figure(figure)  # plotly validates every trace and layout property
    assert not any("customdata" in trace for trace in figure["data"])
    assert figure["layout"]["hovermode"] is False and figure["layout"]["dragmode"] is False
    at = payload["highlightAt"]
    assert 0 < at < len(figure["data"]), "chosen areas are drawn over the regions, under the body's outline"
    assert [m["id"] for m in payload["modes"]] == ["whole", "legs_front", "legs_back"]
    assert static_payload(site_format="{site} (spine)")[0] != payload_id


def test_every_area_is_in_view_in_the_whole_body_and_the_small_ones_in_a_close_up() -> None:
    modes = {m["id"]: m for m in static_payload()[1]["modes"]}
    for area in map_areas():
        assert clipped_box(area, modes["whole"]) is not None, area.key
        if area.kind == "region" and max(p[1] for p in area.points) < 100:  # the legs
            close_up = modes[f"legs_{area.view}"]
            box = clipped_box(area, close_up)
            assert box is not None, area.key
            x0, x1 = close_up["x"]
            y0, y1 = close_up["y"]
            assert x0 <= area.at[0] <= x1 and y0 <= area.at[1] <= y1, f"{area.key}: its keyboard button is in the close-up"


def test_chosen_styles_shade_by_strength_split_both_sides_and_mark_sites() -> None:
    answers = Answers(
        regions=[RegionPain(region="heel", side="both", intensity=9), RegionPain(region="calf", side="left", intensity=None)],
        sites=[SiteReport(site="low_back", stiffness=True)],
    )
    styles = chosen_styles(answers)
    assert set(styles) == {"heel:left", "heel:right", "calf:left", "low_back:"}
    colour = intensity_colour(9)
    assert styles["heel:left"][0].startswith(f"rgba({int(colour[1:3], 16)},{int(colour[3:5], 16)},{int(colour[5:7], 16)},")
    assert styles["calf:left"][0] != styles["heel:left"][0], "an unrated mark is not a pain shade"


def test_parse_op_takes_only_well_formed_taps() -> None:
    assert parse_op([3, "calf", "left", 1]) is not None
    tap = parse_op([3, "calf", "left", True])
    assert tap is not None and tap.on and tap.target == Target("region", "calf", "left")
    site = parse_op([4, "low_back", "", 0])
    assert site is not None and site.target == Target("site", "low_back") and not site.on
    unknown = parse_op([5, "elbow", "left", 1])
    assert unknown is not None and unknown.target is None, "a well-formed op for no area: skipped, but acknowledged"
    for bad in ([0, "calf", "left", 1], [True, "calf", "left", 1], ["1", "calf", "left", 1], [2**60, "calf", "left", 1],
                [1, "calf", "left", 2], [1, "calf", "left"], "calf", None, {"seq": 1}, [1.0, "calf", "left", 1]):
        assert parse_op(bad) is None, bad


def test_apply_taps_in_order_once_and_only_changes_what_differs() -> None:
    ops = [[2, "calf", "left", 0], [1, "calf", "left", 1], [3, "heel", "right", 1], [4, "heel", "right", 1]]
    result = apply_taps(Answers(), ops, 0)
    assert result.answers.regions == [RegionPain(region="heel", side="right", intensity=5)]
    assert result.last_seq == 4 and result.changed
    again = apply_taps(result.answers, ops, result.last_seq)
    assert again.answers == result.answers and not again.changed and again.last_seq == 4
    newer = apply_taps(result.answers, [*ops, [5, "heel", "right", 0]], 4)
    assert newer.answers.regions == [] and newer.last_seq == 5
    assert is_chosen(Answers(regions=[RegionPain(region="heel", side="both", intensity=3)]), Target("region", "heel", "left"))


@pytest.mark.parametrize("ops", [None, "x", 12, {"a": 1}, [[1, "calf", "left", 1]] * (MAX_OPS + 50)])
def test_apply_taps_is_safe_with_anything(ops: object) -> None:
    result = apply_taps(Answers(), ops, 0)
    if isinstance(ops, list):
        assert result.answers.regions == [RegionPain(region="calf", side="left", intensity=5)]
    else:
        assert result.answers == Answers() and result.last_seq == 0
