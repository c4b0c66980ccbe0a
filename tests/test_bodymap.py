"""Body-map geometry, clicks and figures, without Streamlit."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import plotly.graph_objects as go
import pytest
from shapely.geometry import Point as SPoint
from shapely.geometry import Polygon as SPolygon
from shapely.ops import unary_union

from nervetriage.bodymap import (
    NERVE_COLOURS,
    Target,
    apply_click,
    build_results_figure,
    click_targets,
    figure_from_drawing,
    intensity_colour,
    landmark_point,
    nerve_course_pieces,
    nerve_course_points,
    nerve_views,
    outline_polylines,
    region_at,
    region_polygons,
    results_drawing,
    selected_labels,
    selection_drawing,
    view_bounds,
    view_offsets,
)
from nervetriage.content import CONTENT_DIR, ContentError, load_content
from nervetriage.geometry import VIEWS, View, load_bodymap_from
from nervetriage.models import Answers, RegionPain, SiteReport
from nervetriage.scoring import assess

CONTENT = load_content()


def _body(view: str):  # type: ignore[no-untyped-def]
    """The figure's whole drawn area (body plus soles inset) as one shapely shape."""
    return unary_union([SPolygon(line) for line in outline_polylines(view)])  # type: ignore[arg-type]


# ------------------------------------------------------------------ geometry


@pytest.mark.parametrize("view", VIEWS)
def test_every_polygon_is_closed_valid_and_inside_the_body(view: str) -> None:
    body = _body(view).buffer(0.05)
    xmin, xmax, ymin, ymax = view_bounds(view)
    for poly in region_polygons(view):
        assert poly.points[0] == poly.points[-1], f"{poly.id} {poly.side} is not closed"
        shape = SPolygon(poly.points)
        assert shape.is_valid, f"{poly.id} {poly.side} crosses itself"
        assert shape.area > 4, f"{poly.id} {poly.side} is too small to click"
        assert body.contains(shape), f"{poly.id} {poly.side} sticks out of the body outline"
        for x, y in poly.points:
            assert xmin <= x <= xmax and ymin <= y <= ymax


@pytest.mark.parametrize("view", VIEWS)
def test_no_two_polygons_of_one_view_overlap(view: str) -> None:
    shapes = [(p.id, p.side, SPolygon(p.points)) for p in region_polygons(view)]
    for (id_a, side_a, a), (id_b, side_b, b) in itertools.combinations(shapes, 2):
        overlap = a.intersection(b).area
        assert overlap < 0.01, f"{id_a} {side_a} overlaps {id_b} {side_b} by {overlap:.3f}"


def test_outlines_are_closed_and_the_body_is_about_seven_and_a_half_heads_tall() -> None:
    for view in VIEWS:
        for line in outline_polylines(view):
            assert line[0] == line[-1]
        body = SPolygon(outline_polylines(view)[0])
        assert body.is_valid
        xmin, ymin, xmax, ymax = body.bounds
        assert (ymin, ymax) == (0, 180)
        assert 2.6 < (ymax - ymin) / (xmax - xmin) < 3.5  # arms hang close to the body
        assert body.bounds[0] == pytest.approx(-body.bounds[2])  # mirror symmetric


def test_every_region_is_drawn_on_both_sides_in_each_of_its_views() -> None:
    for region in CONTENT.regions:
        for view in VIEWS:
            sides = {p.side for p in region_polygons(view) if p.kind == "region" and p.id == region.id}
            if view in region.views:
                assert sides == {"left", "right"}, f"{region.id} in the {view} view"
            else:
                assert not sides, f"{region.id} is drawn in the {view} view but regions.yaml does not list it"


def test_sites_along_the_nerve_are_side_less_midline_shapes_on_the_back() -> None:
    sites = [p for p in region_polygons("back") if p.kind == "site"]
    assert sorted(p.id for p in sites) == sorted(s.id for s in CONTENT.sites)
    for poly in sites:
        assert poly.side is None
        assert SPolygon(poly.points).centroid.x == pytest.approx(0, abs=1e-6)
    assert not [p for p in region_polygons("front") if p.kind == "site"]


