"""The results map draws each nerve on the side of the body where it runs.

Which view a part of a nerve belongs to is read here straight from the course data: each
landmark of ``content/bodymap.yaml`` is placed in one view (front or back), and a nerve's
course (``content/nerves.yaml``, with the ``via`` landmarks of the drawing hints) runs in
a view between consecutive landmarks placed there. Checked for every example, every cited
validation case and random answers: no nerve is drawn on a view it does not run in, the
spine and the crimps along it are on the back only, the legend lists the nerves in the
ranked order, and nerves sharing a path are drawn side by side, not on top of each other.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from shapely.geometry import Point as SPoint
from shapely.geometry import Polygon as SPolygon
from shapely.ops import unary_union
from strategies import answers as answer_strategy

from nervetriage.bodymap import (
    LANE_STEP,
    MIN_UPRIGHT,
    Drawing,
    Shape,
    build_results_figure,
    nerve_course_pieces,
    nerve_views,
    outline_polylines,
    region_polygons,
    results_drawing,
)
from nervetriage.content import load_content
from nervetriage.examples import load_examples
from nervetriage.geometry import VIEWS, View, load_geometry
from nervetriage.models import Answers, Assessment, RegionPain, SiteReport
from nervetriage.scoring import assess
from nervetriage.validation import load_cases

CONTENT = load_content()
GEOMETRY = load_geometry()
SAMPLES: dict[str, Answers] = {f"example:{e.id}": e.fresh_answers() for e in load_examples()}
SAMPLES.update({f"case:{c.id}": c.answers for c in load_cases()})
MAX_NERVES = 4
#: Two lines this close (centre to centre, in figure units of about 1 cm) look like one at
#: the app's scale: the widest nerve line is about 1.1 units wide (3.6 px at 3.3 px a unit).
APART = 1.0
#: Where two courses run within this of each other they share the path.
SHARED = 0.6
#: Nerves starting at one point (a root, where they come round from the other view) part
#: within this length of their course.
START = 8.0


# ------------------------------------------------------------------ the model, from the data


def _placed() -> dict[str, View]:
    """Landmark -> the view bodymap.yaml places it in."""
    out: dict[str, View] = {}
    for view in VIEWS:
        for name in GEOMETRY.data.views[view].landmarks:
            assert name not in out, f"{name} is placed in both views"
            out[name] = view
    return out


PLACED = _placed()
FIGURES = {view: unary_union([SPolygon(line) for line in outline_polylines(view)]).buffer(0.3) for view in VIEWS}


def _runs(nerve_id: str) -> list[tuple[View, list[str]]]:
    """The nerve's course (with the drawing hints' waypoints) cut into runs of one view each."""
    nerve = CONTENT.nerve(nerve_id)
    hints = {(s.from_, s.to): s.via for s in GEOMETRY.data.segments if s.nerve == nerve_id}
    chain = [nerve.course[0]]
    for a, b in itertools.pairwise(nerve.course):
        chain += [*hints.get((a, b), []), b]
    runs: list[tuple[View, list[str]]] = []
    for landmark in chain:
        view = PLACED[landmark]
        if runs and runs[-1][0] == view:
            runs[-1][1].append(landmark)
        else:
            runs.append((view, [landmark]))
    return runs


def _distance_to_polyline(points: np.ndarray, line: np.ndarray) -> np.ndarray:
    a, b = line[:-1], line[1:]
    ab = b - a
    t = np.clip(((points[:, None] - a[None]) * ab[None]).sum(axis=2) / np.maximum((ab * ab).sum(axis=1), 1e-12), 0, 1)
    return np.sqrt(((points[:, None] - (a[None] + t[..., None] * ab[None])) ** 2).sum(axis=2)).min(axis=1)


def _course_polyline(nerve_id: str, side: str, view: View) -> np.ndarray:
    """Straight lines through the nerve's landmarks in ``view`` (from the spine, if it starts there)."""
    geo = GEOMETRY.view(view)
    points: list[tuple[float, float]] = []
    for i, (run_view, landmarks) in enumerate(_runs(nerve_id)):
        if run_view != view:
            continue
        run = [geo.landmark(lm, side) for lm in landmarks]  # type: ignore[arg-type]
        if i == 0 and view == "back":
            run.insert(0, (0.0, run[0][1]))
        points += run
    return np.asarray(points, dtype=float)


def _sides(assessment: Assessment, nerve_id: str) -> list[str]:
    suspect = next(n for n in assessment.nerves if n.id == nerve_id)
    return ["left", "right"] if "both" in suspect.sides else [s for s in suspect.sides if s != "both"]


def _nerve_shapes(drawing: Drawing, layer: str = "nerve") -> list[Shape]:
    return [s for s in drawing.shapes if s.layer == layer and s.group and s.group.startswith("nerve:")]


# ------------------------------------------------------------------ the checks


def check_nerves_run_where_they_are_drawn(answers: Answers, assessment: Assessment, drawing: Drawing) -> None:
    """Every point of a nerve line lies on the nerve's course in that view, within its lane."""
    for shape in _nerve_shapes(drawing) + _nerve_shapes(drawing, "branch"):
        nerve_id = shape.group.removeprefix("nerve:")  # type: ignore[union-attr]
        views = {view for view, _ in _runs(nerve_id)}
        assert shape.view in views, f"{nerve_id} is drawn on the {shape.view} view, where it does not run"
        # side by side with up to three others, the bundle moved over at the edge of a limb
        tolerance = (MAX_NERVES - 1) * LANE_STEP / MIN_UPRIGHT + 1.5
        points = np.asarray(shape.points if shape.layer == "nerve" else shape.points[:1], dtype=float)
        near = np.min([_distance_to_polyline(points, _course_polyline(nerve_id, side, shape.view))
                       for side in _sides(assessment, nerve_id)], axis=0)
        worst = int(near.argmax())
        assert near[worst] <= tolerance, (
            f"{nerve_id} ({shape.layer}) strays {near[worst]:.1f} from its course on the {shape.view} view at {shape.points[worst]}"
        )


def check_the_spine_and_its_crimps_are_on_the_back_only(answers: Answers, assessment: Assessment, drawing: Drawing) -> None:
    for shape in drawing.shapes:
        if shape.layer in ("spine", "site"):
            assert shape.view == "back", f"{shape.layer} drawn on the {shape.view} view"
    for mark in drawing.marks:
        assert mark.view == "back", f"crimp mark on the {mark.view} view at ({mark.x}, {mark.y})"
    assert len(drawing.marks) == len(assessment.sites)
    assert not [s for s in drawing.shapes if s.view == "front" and s.layer in ("spine", "site")]


def check_the_legend_follows_the_ranked_list(answers: Answers, assessment: Assessment, drawing: Drawing) -> None:
    nerves = [e for e in drawing.legend if e.group.startswith("nerve:")]
    assert [e.group for e in nerves] == [f"nerve:{n.id}" for n in assessment.nerves[:MAX_NERVES]]
    assert [e.label.split(".")[0] for e in nerves] == [str(i + 1) for i in range(len(nerves))]