def test_every_lower_limb_region_maps_to_nerves_that_can_be_drawn() -> None:
    for region in CONTENT.regions:
        assert region.nerves, region.id
        for nerve_id in [*region.nerves, *(a.nerve for a in region.also_consider)]:
            for side in ("left", "right"):
                assert len(nerve_course_points(nerve_id, side)) >= 2


@pytest.mark.parametrize("nerve", [n.id for n in CONTENT.nerves])
def test_every_nerve_course_can_be_drawn_inside_the_figure_where_it_runs(nerve: str) -> None:
    for side in ("left", "right"):
        points = nerve_course_points(nerve, side)
        assert len(points) == len(CONTENT.nerve(nerve).course)
        for view, point in points:
            assert _body(view).buffer(0.5).contains(SPoint(point)), f"{nerve} {side}: landmark {point} outside the {view} figure"
        pieces = nerve_course_pieces(nerve, side)
        assert pieces and all(len(p.points) >= 2 for p in pieces)
        assert pieces[0].view == "back" and pieces[0].points[0][0] == 0  # joined to the spine, at the back
        assert pieces[-1].points[-1] == pytest.approx(points[-1][1], abs=0.01)
        for piece in pieces:
            assert piece.view in nerve_views(nerve)
            area = _body(piece.view).buffer(0.5)
            for x, y in piece.points:
                assert area.contains(SPoint(x, y)) or piece.link, f"{nerve} {side}: ({x}, {y}) outside the {piece.view} figure"


def test_left_and_right_landmarks_are_mirror_images_and_sides_follow_the_view() -> None:
    placed: tuple[tuple[str, View], ...] = (("root_l5", "back"), ("psoas", "front"))
    for landmark, view in placed:
        lx, ly = landmark_point(landmark, "left", view)
        rx, ry = landmark_point(landmark, "right", view)
        assert (lx, ly) == (-rx, ry)
    # facing you, the person's left is on your right; from behind, on your left
    assert landmark_point("psoas", "left", "front")[0] > 0
    assert landmark_point("root_l5", "left", "back")[0] < 0


def test_front_view_has_the_persons_right_on_the_viewers_left() -> None:
    assert region_at("front", -5.5, 28) == ("inner_shin", "right")
    assert region_at("front", 5.5, 28) == ("inner_shin", "left")
    assert region_at("back", -8.5, 28) == ("calf", "left")
    assert region_at("back", 8.5, 28) == ("calf", "right")


@pytest.mark.parametrize(
    ("view", "x", "y", "expected"),
    [
        ("front", 8.4, 97.5, ("groin", "left")),  # on the groin crease
        ("front", -8.4, 97.5, ("groin", "right")),
        # the shin and the ankle from the front: inner, front, outer
        ("front", 5.5, 28, ("inner_shin", "left")),
        ("front", 8.6, 28, ("front_of_shin", "left")),
        ("front", 11.5, 28, ("outer_shin", "left")),
        ("front", 5.5, 8.5, ("inner_ankle", "left")),
        ("front", 8.0, 8.5, ("front_of_ankle", "left")),
        ("front", 10.6, 8.5, ("outer_ankle", "left")),
        ("front", 8, 2, ("top_of_foot", "left")),
        ("front", 13.8, 1.2, ("outer_foot", "left")),  # the little toe
        # behind the ankle: inner, Achilles, outer; the back of the heel bone below
        ("back", 5.6, 8, ("inner_ankle", "right")),
        ("back", 8.0, 8, ("back_of_heel", "right")),
        ("back", 10.5, 8, ("outer_ankle", "right")),
        ("back", 8, 1.5, ("back_of_heel", "right")),
        # the soles inset, heel at the top
        ("back", 9, -8, ("heel", "right")),
        ("back", 8, -16, ("sole", "right")),
        ("back", 11.8, -16, ("outer_foot", "right")),
        ("back", 9, -22.5, ("ball_of_foot", "right")),
        ("back", 8, -28, ("under_toes", "right")),
        # the low back: the spine is the site, the region lies either side of it
        ("back", 2, 110, ("low_back", None)),
        ("back", 10, 112, ("low_back", "right")),
        ("back", -10, 112, ("low_back", "left")),
        ("back", 10, 104.5, ("iliac_crest", "right")),
        ("back", 3, 100, ("pelvis", None)),
        ("back", 10, 98, ("buttock", "right")),
    ],
)
def test_each_region_lies_where_people_point(view: str, x: float, y: float, expected: tuple[str, str | None]) -> None:
    assert region_at(view, x, y) == expected  # type: ignore[arg-type]