def check_nerves_on_a_shared_path_are_drawn_apart(answers: Answers, assessment: Assessment, drawing: Drawing) -> None:
    """Along every stretch two nerves share (their courses within SHARED of each other), the
    drawn lines are at least APART from each other. Left out: the first START units of each
    line, where nerves leaving the spine at one root (or coming round from the other view
    at one point) start together and part."""
    lines: list[tuple[str, View, np.ndarray, np.ndarray, bool]] = []  # nerve, view, centreline, drawn line, goes round
    for shape in _nerve_shapes(drawing):
        nerve_id = shape.group.removeprefix("nerve:")  # type: ignore[union-attr]
        drawn = np.asarray(shape.points, dtype=float)
        # the centreline of the same piece: a lane moves a line sideways, point by point
        [centre] = [
            np.asarray(p.points, dtype=float)
            for side in _sides(assessment, nerve_id)
            for p in nerve_course_pieces(nerve_id, side, shape.view)  # type: ignore[arg-type]
            if len(p.points) == len(drawn) and np.allclose(np.asarray(p.points)[:, 1], drawn[:, 1])
            and np.abs(np.asarray(p.points)[:, 0] - drawn[:, 0]).max() <= 2 * MAX_NERVES * LANE_STEP
            and np.sign(np.asarray(p.points)[-1, 0]) == np.sign(drawn[-1, 0])
        ]
        runs = [view for view, _ in _runs(nerve_id)]
        lines.append((nerve_id, shape.view, centre, drawn, runs.index(shape.view) < len(runs) - 1))

    for (na, va, ca, da, ra), (nb, vb, cb, db, rb) in itertools.permutations(lines, 2):
        if na == nb or va != vb:
            continue
        keep_b = _beyond_start(cb, rb)
        if keep_b.sum() < 2:
            continue
        shared = (_distance_to_polyline(ca, cb[keep_b]) < SHARED) & _beyond_start(ca, ra)
        if not shared.any():
            continue
        apart = _distance_to_polyline(da[shared], db[keep_b])
        worst = int(apart.argmin())
        assert apart[worst] >= APART, (
            f"{na} and {nb} share a path on the {va} view but are drawn {apart[worst]:.2f} apart at {tuple(da[shared][worst])}"
        )


def _beyond_start(centre: np.ndarray, goes_round: bool) -> np.ndarray:
    """False for the first START units of a line (where it leaves the spine at its root, or
    comes round from the other view) and, if it goes round to the other view, its last:
    nerves starting (or going round) together do so at one point."""
    arc = np.concatenate([[0.0], np.cumsum(np.sqrt((np.diff(centre, axis=0) ** 2).sum(axis=1)))])
    return (arc > START) & ((arc[-1] - arc > START) | (not goes_round))


def check_nerve_lines_stay_on_the_figure(answers: Answers, assessment: Assessment, drawing: Drawing) -> None:
    """A lane beside a course stays on the limb (links into the soles inset cross the gap)."""
    for shape in _nerve_shapes(drawing):
        if shape.dash != "solid":
            continue
        figure = FIGURES[shape.view]
        outside = [p for p in shape.points if not figure.contains(SPoint(p))]
        assert not outside, f"{shape.group} runs off the {shape.view} figure at {outside[:3]}"


CHECKS = [
    check_nerve_lines_stay_on_the_figure,
    check_nerves_run_where_they_are_drawn,
    check_the_spine_and_its_crimps_are_on_the_back_only,
    check_the_legend_follows_the_ranked_list,
    check_nerves_on_a_shared_path_are_drawn_apart,
]


def _check_all(answers: Answers) -> None:
    assessment = assess(answers)
    drawing = results_drawing(answers, assessment, max_nerves=MAX_NERVES)
    for check in CHECKS:
        check(answers, assessment, drawing)


@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_every_example_and_cited_case_draws_each_nerve_where_it_runs(sample: str) -> None:
    _check_all(SAMPLES[sample])


@given(answer_strategy(max_journal=0))
def test_any_answers_draw_each_nerve_where_it_runs(answers: Answers) -> None:
    _check_all(answers)


def test_every_area_and_site_with_a_crimp_on_both_sides_keeps_the_map_legible() -> None:
    """The busiest map there is: every area on both sides, every spinal site reported."""
    _check_all(Answers(
        regions=[RegionPain(region=r.id, side="both", intensity=7) for r in CONTENT.regions],
        sites=[SiteReport(site=s.id, pain=True) for s in CONTENT.sites],
    ))


# ------------------------------------------------------------------ named cases


def test_a_nerve_whose_whole_course_is_at_the_back_is_drawn_on_the_back_view_only() -> None:
    for nerve_id in ("sciatic", "tibial", "sural", "posterior_femoral_cutaneous", "common_fibular", "middle_cluneal"):
        assert nerve_views(nerve_id) == ("back",), nerve_id
    answers = Answers(regions=[RegionPain(region="back_of_thigh", side="left", intensity=7)])
    drawing = results_drawing(answers, assess(answers))
    assert _nerve_shapes(drawing)
    assert not [s for s in _nerve_shapes(drawing) if s.view == "front"]


def test_the_fibular_nerves_run_down_the_back_of_the_thigh_then_the_front_of_the_shin() -> None:
    for nerve_id in ("superficial_fibular", "deep_fibular"):
        back, front = nerve_course_pieces(nerve_id, "left")
        assert (back.view, front.view) == ("back", "front")
        fibular_head = GEOMETRY.view("back").landmark("fibular_head", "left")
        assert back.points[-1] == pytest.approx(fibular_head, abs=0.01)
        # on the front figure: from just below the outside of the knee down, nothing above it
        assert max(y for _x, y in front.points) <= GEOMETRY.view("front").landmark("fibular_neck_front", "left")[1] + 0.01


def test_nerves_from_the_lumbar_roots_to_the_front_leave_the_spine_on_the_back_and_run_on_the_front_from_the_pelvis() -> None:
    navel = (0.0, 107.5)
    for nerve_id in ("femoral", "saphenous", "lateral_femoral_cutaneous", "obturator"):
        root, front = nerve_course_pieces(nerve_id, "right")
        assert root.view == "back" and root.points[0][0] == 0
        assert max(abs(x) for x, _y in root.points) < 3  # the root beside the spine
        assert front.view == "front"
        assert front.points[0] == pytest.approx(GEOMETRY.view("front").landmark("psoas", "right"), abs=0.01)
        assert min(np.hypot(x - navel[0], y - navel[1]) for x, y in front.points) > 5, f"{nerve_id} runs over the navel"


def test_no_dotted_line_runs_behind_another_figure() -> None:
    """Dotted lines are branches to a painful area and links into the soles inset, nothing else."""
    answers = Answers(regions=[RegionPain(region=r.id, side="both", intensity=6) for r in CONTENT.regions])
    drawing = results_drawing(answers, assess(answers))
    for shape in _nerve_shapes(drawing):
        if shape.dash != "solid":
            assert shape.view == "back" and min(y for _x, y in shape.points) < 0 < max(y for _x, y in shape.points) + 12, shape
    assert not [s for s in drawing.shapes if s.layer == "spine" and s.dash != "solid"]


def test_the_figure_legend_lists_the_nerves_in_the_ranked_order() -> None:
    answers = SAMPLES["example:heel-fascia-or-baxter"]
    assessment = assess(answers)
    figure = build_results_figure(answers, assessment, cached=False)
    shown = sorted((t for t in figure.data if t.showlegend), key=lambda t: t.legendrank)
    drawing = results_drawing(answers, assessment)
    assert [t.name for t in shown] == [e.label for e in drawing.legend]
    nerve_rows = [t.name for t in shown if t.legendgroup and t.legendgroup.startswith("nerve:")]
    assert nerve_rows == [f"{i + 1}. {n.name}, {'both sides' if 'both' in n.sides else n.sides[0] + ' side'}"
                          for i, n in enumerate(assessment.nerves[:4])]


def test_every_region_has_a_polygon_on_some_view() -> None:
    drawn = {p.id for view in VIEWS for p in region_polygons(view) if p.kind == "region"}
    missing = sorted(r.id for r in CONTENT.regions if r.id not in drawn)
    assert not missing, f"regions without a polygon on either view: {missing}"


def test_views_of_the_course_come_from_where_the_landmarks_are_placed() -> None:
    """The model's views agree with the data read directly (each landmark in one view)."""
    for nerve in CONTENT.nerves:
        assert nerve_views(nerve.id) == tuple(v for v in VIEWS if v in {view for view, _ in _runs(nerve.id)}), nerve.id
        for side in ("left", "right"):
            drawn = [p.view for p in nerve_course_pieces(nerve.id, side)]
            # a run of one landmark is drawn only at the start (from the spine out to the root)
            runs = [view for i, (view, landmarks) in enumerate(_runs(nerve.id)) if len(landmarks) > 1 or i == 0]
            assert [v for v, _ in itertools.groupby(drawn)] == runs, nerve.id