def test_nerve_landmarks_of_the_new_regions_lie_inside_them() -> None:
    assert region_at("back", *landmark_point("iliac_crest", "right", "back")) == ("iliac_crest", "right")
    assert region_at("front", *landmark_point("ankle_front", "left", "front")) == ("front_of_ankle", "left")


# ------------------------------------------------------------------ clicks


def test_region_at_finds_the_region_under_a_point_and_nothing_outside_the_body() -> None:
    assert region_at("front", 11.0, 22) == ("outer_shin", "left")
    assert region_at("front", -11.0, 22) == ("outer_shin", "right")
    assert region_at("back", 0, 110) == ("low_back", None)
    assert region_at("back", 8, -20) == ("sole", "right")
    assert region_at("front", 0, 50) is None  # between the legs
    assert region_at("front", 0, 170) is None  # the head is not a region
    assert region_at("back", 40, 20) is None  # beside the figure


def test_click_markers_cover_every_polygon_from_inside() -> None:
    markers = click_targets()
    assert 500 <= len(markers) <= 900
    for view in VIEWS:
        for poly in region_polygons(view):
            own = [m for m in markers if m.view == view and m.target == Target(poly.kind, poly.id, poly.side)]
            assert len(own) >= 4, f"{poly.id} {poly.side} has only {len(own)} click markers"
            for m in own:
                assert region_at(view, m.x, m.y) == (poly.id, poly.side)


def test_clicking_a_new_region_adds_it_at_intensity_five_on_the_clicked_side() -> None:
    answers = apply_click(Answers(), Target("region", "outer_shin", "left"))
    assert answers.regions == [RegionPain(region="outer_shin", side="left", intensity=5)]


def test_clicking_a_chosen_region_again_removes_it() -> None:
    start = Answers(regions=[RegionPain(region="calf", side="right", intensity=8)])
    assert apply_click(start, Target("region", "calf", "right")).regions == []


def test_clicking_the_other_side_adds_it_separately_keeping_each_intensity() -> None:
    start = Answers(regions=[RegionPain(region="calf", side="right", intensity=8)])
    after = apply_click(start, Target("region", "calf", "left"))
    assert after.regions == [RegionPain(region="calf", side="right", intensity=8), RegionPain(region="calf", side="left", intensity=5)]


def test_clicking_one_side_of_a_both_sides_region_leaves_the_other_side() -> None:
    start = Answers(regions=[RegionPain(region="heel", side="both", intensity=7)])
    after = apply_click(start, Target("region", "heel", "left"))
    assert after.regions == [RegionPain(region="heel", side="right", intensity=7)]


def test_clicking_a_site_toggles_it_as_painful() -> None:
    added = apply_click(Answers(), Target("site", "low_back"))
    assert added.sites == [SiteReport(site="low_back", pain=True)]
    assert apply_click(added, Target("site", "low_back")).sites == []
    stiff_only = Answers(sites=[SiteReport(site="neck", stiffness=True)])
    assert apply_click(stiff_only, Target("site", "neck")).sites == []  # shown as chosen, so a click clears it
    empty_report = Answers(sites=[SiteReport(site="neck")])
    assert apply_click(empty_report, Target("site", "neck")).sites == [SiteReport(site="neck", pain=True)]


def test_selected_labels_list_what_the_map_shows_in_words() -> None:
    answers = Answers(
        regions=[RegionPain(region="outer_shin", side="left", intensity=7)],
        sites=[SiteReport(site="neck", stiffness=True)],
    )
    assert selected_labels(answers) == ["Left outer shin (7/10)", "Neck (stiff, along the nerve)"]


# ------------------------------------------------------------------ figures


def _traces(fig, name_part: str):  # type: ignore[no-untyped-def]
    return [t for t in fig.data if t.name and name_part in t.name]


def test_selection_figure_shades_chosen_regions_by_intensity_and_keeps_its_axes_fixed() -> None:
    answers = Answers(regions=[RegionPain(region="outer_shin", side="left", intensity=9)])
    drawing = selection_drawing(answers)
    chosen = [s for s in drawing.shapes if s.layer == "chosen"]
    assert chosen and all(s.fill == intensity_colour(9) for s in chosen)
    fig = figure_from_drawing(drawing)
    fills = [t.fillcolor for t in fig.data if t.fill == "toself"]
    assert any(f.startswith("rgba(") for f in fills)
    assert fig.layout.xaxis.fixedrange and fig.layout.yaxis.fixedrange
    assert intensity_colour(0) != intensity_colour(10)


def test_results_map_draws_each_nerve_on_the_painful_side_only() -> None:
    answers = Answers(regions=[RegionPain(region="outer_shin", side="left", intensity=7)])
    assessment = assess(answers)
    fig = build_results_figure(answers, assessment)
    front = view_offsets()["front"]
    [trace] = [t for t in fig.data if t.name and "Superficial fibular" in t.name]
    xs = [x for t in fig.data if t.legendgroup == "nerve:superficial_fibular" for x in t.x if x is not None]
    # facing you, the person's left leg is on your right: every point at or right of the midline
    assert xs and min(xs) >= front - 0.01 and max(xs) > front + 8
    assert trace.line.color == NERVE_COLOURS[0]


def test_results_map_draws_both_legs_when_both_sides_hurt() -> None:
    answers = Answers(regions=[RegionPain(region="calf", side="both", intensity=6)])
    fig = build_results_figure(answers, assess(answers))
    back = view_offsets()["back"]
    top = assess(answers).nerves[0].id
    xs = [x for t in fig.data if t.legendgroup == f"nerve:{top}" for x in t.x if x is not None]
    assert min(xs) < back - 5 and max(xs) > back + 5


def test_higher_ranked_nerves_are_drawn_wider_and_at_most_four() -> None:
    answers = Answers(regions=[RegionPain(region=r, side="left", intensity=6) for r in ("heel", "sole", "calf", "outer_shin", "buttock")])
    assessment = assess(answers)
    drawing = results_drawing(answers, assessment)
    widths = []
    for suspect in assessment.nerves[:4]:
        lines = [s for s in drawing.shapes if s.group == f"nerve:{suspect.id}" and s.layer == "nerve" and s.dash == "solid"]
        widths.append(lines[0].width)
    assert widths == sorted(widths, reverse=True) and widths[0] > widths[-1]
    assert len({s.group for s in drawing.shapes if s.layer == "nerve"}) <= 4


def test_reported_sites_are_marked_as_crimps_on_the_spine_in_the_back_view_only() -> None:
    answers = Answers(regions=[RegionPain(region="calf", side="left")], sites=[SiteReport(site="low_back", pain=True)])
    assessment = assess(answers)
    assert assessment.sites == ["low_back"]
    fig = build_results_figure(answers, assessment)
    [crimps] = _traces(fig, "Crimp")
    # the spine is at the back: a crimp there is not drawn on the front figure's belly
    assert list(zip(crimps.x, crimps.y, strict=True)) == [(view_offsets()["back"] + 0, 110)]


def test_dermatome_overlay_is_off_by_default_and_labels_regions_when_on() -> None:
    answers = Answers(regions=[RegionPain(region="outer_shin", side="left")])
    assessment = assess(answers)
    assert not _traces(build_results_figure(answers, assessment), "Dermatomes")
    [labels] = [t for t in build_results_figure(answers, assessment, dermatomes=True).data if t.mode == "text"]
    assert {"L1-2", "L3", "L4", "L5", "S1", "S2", "S3"} <= set(labels.text)
    allowed = {"L1", "L1-2", "L1-3", "L2-3", "L3", "L3-4", "L4", "L4-5", "L5", "L5-S1", "S1", "S1-2", "S2", "S3"}
    assert set(labels.text) <= allowed
    # the pain is on the left, so the labels go on the right leg, away from the drawn nerves:
    # facing you that leg is on your left, from behind on your right
    offsets = view_offsets()
    front = [x for x in labels.x if abs(x - offsets["front"]) < 40]
    back = [x for x in labels.x if abs(x - offsets["back"]) < 40]
    assert front and all(x < offsets["front"] for x in front)
    assert back and all(x > offsets["back"] for x in back)


def test_figures_pass_plotlys_full_validation() -> None:
    """The figures skip validation when built (for speed), so check here they would pass it."""
    answers = Answers(
        regions=[RegionPain(region=r.id, side="both", intensity=7) for r in CONTENT.regions],
        sites=[SiteReport(site=s.id, pain=True) for s in CONTENT.sites],
    )
    for fig in (
        figure_from_drawing(selection_drawing(answers)),
        build_results_figure(answers, assess(answers), dermatomes=True),
        build_results_figure(Answers(), assess(Answers())),
    ):
        validated = go.Figure(fig.to_dict())  # raises ValueError on any invalid property
        assert [t.name for t in validated.data] == [t.name for t in fig.data]
        assert len(validated.layout.annotations) == len(fig.layout.annotations)


def test_results_map_with_no_regions_says_so() -> None:
    fig = build_results_figure(Answers(), assess(Answers()))
    assert any("No painful areas" in a.text for a in fig.layout.annotations)


# ------------------------------------------------------------------ content validation


def _copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def test_bodymap_yaml_errors_name_the_file_and_field(tmp_path: Path) -> None:
    directory = _copy_content(tmp_path)
    path = directory / "bodymap.yaml"
    path.write_text(path.read_text().replace("click_grid_spacing: 3.3", "click_grid_spacing: -1"))
    with pytest.raises(ContentError, match=r"bodymap\.yaml: field click_grid_spacing"):
        load_bodymap_from(directory)


def test_bodymap_yaml_rejects_an_unknown_region(tmp_path: Path) -> None:
    directory = _copy_content(tmp_path)
    path = directory / "bodymap.yaml"
    path.write_text(path.read_text().replace("{region: inner_knee,", "{region: elbow,"))
    with pytest.raises(ContentError, match=r"bodymap\.yaml: field views\.front\.regions\.\d+\.region: unknown region 'elbow'"):
        load_bodymap_from(directory)


def test_bodymap_yaml_rejects_a_missing_landmark(tmp_path: Path) -> None:
    directory = _copy_content(tmp_path)
    path = directory / "bodymap.yaml"
    path.write_text(path.read_text().replace("      fibular_head: {frame: leg, at: [0.9, 46]}\n", ""))
    with pytest.raises(ContentError, match="common_fibular needs"):
        load_bodymap_from(directory)


def test_bodymap_yaml_rejects_a_leg_edge_that_runs_upwards(tmp_path: Path) -> None:
    directory = _copy_content(tmp_path)
    path = directory / "bodymap.yaml"
    path.write_text(path.read_text().replace("          - [13.6, 50.0]\n", "          - [13.6, 56.0]\n", 1))
    with pytest.raises(ContentError, match=r"bodymap\.yaml: field views\.front\.frames\.leg"):
        load_bodymap_from(directory)


def test_bodymap_yaml_rejects_a_landmark_placed_in_both_views(tmp_path: Path) -> None:
    """A landmark belongs to the one side of the body where the nerve runs there."""
    directory = _copy_content(tmp_path)
    path = directory / "bodymap.yaml"
    psoas = "      psoas: {at: [5.8, 102]}\n"
    path.write_text(path.read_text().replace(psoas, psoas + "      root_l3: {at: [2.6, 108]}\n"))
    with pytest.raises(ContentError, match=r"views\.back\.landmarks\.root_l3: already placed in the front view"):
        load_bodymap_from(directory)


def test_bodymap_yaml_rejects_a_waypoint_that_is_not_placed(tmp_path: Path) -> None:
    directory = _copy_content(tmp_path)
    path = directory / "bodymap.yaml"
    path.write_text(path.read_text().replace("via: [root_s1, sciatic_notch,", "via: [root_s1, nowhere,", 1))
    with pytest.raises(ContentError, match=r"segments\.0\.via\.1: landmark 'nowhere' is not placed in any view"):
        load_bodymap_from(directory)
