"""The body map: where it hurts, and the suspected nerves along their whole course.

Pure (no Streamlit). The geometry comes from ``content/bodymap.yaml`` (see
``nervetriage.geometry`` for the coordinate system). What to draw is computed once, as a
``Drawing`` of plain shapes, marks and texts in view-local coordinates; the Plotly figures
here and the PDF report both render that same ``Drawing``.

View-local coordinates: units of about 1 cm of a 180 cm adult; y up (0 = ground, 180 = top
of the head, the back view's soles inset below 0); x = 0 on the body's midline, positive to
the viewer's right. In the front view the person's right side is on the viewer's left
(x < 0); in the back view the person's left side is on the viewer's left. Figures place the
views side by side: figure x = ``view_offsets(views)[view]`` + local x.
"""

from __future__ import annotations

import functools
import itertools
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import plotly.graph_objects as go

from nervetriage.content import load_content
from nervetriage.geometry import (
    VIEWS,
    CompiledView,
    PersonSide,
    Point,
    Polygon,
    View,
    load_geometry,
    point_in_polygon,
    points_in_polygon,
)
from nervetriage.models import Answers, Assessment, RegionPain

__all__ = [
    "INTENSITY_STOPS",
    "NERVE_COLOURS",
    "UNRATED_FILL",
    "VIEWS",
    "ClickTarget",
    "CoursePiece",
    "Drawing",
    "LegendEntry",
    "Mark",
    "Polygon",
    "Shape",
    "SharedFigure",
    "Target",
    "Text",
    "apply_click",
    "build_results_figure",
    "click_targets",
    "detail_polylines",
    "figure_from_drawing",
    "intensity_colour",
    "landmark_point",
    "landmark_view",
    "nerve_course_pieces",
    "nerve_course_points",
    "nerve_views",
    "outline_polylines",
    "region_at",
    "region_label",
    "region_polygons",
    "results_drawing",
    "selected_labels",
    "selection_drawing",
    "target_at",
    "view_bounds",
    "view_offsets",
]

# ---------------------------------------------------------------------- palettes

#: ColorBrewer YlOrRd (sequential, ordered by lightness: readable with colour-blindness).
INTENSITY_STOPS: tuple[str, ...] = (
    "#ffffcc",
    "#ffeda0",
    "#fed976",
    "#feb24c",
    "#fd8d3c",
    "#fc4e2a",
    "#e31a1c",
    "#bd0026",
    "#800026",
)
#: Okabe-Ito colours for the suspected nerves, by rank (none is close to the pain shading).
NERVE_COLOURS: tuple[str, ...] = ("#0072B2", "#009E73", "#CC79A7", "#56B4E9")
NERVE_WIDTHS: tuple[float, ...] = (3.6, 3.1, 2.7, 2.3)
NERVE_OPACITY: tuple[float, ...] = (1.0, 0.9, 0.8, 0.75)

SKIN = "#f4efe9"
OUTLINE = "#6b625a"
DETAIL = "#a89d92"
REGION_BORDER = "#c9bfb4"
SITE_FILL = "#9e9e9e"
SPINE = "#4d4d4d"
CRIMP = "#000000"
CASING = "#ffffff"
CASING_WIDTH = 1.6  # px added to a nerve line for its white edge
DEFAULT_INTENSITY = 5
#: A marked area nobody has rated yet (a clinic marked it): a light blue-grey, outside the
#: yellow-to-red pain scale, so it claims no strength.
UNRATED_FILL = "#cfd8dc"
UNRATED_LEGEND = "Marked, not rated yet"


def intensity_colour(intensity: int | None) -> str:
    """The pain shade for 0-10 (pale yellow to dark red); an unrated area (None) gets ``UNRATED_FILL``."""
    if intensity is None:
        return UNRATED_FILL
    t = min(max(intensity, 0), 10) / 10 * (len(INTENSITY_STOPS) - 1)
    i = min(int(t), len(INTENSITY_STOPS) - 2)
    f = t - i

    def rgb(h: str) -> tuple[int, int, int]:
        return int(h[1:3], 16), int(h[3:5], 16), int(h[5:7], 16)

    a, b = rgb(INTENSITY_STOPS[i]), rgb(INTENSITY_STOPS[i + 1])
    r, g, bl = (round(a[k] + (b[k] - a[k]) * f) for k in range(3))
    return f"#{r:02x}{g:02x}{bl:02x}"


# ---------------------------------------------------------------------- geometry API


def _view(view: View) -> CompiledView:
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; use 'front' or 'back'")
    return load_geometry().view(view)


def outline_polylines(view: View) -> list[list[Point]]:
    """Closed outlines of the figure in ``view`` (the body, plus the soles in the back view)."""
    return [list(line) for line in _view(view).outlines]


def detail_polylines(view: View) -> list[list[Point]]:
    """Open decorative lines (kneecaps, collarbones, toes, shoulder blades)."""
    return [list(line) for line in _view(view).details]


def region_polygons(view: View) -> list[Polygon]:
    """Every clickable polygon in ``view``: regions (one per side) and midline sites."""
    return list(_view(view).polygons)


@functools.cache
def view_bounds(view: View) -> tuple[float, float, float, float]:
    """(xmin, xmax, ymin, ymax) of the figure in ``view``, view-local."""
    return _view(view).bounds()


def view_offsets(views: Sequence[View] = VIEWS) -> dict[View, float]:
    """Where each view's midline sits on the figure's x axis when views are side by side."""
    return dict(_view_offsets(tuple(views)))


@functools.cache
def _view_offsets(views: tuple[View, ...]) -> tuple[tuple[View, float], ...]:
    half = round(max(max(abs(view_bounds(v)[0]), abs(view_bounds(v)[1])) for v in VIEWS), 2)
    gap = load_geometry().data.gap_between_views
    if len(views) == 1:
        return ((views[0], 0.0),)
    step = 2 * half + gap
    start = -step * (len(views) - 1) / 2
    return tuple((v, round(start + i * step, 2)) for i, v in enumerate(views))


def landmark_point(landmark_id: str, side: PersonSide, view: View) -> Point:
    """A landmark on the person's ``side`` in ``view``, view-local."""
    return _view(view).landmark(landmark_id, side)


def landmark_view(landmark_id: str) -> View:
    """The one view a landmark is placed in: the side of the body (front or back) where
    the nerves run there. KeyError if it is placed in none."""
    for view in VIEWS:
        if landmark_id in _view(view).landmarks:
            return view
    raise KeyError(landmark_id)


def nerve_course_points(nerve_id: str, side: PersonSide) -> list[tuple[View, Point]]:
    """The nerve's course landmarks (spine outwards) on ``side``, each with the view it is placed in."""
    nerve = load_content().nerve(nerve_id)
    return [(landmark_view(lm), _view(landmark_view(lm)).landmark(lm, side)) for lm in nerve.course]


@dataclass(frozen=True)
class CoursePiece:
    """Part of a nerve's drawn course, in the one view where it runs there.

    A ``link`` is a thin dotted connector (from the ankle into the soles inset), not the
    course itself.
    """

    view: View
    points: tuple[Point, ...]
    link: bool = False


@dataclass(frozen=True)
class _Stretch:
    """A run of a nerve's course inside one view, sampled densely (spine outwards)."""

    view: View
    points: tuple[Point, ...]
    links: tuple[bool, ...]  # links[i]: the step from points[i] to points[i + 1] is a link
    from_spine: bool  # starts on the spine (joined to it at the first root)
    landmarks: tuple[str, ...]
    opening: float  # length from its start over which it may move into its lane (see _opening)
    closing: float  # length before its end over which it returns to its course (0: it stays in its lane)


def _catmull_rom_segments(points: list[Point]) -> list[list[Point]]:
    """A centripetal Catmull-Rom spline, returned segment by segment (control point to next)."""
    if len(points) < 2:
        return []
    p = np.asarray(points, dtype=float)
    p = np.vstack([2 * p[0] - p[1], p, 2 * p[-1] - p[-2]])
    segments: list[list[Point]] = []
    for i in range(1, len(p) - 2):
        p0, p1, p2, p3 = p[i - 1], p[i], p[i + 1], p[i + 2]
        t1 = max(float(np.linalg.norm(p1 - p0)) ** 0.5, 1e-6)
        t2 = t1 + max(float(np.linalg.norm(p2 - p1)) ** 0.5, 1e-6)
        t3 = t2 + max(float(np.linalg.norm(p3 - p2)) ** 0.5, 1e-6)
        n = max(2, math.ceil(float(np.linalg.norm(p2 - p1)) / 1.5))
        t = np.linspace(t1, t2, n + 1)[:, None]
        a1 = (t1 - t) / t1 * p0 + t / t1 * p1
        a2 = (t2 - t) / (t2 - t1) * p1 + (t - t1) / (t2 - t1) * p2
        a3 = (t3 - t) / (t3 - t2) * p2 + (t - t2) / (t3 - t2) * p3
        b1 = (t2 - t) / t2 * a1 + t / t2 * a2
        b2 = (t3 - t) / (t3 - t1) * a2 + (t - t1) / (t3 - t1) * a3
        c = (t2 - t) / (t2 - t1) * b1 + (t - t1) / (t2 - t1) * b2
        segments.append([(round(float(x), 2), round(float(y), 2)) for x, y in c])
    return segments


def _spine_views() -> tuple[View, ...]:
    """The views that show the spine: those where every spinal site's landmark is placed (the back)."""
    needed = [s.landmark for s in load_content().sites]
    return tuple(v for v in VIEWS if all(lm in _view(v).landmarks for lm in needed))


@functools.cache
def _course_stretches(nerve_id: str, side: PersonSide) -> tuple[_Stretch, ...]:
    """The course split where it passes from one side of the body to the other.

    Each landmark belongs to one view; consecutive landmarks of the same view make one
    stretch, drawn as a smooth line there. Between stretches the nerve runs through the body
    or round its side (from the roots forward into the pelvis, round the fibular neck):
    nothing is drawn there, so no line crosses the other side of the figure.
    """
    nerve = load_content().nerve(nerve_id)
    hints = {(s.from_, s.to): s for s in load_geometry().data.segments if s.nerve == nerve_id}
    chain: list[tuple[str, bool]] = [(nerve.course[0], False)]  # (landmark, the step to it is a link)
    for a, b in itertools.pairwise(nerve.course):
        hint = hints.get((a, b))
        link = bool(hint and hint.link)
        chain += [(via, link) for via in (hint.via if hint else [])]
        chain.append((b, link))
    runs: list[tuple[View, list[str], list[bool]]] = []
    for landmark, link in chain:
        view = landmark_view(landmark)
        if runs and runs[-1][0] == view:
            runs[-1][1].append(landmark)
            runs[-1][2].append(link)
        else:
            runs.append((view, [landmark], []))
    stretches: list[_Stretch] = []
    for i, (view, landmarks, links) in enumerate(runs):
        last = i == len(runs) - 1
        geo = _view(view)
        control = [geo.landmark(lm, side) for lm in landmarks]
        from_spine = i == 0 and view in _spine_views() and abs(control[0][0]) > 1e-9
        if from_spine:
            control.insert(0, (0.0, control[0][1]))  # joined to the spine: one cord from the spine outwards
            links.insert(0, False)
        if len(control) < 2:
            continue
        points: list[Point] = []
        dense_links: list[bool] = []
        for seg, link in zip(_catmull_rom_segments(control), links, strict=True):
            points.extend(seg if not points else seg[1:])
            dense_links.extend([link] * (len(seg) - 1))
        opening = abs(control[1][0]) + 1.0 if from_spine else START_TAPER
        closing = 0.0 if last else START_TAPER
        stretches.append(_Stretch(view, tuple(points), tuple(dense_links), from_spine, tuple(landmarks), opening, closing))
    return tuple(stretches)


def _pieces(view: View, points: Sequence[Point], links: Sequence[bool]) -> list[CoursePiece]:
    """Split a stretch where it changes between course and link."""
    pieces: list[CoursePiece] = []
    current: list[Point] = [points[0]]
    for i, link in enumerate(links):
        if i and link != links[i - 1]:
            pieces.append(CoursePiece(view, tuple(current), links[i - 1]))
            current = [points[i]]
        current.append(points[i + 1])
    pieces.append(CoursePiece(view, tuple(current), links[-1]))
    return pieces


def nerve_views(nerve_id: str) -> tuple[View, ...]:
    """The views a nerve is drawn in: those where some part of its course runs."""
    views = {s.view for s in _course_stretches(nerve_id, "left")}
    return tuple(v for v in VIEWS if v in views)


def nerve_course_pieces(nerve_id: str, side: PersonSide, view: View | None = None) -> list[CoursePiece]:
    """The nerve drawn as smooth lines from the spine to its end on the person's ``side``,
    each piece in the view where it runs (only those in ``view`` if given)."""
    return [
        piece
        for stretch in _course_stretches(nerve_id, side)
        if view is None or stretch.view == view
        for piece in _pieces(stretch.view, stretch.points, stretch.links)
    ]


# ---------------------------------------------------------------------- labels


def _side_word(side: str) -> str:
    return {"left": "Left", "right": "Right", "both": "Both sides:"}.get(side, side)


def region_label(region_id: str, side: str | None) -> str:
    """A region or site name for people: 'Left outer shin', 'Neck'."""
    content = load_content()
    if side is None:
        site = next((s for s in content.sites if s.id == region_id), None)
        return site.label if site else region_id
    label = content.region(region_id).label
    return f"{_side_word(side)} {label[0].lower()}{label[1:]}"


def _pain_label(pain: RegionPain) -> str:
    """'Left heel (7/10)'; an area a clinic marked says so, and one not rated yet says that."""
    strength = "not rated yet" if pain.intensity is None else f"{pain.intensity}/10"
    clinic = ", marked by the clinic" if pain.from_clinic else ""
    return f"{region_label(pain.region, pain.side)} ({strength}{clinic})"


def selected_labels(answers: Answers) -> list[str]:
    """A plain-text list of what is selected, for the accessible list next to the map."""
    out = [_pain_label(r) for r in answers.regions]
    for s in answers.sites:
        if s.pain or s.stiffness:
            what = " and ".join(w for w, on in (("painful", s.pain), ("stiff", s.stiffness)) if on)
            out.append(f"{region_label(s.site, None)} ({what}, along the nerve)")
    return out


# ---------------------------------------------------------------------- clicks


@dataclass(frozen=True)
class Target:
    """What a click landed on: a region side, or a midline site along the nerve."""

    kind: Literal["region", "site"]
    id: str
    side: PersonSide | None = None

    @property
    def customdata(self) -> str:
        return f"region:{self.id}:{self.side}" if self.kind == "region" else f"site:{self.id}"


@dataclass(frozen=True)
class ClickTarget:
    """An invisible marker inside a polygon: what a click near it selects."""

    view: View
    x: float  # view-local
    y: float
    target: Target
    label: str


@functools.cache
def _polygon_arrays(view: View) -> tuple[tuple[Polygon, np.ndarray, tuple[float, float, float, float]], ...]:
    out = []
    for poly in _view(view).polygons:
        arr = np.asarray(poly.points, dtype=float)
        out.append((poly, arr, (arr[:, 0].min(), arr[:, 0].max(), arr[:, 1].min(), arr[:, 1].max())))
    return tuple(out)


def target_at(view: View, x: float, y: float) -> Target | None:
    """What lies at view-local (x, y): point-in-polygon over the view's regions and sites."""
    for poly, arr, (xmin, xmax, ymin, ymax) in _polygon_arrays(view):
        if xmin <= x <= xmax and ymin <= y <= ymax and point_in_polygon(x, y, arr):
            return Target(poly.kind, poly.id, poly.side)
    return None


def region_at(view: View, x: float, y: float) -> tuple[str, PersonSide | None] | None:
    """(region or site id, person's side) at view-local (x, y); side is None for sites."""
    hit = target_at(view, x, y)
    return None if hit is None else (hit.id, hit.side)


def apply_click(answers: Answers, target: Target) -> Answers:
    """Toggle what was clicked, returning new answers.

    - a region side not chosen: added at intensity 5, as the person's own (a chosen other
      side stays as it is);
    - a region side already chosen: removed;
    - a region chosen as "both": clicking one side leaves only the other side, same intensity;
    - a site: toggled as painful (clicking a site already reported stiff or painful clears it).
    """
    data = answers.model_dump()
    if target.kind == "region":
        regions: list[dict[str, Any]] = data["regions"]
        same = [r for r in regions if r["region"] == target.id]
        exact = next((r for r in same if r["side"] == target.side), None)
        both = next((r for r in same if r["side"] == "both"), None)
        if exact is not None:
            regions.remove(exact)
        elif both is not None:
            both["side"] = "left" if target.side == "right" else "right"
        else:
            regions.append(RegionPain(region=target.id, side=target.side or "both", intensity=DEFAULT_INTENSITY).model_dump())
    else:
        sites: list[dict[str, Any]] = data["sites"]
        found = next((s for s in sites if s["site"] == target.id), None)
        if found is not None and (found["pain"] or found["stiffness"]):
            sites.remove(found)
        elif found is not None:
            found["pain"] = True
        else:
            sites.append({"site": target.id, "stiffness": False, "pain": True})
    return Answers.model_validate(data)


@functools.cache
def _click_targets() -> tuple[ClickTarget, ...]:
    spacing = load_geometry().data.click_grid_spacing
    out: list[ClickTarget] = []
    for view in VIEWS:
        for poly in _view(view).polygons:
            pts = np.asarray(poly.points)
            xmin, ymin = pts.min(axis=0)
            xmax, ymax = pts.max(axis=0)
            label = region_label(poly.id, poly.side)
            target = Target(poly.kind, poly.id, poly.side)
            for step in (spacing, spacing / 2, spacing / 3, spacing / 5):
                gx = np.arange(math.floor(xmin / step) * step + step / 2, xmax, step)
                gy = np.arange(math.floor(ymin / step) * step + step / 2, ymax, step)
                xx, yy = np.meshgrid(gx, gy)
                # rounded before the test, as the markers are placed: a grid point a hair inside
                # a shared border must not land on the neighbour's side once rounded
                xs, ys = np.round(xx.ravel(), 2), np.round(yy.ravel(), 2)
                inside = points_in_polygon(xs, ys, poly.points)
                if inside.sum() >= 4:
                    break
            for x, y in zip(xs[inside], ys[inside], strict=True):
                out.append(ClickTarget(view, round(float(x), 2), round(float(y), 2), target, label))
    return tuple(out)


def click_targets(views: Sequence[View] = VIEWS) -> list[ClickTarget]:
    """The invisible markers that make polygons clickable (filled shapes report no clicks)."""
    return [t for t in _click_targets() if t.view in views]


@functools.cache
def _label_points(view: View, poly: Polygon) -> tuple[Point, ...]:
    """Points inside ``poly`` for a label: its click markers, nearest the area centroid first."""
    pts = np.asarray(poly.points)
    cx, cy = pts[:-1].mean(axis=0)
    own = sorted(
        (t for t in _click_targets() if t.view == view and t.target == Target(poly.kind, poly.id, poly.side)),
        key=lambda t: (t.x - cx) ** 2 + (t.y - cy) ** 2,
    )
    return tuple((t.x, t.y) for t in own)


def _label_point(view: View, poly: Polygon) -> Point:
    """A point well inside ``poly``: its click marker nearest the area centroid."""
    return _label_points(view, poly)[0]


# ---------------------------------------------------------------------- drawings


@dataclass(frozen=True)
class Shape:
    """A polyline (closed if first == last) in view-local coordinates, with its style."""

    view: View
    points: tuple[Point, ...]
    layer: str
    fill: str | None = None
    fill_opacity: float = 1.0
    line: str | None = None
    width: float = 1.0
    dash: Literal["solid", "dot", "dash"] = "solid"
    group: str | None = None
    hover: str | None = None


@dataclass(frozen=True)
class Mark:
    view: View
    x: float
    y: float
    layer: str
    symbol: Literal["x", "circle"] = "x"
    size: float = 14
    colour: str = CRIMP
    group: str | None = None
    hover: str | None = None


@dataclass(frozen=True)
class Text:
    view: View
    x: float
    y: float
    text: str
    size: float = 11
    colour: str = "#333333"
    bold: bool = False
    group: str | None = None


@dataclass(frozen=True)
class LegendEntry:
    """One legend row: ``group`` ties it to shapes, marks or texts of the same group."""

    group: str
    label: str
    colour: str
    kind: Literal["line", "fill", "marker", "text"]
    width: float = 2.0
    dash: Literal["solid", "dot", "dash"] = "solid"


@dataclass
class Drawing:
    """Everything a renderer (Plotly, PDF) needs to draw one map."""

    views: tuple[View, ...]
    shapes: list[Shape] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    legend: list[LegendEntry] = field(default_factory=list)
    message: str | None = None


def _polygon_area(points: Sequence[Point]) -> float:
    arr = _as_array(tuple(points))
    x, y = arr[:, 0], arr[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def _root_span(roots: Sequence[str]) -> str:
    """['L3', 'L4'] -> 'L3-4'; ['L5', 'S1'] -> 'L5-S1': short enough to sit inside a region."""
    if len(roots) == 1:
        return roots[0]
    first, last = roots[0], roots[-1]
    return f"{first}-{last[1:]}" if first[0] == last[0] else f"{first}-{last}"


def _base(views: Sequence[View]) -> Drawing:
    drawing = Drawing(views=tuple(views))
    for view in views:
        geo = _view(view)
        for line in geo.outlines:
            drawing.shapes.append(Shape(view, line, "body", fill=SKIN))
        for line in geo.details:
            drawing.shapes.append(Shape(view, line, "detail", line=DETAIL, width=0.9))
        top = geo.bounds()[3]
        drawing.texts.append(Text(view, 0, top + 7.5, geo.title, size=15, colour="#222222", bold=True))
        drawing.texts.append(Text(view, -18.5, 168, _side_word(geo.viewer_left_is), size=12, colour="#444444", bold=True))
        drawing.texts.append(Text(view, 18.5, 168, _side_word(geo.viewer_right_is), size=12, colour="#444444", bold=True))
        if geo.bounds()[2] < -1:
            drawing.texts.append(Text(view, 0, geo.bounds()[2] - 4, "Soles (feet seen from behind)", size=10, colour="#555555"))
    return drawing


def _region_shapes(answers: Answers) -> dict[tuple[str, str], int | None]:
    """(region id, person side) -> intensity, with "both" split into left and right.

    None: marked but not rated (a clinic's mark); a rating for the same side wins over it.
    """
    chosen: dict[tuple[str, str], int | None] = {}
    for r in answers.regions:
        for side in ("left", "right") if r.side == "both" else (r.side,):
            key = (r.region, side)
            ratings = [i for i in (chosen.get(key), r.intensity) if i is not None]
            chosen[key] = max(ratings) if ratings else None
    return chosen


def _outline(drawing: Drawing) -> None:
    """The body's outline, drawn over region borders that run along it (no doubled edges)."""
    for view in drawing.views:
        for line in _view(view).outlines:
            drawing.shapes.append(Shape(view, line, "outline", line=OUTLINE, width=1.6))


def selection_drawing(answers: Answers, views: Sequence[View] = VIEWS) -> Drawing:
    """The clickable map: all regions outlined, the chosen ones shaded by intensity (unrated ones grey-blue)."""
    drawing = _base(views)
    chosen = _region_shapes(answers)
    sites = {s.site for s in answers.sites if s.pain or s.stiffness}
    for view in views:
        for poly in _view(view).polygons:
            key = (poly.id, poly.side or "")
            if poly.kind == "region" and key in chosen:
                colour = intensity_colour(chosen[key])
                drawing.shapes.append(Shape(view, poly.points, "chosen", fill=colour, fill_opacity=0.9, line="#7f2704", width=1.2))
            elif poly.kind == "site" and poly.id in sites:
                drawing.shapes.append(Shape(view, poly.points, "chosen", fill=SITE_FILL, fill_opacity=0.75, line="#424242", width=1.2))
            else:
                drawing.shapes.append(Shape(view, poly.points, "region", line=REGION_BORDER, width=0.8, dash="dot"))
    _outline(drawing)
    return drawing


@functools.cache
def _branch_target(nerve_id: str, side: PersonSide, region_id: str) -> tuple[View, Point] | None:
    """Where a dotted branch should reach a painful region the nerve's course does not pass
    through: (view, a point well inside the region); None if the course passes through it
    or close by in a view that shows it."""
    best: tuple[float, View, Point] | None = None
    for stretch in _course_stretches(nerve_id, side):
        course = _as_array(stretch.points)
        for poly, arr, _box in _polygon_arrays(stretch.view):
            if poly.kind != "region" or poly.id != region_id or poly.side != side:
                continue
            if points_in_polygon(course[:, 0], course[:, 1], arr).any():
                return None
            target = _label_point(stretch.view, poly)
            distance = float(np.sqrt(((course - np.array(target)) ** 2).sum(axis=1).min()))
            if distance < 2.5:
                return None
            if best is None or distance < best[0]:
                best = (distance, stretch.view, target)
    return None if best is None else (best[1], best[2])


@functools.cache
def _ancestors(nerve_id: str) -> frozenset[str]:
    """The nerves this one branches from (its parent, the parent's parent...)."""
    content = load_content()
    out: set[str] = set()
    parent = content.nerve(nerve_id).parent
    while parent is not None and parent not in out:
        out.add(parent)
        parent = content.nerve(parent).parent
    return frozenset(out)


@functools.cache
def _reaches(nerve_id: str, side: PersonSide, region_id: str) -> bool:
    """Whether the nerve's course passes through or close by the region in a view that shows both."""
    if _branch_target(nerve_id, side, region_id) is not None:
        return False
    return any(
        poly.kind == "region" and poly.id == region_id and poly.side == side
        for stretch in _course_stretches(nerve_id, side)
        for poly in _view(stretch.view).polygons
    )


#: Nerves sharing a path (running within ``SHARED_FAR`` of each other) are drawn side by
#: side, ``LANE_STEP`` apart in rank order, the bundle centred on their course and kept
#: ``EDGE_MARGIN`` inside the figure; elsewhere each nerve is drawn on its course.
#: Units are those of the views (about 1 cm); at the app's size a unit is about 3.3 px, so
#: lanes 1.6 apart leave a gap between the widest lines (3.6 px).
LANE_STEP = 1.6
SHARED_FAR = 2.0
#: Lanes open and close over this length where nerves start or go round to the other view
#: together (see ``_opening``).
START_TAPER = 3.0
#: A lane opens over this length of course before a shared path and closes over it after.
LANE_EASE = 8.0
#: Lanes are shifts sideways, widened where a course runs aslant, up to 40 degrees from upright.
MIN_UPRIGHT = math.cos(math.radians(40))
EDGE_MARGIN = 0.8  # a lane keeps this far inside the figure's outline
MIDLINE_MARGIN = 2.0  # and this far from the midline (the spine)


@functools.cache
def _outline_segments(view: View) -> tuple[tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]], ...]:
    """Each outline of the view as an array, with its segments' x0, y0, x1, y1."""
    out = []
    for line in _view(view).outlines:
        arr = _as_array(line)
        out.append((arr, (arr[:-1, 0], arr[:-1, 1], arr[1:, 0], arr[1:, 1])))
    return tuple(out)


def _room(view: View, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How far the figure reaches to the viewer's left and right of each point, at its height
    (infinite for a point outside the figure: a link between the feet and the soles inset),
    up to the midline: a nerve stays on its own side of the body (not along the spine)."""
    left = np.full(len(points), np.inf)
    right = np.full(len(points), np.inf)
    px, py = points[:, 0:1], points[:, 1:2]
    for arr, (x0, y0, x1, y1) in _outline_segments(view):
        inside = points_in_polygon(points[:, 0], points[:, 1], arr)[:, None]
        crosses = inside & ((y0[None] > py) != (y1[None] > py))
        with np.errstate(divide="ignore", invalid="ignore"):
            at = x0[None] + (py - y0[None]) * (x1 - x0)[None] / (y1 - y0)[None]
        right = np.minimum(right, np.where(crosses & (at >= px), at - px, np.inf).min(axis=1))
        left = np.minimum(left, np.where(crosses & (at < px), px - at, np.inf).min(axis=1))
    x = points[:, 0]
    spine = np.maximum(np.abs(x) - (MIDLINE_MARGIN - EDGE_MARGIN), 0.0)
    return np.where(x > 0, np.minimum(left, spine), left), np.where(x < 0, np.minimum(right, spine), right)


def _distance_to_polyline(points: np.ndarray, line: np.ndarray) -> np.ndarray:
    """The distance from each of ``points`` to the polyline ``line`` (to its segments, not just its vertices)."""
    a, b = line[:-1], line[1:]
    ab = b - a
    length2 = np.maximum((ab * ab).sum(axis=1), 1e-12)
    t = np.clip(((points[:, None, :] - a[None]) * ab[None]).sum(axis=2) / length2[None], 0.0, 1.0)
    nearest = a[None] + t[..., None] * ab[None]
    return np.sqrt(((points[:, None, :] - nearest) ** 2).sum(axis=2)).min(axis=1)


@functools.cache
def _opening(stretch: _Stretch) -> np.ndarray:
    """How far each point of a stretch may move into its lane (0 to 1). A course from the
    spine opens along its root and the first ``START_TAPER`` units after it, so it starts
    on the spine at its root's level; one coming round from the other view opens over its
    first ``START_TAPER`` units, and one going round to the other view closes over its last:
    nerves that start (or go round) together do so at one point, where they really run."""
    arc = _arc_lengths(_as_array(stretch.points))
    weight = np.clip(arc / stretch.opening, 0.0, 1.0)
    if stretch.closing:
        weight = np.minimum(weight, np.clip((arc[-1] - arc) / stretch.closing, 0.0, 1.0))
    return weight


def _arc_lengths(points: np.ndarray) -> np.ndarray:
    """The distance along the polyline from its first point to each point."""
    return np.concatenate([[0.0], np.cumsum(np.sqrt((np.diff(points, axis=0) ** 2).sum(axis=1)))])


@functools.lru_cache(maxsize=512)
def _drawn_courses(lines: tuple[tuple[int, str, PersonSide], ...]) -> tuple[tuple[int, _Stretch, tuple[Point, ...]], ...]:
    """Every stretch of the drawn nerves ((rank, nerve id, side), ...) with its points moved
    into its lane where it shares a path with another drawn nerve: (line index, stretch,
    drawn points)."""
    items = [(i, stretch) for i, (_rank, nerve_id, side) in enumerate(lines) for stretch in _course_stretches(nerve_id, side)]
    out: list[tuple[int, _Stretch, tuple[Point, ...]]] = []
    for i, stretch in items:
        rank, nerve_id, side = lines[i]
        pts = _as_array(stretch.points)
        # the other nerves here, with their ranks; where another nerve starts (at its root,
        # or where it comes round from the other view) nobody moves aside for it: nerves
        # starting together start at one point
        others = [(lines[j][0], line) for j, o in items if o.view == stretch.view and lines[j][1] != nerve_id
                  for line in [_as_array(o.points)[_opening(o) >= 1.0 - 1e-9]] if len(line) >= 2]
        opening = _opening(stretch)
        if not others or not opening.any():
            out.append((i, stretch, stretch.points))
            continue
        near = np.array([_distance_to_polyline(pts, line) for _rank, line in others])  # (others, points)
        ranks = np.array([r for r, _line in others])[:, None]
        # a nerve that runs beside this one anywhere within LANE_EASE / 2 along the course
        # counts here too: the lanes open before the shared path and close after it
        arc = _arc_lengths(pts)
        within = np.abs(arc[:, None] - arc[None, :]) <= LANE_EASE / 2
        members = ((near < SHARED_FAR).astype(float) @ within.astype(float)) > 0
        count = 1 + members.sum(axis=0)
        index = (members & (ranks < rank)).sum(axis=0)
        # the nerves sharing a path side by side, in rank order from the midline outwards
        # (the same order on both legs), the bundle centred on the course
        outward = 1.0 if side == _view(stretch.view).viewer_right_is else -1.0
        lane = outward * (index - (count - 1) / 2)
        hi = (count - 1) / 2  # the bundle reaches this many lanes either side of the course
        # eased along the course, not stepped where another nerve joins or leaves; wider
        # where the course runs aslant, so the lanes stay LANE_STEP apart across it (a shift
        # sideways never loops at a bend, as one along the normal would)
        kernel = np.clip(1.0 - np.abs(arc[:, None] - arc[None, :]) / (LANE_EASE / 2), 0.0, None)
        kernel /= kernel.sum(axis=1, keepdims=True)
        tangent = np.gradient(pts, axis=0)
        upright = np.abs(tangent[:, 1]) / np.maximum(np.sqrt((tangent**2).sum(axis=1)), 1e-9)
        scale = LANE_STEP / np.maximum(upright, MIN_UPRIGHT)
        lane, hi = (kernel @ v * scale for v in (lane, hi))
        lo = -hi
        # the whole bundle moves over where the limb has no room for it on one side
        left = np.full(len(pts), np.inf)
        right = np.full(len(pts), np.inf)
        wide = (within.astype(float) @ (count > 1).astype(float)) > 0  # where a bundle is, or the easing reaches
        left[wide], right[wide] = _room(stretch.view, pts[wide])
        left, right = left - EDGE_MARGIN, right - EDGE_MARGIN
        over = np.where(hi > right, right - hi, 0.0) + np.where(lo < -left, -left - lo, 0.0)
        # too wide for the limb here (four nerves behind the ankle): centred on the limb
        with np.errstate(invalid="ignore"):  # no edge either side (between the feet and the soles): inf - inf
            centred = np.nan_to_num((right - hi - left - lo) / 2, nan=0.0, posinf=0.0, neginf=0.0)
        over = kernel @ np.where(hi - lo > left + right, centred, over)
        moved = pts[:, 0] + (lane + over) * opening
        out.append((i, stretch, tuple((round(float(x), 2), round(float(y), 2)) for x, y in zip(moved, pts[:, 1], strict=True))))
    return tuple(out)


def results_drawing(answers: Answers, assessment: Assessment, dermatomes: bool = False, max_nerves: int = 4,
                    views: Sequence[View] = VIEWS) -> Drawing:
    """The results map: painful regions, suspected nerves from the spine, crimps, legend.

    Each part of a nerve is drawn in the view showing the side of the body where it runs
    (the back of the thigh on the back view, the shin on the front view); the spine, the
    roots and the crimps along them are on the back view only.
    """
    content = load_content()
    drawing = _base(views)
    chosen = _region_shapes(answers)
    for view in views:
        for poly in _view(view).polygons:
            key = (poly.id, poly.side or "")
            if poly.kind == "region" and key in chosen:
                rated = chosen[key] is not None
                drawing.shapes.append(
                    Shape(view, poly.points, "pain", fill=intensity_colour(chosen[key]), fill_opacity=0.85,
                          line="#b35806", width=0.8, group="pain" if rated else "unrated")
                )
    _outline(drawing)
    if any(level is not None for level in chosen.values()):
        drawing.legend.append(LegendEntry("pain", "Where it hurts (darker = stronger)", intensity_colour(7), "fill"))
    if any(level is None for level in chosen.values()):
        drawing.legend.append(LegendEntry("unrated", UNRATED_LEGEND, UNRATED_FILL, "fill"))

    # the spine, on the views that show it (the back): every nerve here starts from it;
    # crimps sit on it (their areas shaded under the nerves, their marks on top)
    site_landmarks = {s.id: s.landmark for s in content.sites}
    crimp_views = [v for v in views if all(site_landmarks[s] in _view(v).landmarks for s in assessment.sites)]
    for view in crimp_views if assessment.sites else []:
        for poly in _view(view).polygons:
            if poly.kind == "site" and poly.id in assessment.sites:
                drawing.shapes.append(Shape(view, poly.points, "site", fill=SITE_FILL, fill_opacity=0.45, line="#616161", width=0.8))
    spine_views = [v for v in views if v in _spine_views()]
    spines: list[Shape] = []  # drawn over the nerves' roots, which leave it
    for view in spine_views:
        geo = _view(view)
        spine = [(0.0, geo.landmarks["spine_neck"][1] + 4.0)]
        spine += [geo.landmarks[site_landmarks[s]] for s in ("neck", "upper_back", "mid_back", "low_back", "pelvis")]
        spines.append(Shape(view, tuple(spine), "spine", line=SPINE, width=3.0, group="spine",
                            hover="The spine: the nerves to the legs start here"))
    if spine_views:
        drawing.legend.append(LegendEntry("spine", "Spine, where the nerves start", SPINE, "line", width=3))

    # (rank, nerve) of the ranked nerves drawn in these views: numbers and colours follow the
    # ranked list even when a view leaves one out
    nerves = [(rank, n) for rank, n in enumerate(assessment.nerves[:max_nerves]) if any(v in views for v in nerve_views(n.id))]
    lines: list[tuple[int, str, PersonSide]] = []
    for rank, suspect in nerves:
        sides: list[PersonSide] = ["left", "right"] if "both" in suspect.sides else [s for s in suspect.sides if s != "both"]
        lines += [(rank, suspect.id, side) for side in sides]
    drawn = _drawn_courses(tuple(lines))
    drawn_ids = [n.id for _rank, n in nerves]
    nerve_shapes: dict[int, list[Shape]] = {}
    for rank, suspect in nerves:
        nerve = content.nerve(suspect.id)
        group = f"nerve:{nerve.id}"
        colour, width = NERVE_COLOURS[rank % len(NERVE_COLOURS)], NERVE_WIDTHS[min(rank, len(NERVE_WIDTHS) - 1)]
        sides = sorted({side for r, _n, side in lines if r == rank}, key=("left", "right").index)
        side_text = "both sides" if len(sides) == 2 else f"{sides[0]} side" if sides else ""
        hover = f"{rank + 1}. {nerve.name} ({nerve.roots}), {side_text}" if side_text else f"{rank + 1}. {nerve.name} ({nerve.roots})"
        runs_in = nerve_views(nerve.id)
        shapes = nerve_shapes.setdefault(rank, [])
        for i, stretch, points in drawn:
            if lines[i][0] != rank or stretch.view not in views:
                continue
            other = [v for v in runs_in if v != stretch.view]
            here = hover + (f"; it continues on the {other[0]} view" if other else "")
            for piece in _pieces(stretch.view, points, stretch.links):
                if not piece.link:
                    # a thin white edge either side: lines side by side, or over dark shading, stay apart
                    shapes.append(Shape(stretch.view, piece.points, "casing", line=CASING, width=width + CASING_WIDTH, group=group))
                shapes.append(
                    Shape(stretch.view, piece.points, "nerve", line=colour, width=width if not piece.link else max(width - 1.5, 1.5),
                          dash="dot" if piece.link else "solid", group=group,
                          hover=here + (" (it continues under the foot)" if piece.link else ""))
                )
        for side in sides:
            for region_id in suspect.regions:
                if (region_id, side) not in chosen:
                    continue
                if any(_reaches(other, side, region_id) for other in drawn_ids if nerve.id in _ancestors(other)):
                    continue  # a branch of this nerve drawn on the map already reaches it
                branch = _branch_target(nerve.id, side, region_id)
                if branch is None or branch[0] not in views:
                    continue
                view, target = branch
                course = np.vstack([_as_array(pts) for i, stretch, pts in drawn
                                    if lines[i][0] == rank and lines[i][2] == side and stretch.view == view])
                start = course[int(((course - np.array(target)) ** 2).sum(axis=1).argmin())]
                shapes.append(
                    Shape(view, ((float(start[0]), float(start[1])), target), "branch", line=colour, width=1.8, dash="dot",
                          group=group, hover=f"{nerve.name}: its branches reach where it hurts")
                )
        label = f"{rank + 1}. {nerve.name}, {side_text}" if side_text else f"{rank + 1}. {nerve.name}"
        drawing.legend.append(LegendEntry(group, label, colour, "line", width=width))
    # the top-ranked nerve drawn last, on top where lines cross
    for rank in sorted(nerve_shapes, reverse=True):
        drawing.shapes.extend(nerve_shapes[rank])
    drawing.shapes.extend(spines)

    if assessment.sites and crimp_views:
        for view in crimp_views:
            geo = _view(view)
            for site in assessment.sites:
                x, y = geo.landmarks[site_landmarks[site]]
                drawing.marks.append(
                    Mark(view, x, y, "crimp", symbol="x", size=13, colour=CRIMP, group="crimp",
                         hover=f"Crimp: {region_label(site, None).lower()} (you reported it stiff or painful)")
                )
        drawing.legend.append(LegendEntry("crimp", "Crimp along the nerve you reported", CRIMP, "marker"))

    if dermatomes:
        # on one leg, as dermatome charts do: the leg without pain when only one side hurts, so
        # the labels do not sit under the nerves; a label that would cover another moves to
        # another point of its region, or is left out if none is free (its region keeps its
        # dashed outline)
        pain_sides = {side for _region, side in chosen}
        for view in views:
            geo = _view(view)
            derm_side = {"left": "right", "right": "left"}.get(next(iter(pain_sides)), "") if len(pain_sides) == 1 else ""
            derm_side = derm_side or geo.viewer_left_is
            placed: list[tuple[float, float, float]] = []
            polys = [p for p in geo.polygons if p.kind == "region" and p.side == derm_side]
            for poly in sorted(polys, key=lambda p: -_polygon_area(p.points)):
                drawing.shapes.append(Shape(view, poly.points, "dermatome", line="#8c8c8c", width=0.7, dash="dash", group="dermatomes"))
                roots = content.region(poly.id).dermatomes
                if not roots:
                    continue
                text = _root_span(roots)
                half_width = 0.9 * len(text) + 0.6
                # the point nearest the middle that covers no label already placed: side by side
                # strips (inner, front and outer shin) get their labels at different heights
                spot = next(
                    ((x, y) for x, y in _label_points(view, poly)
                     if not any(abs(x - px) < half_width + pw and abs(y - py) < 3.4 for px, py, pw in placed)),
                    None,
                )
                if spot is None:
                    continue
                x, y = spot
                placed.append((x, y, half_width))
                drawing.texts.append(Text(view, x, y, text, size=9, colour="#1a1a1a", group="dermatomes"))
        drawing.legend.append(LegendEntry("dermatomes", "Dermatomes (shown on one leg): skin areas of each spinal root", "#1a1a1a", "text"))

    if not chosen:
        drawing.message = "No painful areas chosen yet"
    return drawing


# ---------------------------------------------------------------------- plotly


@functools.lru_cache(maxsize=8192)
def _as_array(points: tuple[Point, ...]) -> np.ndarray:
    return np.asarray(points, dtype=float)


_GAP = np.array([[np.nan, np.nan]])


def _trace_xy(shapes: Iterable[Shape], offsets: Mapping[View, float]) -> tuple[np.ndarray, np.ndarray]:
    """All shapes of one style as two arrays, NaN between shapes (Plotly draws a gap there).

    NumPy arrays keep Plotly's validation cheap and travel as compact binary in the JSON.
    """
    parts: list[np.ndarray] = []
    for shape in shapes:
        if parts:
            parts.append(_GAP)
        arr = _as_array(shape.points)
        dx = offsets[shape.view]
        parts.append(arr + np.array([dx, 0.0]) if dx else arr)
    xy = np.vstack(parts).astype(np.float32)
    return xy[:, 0], xy[:, 1]


def _hex_rgba(colour: str, alpha: float) -> str:
    return f"rgba({int(colour[1:3], 16)},{int(colour[3:5], 16)},{int(colour[5:7], 16)},{alpha})"


class SharedFigure(go.Figure):
    """A figure that is built once and then only read (shared by reruns and sessions).

    Streamlit turns a figure into a dict on every rerun that shows it (a deep copy, and
    base64 for every NumPy array: ~3 ms for the clickable map); a figure that never changes
    can make that dict once. Do not change a SharedFigure after building it.
    """

    def to_dict(self) -> dict[str, Any]:
        frozen = self.__dict__.get("_nt_dict")
        if frozen is None:
            frozen = super().to_dict()
            self.__dict__["_nt_dict"] = frozen
        return frozen


def figure_from_drawing(drawing: Drawing, height: int = 700, extra_traces: Sequence[dict[str, Any]] = (),
                        shared: bool = False) -> go.Figure:
    """Render a Drawing with Plotly: same-styled shapes merged into one trace each.

    ``shared`` gives a ``SharedFigure`` (for figures kept and reused read-only).
    """
    offsets = view_offsets(drawing.views)
    legend = {e.group: e for e in drawing.legend}
    # the legend lists its rows in the drawing's order (the nerves by rank), whatever order
    # the traces are drawn in
    legend_rank = {e.group: 100 + i for i, e in enumerate(drawing.legend)}
    shown: set[str] = set()
    traces: list[dict[str, Any]] = []
    groups: dict[tuple[Any, ...], list[Shape]] = {}
    for shape in drawing.shapes:
        key = (shape.layer, shape.fill, shape.fill_opacity, shape.line, shape.width, shape.dash, shape.group, shape.hover)
        groups.setdefault(key, []).append(shape)
    for (layer, fill, fill_opacity, line, width, dash, group, hover), shapes in groups.items():
        xs, ys = _trace_xy(shapes, offsets)
        trace: dict[str, Any] = {
            "type": "scatter",
            "x": xs,
            "y": ys,
            "mode": "lines",
            "line": {"color": line or "rgba(0,0,0,0)", "width": width if line else 0, "dash": dash},
            "showlegend": False,
        }
        if fill:
            trace["fill"] = "toself"
            trace["fillcolor"] = _hex_rgba(fill, fill_opacity)
        if hover:
            trace["hovertemplate"] = hover.replace("%", "%%") + "<extra></extra>"
            trace["hoveron"] = "points"
        else:
            trace["hoverinfo"] = "skip"
        if group in legend and group not in shown and layer != "casing":
            shown.add(group)
            trace.update(name=legend[group].label, showlegend=True, legendgroup=group, legendrank=legend_rank[group])
        elif group:
            trace["legendgroup"] = group
        traces.append(trace)
    marks: dict[tuple[Any, ...], list[Mark]] = {}
    for mark in drawing.marks:
        marks.setdefault((mark.layer, mark.symbol, mark.size, mark.colour, mark.group), []).append(mark)
    for (_layer, symbol, size, colour, group), items in marks.items():
        trace = {
            "type": "scatter",
            "mode": "markers",
            "x": [round(m.x + offsets[m.view], 2) for m in items],
            "y": [round(m.y, 2) for m in items],
            "marker": {"symbol": symbol, "size": size, "color": colour, "line": {"color": "#ffffff", "width": 1.2}},
            "hovertext": [m.hover or "" for m in items],
            "hovertemplate": "%{hovertext}<extra></extra>",
            "showlegend": False,
        }
        if group in legend and group not in shown:
            shown.add(group)
            trace.update(name=legend[group].label, showlegend=True, legendgroup=group, legendrank=legend_rank[group])
        traces.append(trace)
    text_groups: dict[str | None, list[Text]] = {}
    for text in drawing.texts:
        text_groups.setdefault(text.group, []).append(text)
    annotations: list[dict[str, Any]] = []
    for group, texts in text_groups.items():
        if group is None:
            for t in texts:
                annotations.append({
                    "x": round(t.x + offsets[t.view], 2), "y": t.y, "text": f"<b>{t.text}</b>" if t.bold else t.text,
                    "showarrow": False, "font": {"size": t.size, "color": t.colour}, "xref": "x", "yref": "y",
                })
            continue
        trace = {
            "type": "scatter",
            "mode": "text",
            "x": [round(t.x + offsets[t.view], 2) for t in texts],
            "y": [round(t.y, 2) for t in texts],
            "text": [t.text for t in texts],
            "textfont": {"size": texts[0].size, "color": texts[0].colour},
            "hoverinfo": "skip",
            "showlegend": False,
            "legendgroup": group,
        }
        if group in legend and group not in shown:
            shown.add(group)
            trace.update(name=legend[group].label, showlegend=True, legendrank=legend_rank[group])
        traces.append(trace)
    traces.extend(extra_traces)
    if drawing.message:
        annotations.append({"x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper", "text": drawing.message, "showarrow": False,
                            "font": {"size": 13, "color": "#555555"}, "bgcolor": "rgba(255,255,255,0.85)"})
    half = max(max(abs(view_bounds(v)[0]), abs(view_bounds(v)[1])) for v in VIEWS) + 1.0
    xs_range = [min(offsets.values()) - half, max(offsets.values()) + half]
    ymin = min(view_bounds(v)[2] for v in drawing.views) - 7
    ymax = max(view_bounds(v)[3] for v in drawing.views) + 11
    layout: dict[str, Any] = {
        "height": height,
        "margin": {"l": 4, "r": 4, "t": 4, "b": 4},
        "xaxis": {"range": xs_range, "visible": False, "fixedrange": True, "constrain": "domain"},
        "yaxis": {"range": [ymin, ymax], "visible": False, "fixedrange": True, "scaleanchor": "x", "scaleratio": 1,
                  "constrain": "domain"},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "showlegend": bool(drawing.legend),
        "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 0, "yanchor": "top", "font": {"size": 12}},
        "hovermode": "closest",
        "hoverdistance": 12,
        "dragmode": False,
        "clickmode": "event+select",
        "annotations": annotations,
        "font": {"family": "sans-serif"},
        "hoverlabel": {"bgcolor": "#ffffff", "font": {"size": 13}},
    }
    # Every trace is built here from tested drawings; skipping Plotly's per-property
    # validation makes the build about 4x faster (tests check the figures validate).
    return (SharedFigure if shared else go.Figure)(data=traces, layout=layout, _validate=False)


class _FigureCache:
    """The last few figures built, by the answers (and options) they were built from.

    A rerun that does not change the answers (a toggle elsewhere on the page, another
    session at the same point) reuses the figure instead of rebuilding it. Figures are
    shared, so callers treat them as read-only (Streamlit only reads them).
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple[Any, ...], go.Figure] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...], build: Callable[[], go.Figure]) -> go.Figure:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        figure = build()  # outside the lock: two sessions may build the same figure once each
        with self._lock:
            self._items[key] = figure
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return figure

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_RESULTS_FIGURES = _FigureCache(16)


def build_results_figure(answers: Answers, assessment: Assessment, dermatomes: bool = False, max_nerves: int = 4,
                         views: Sequence[View] = VIEWS, height: int = 760, cached: bool = True) -> go.Figure:
    """The results map (see ``results_drawing``) as a Plotly figure.

    With ``cached`` (the app), built once per answers, assessment and options and shared:
    treat it as read-only.
    """

    def build() -> go.Figure:
        return figure_from_drawing(results_drawing(answers, assessment, dermatomes, max_nerves, views), height=height, shared=cached)

    if not cached:
        return build()
    key = (answers.model_dump_json(), assessment.model_dump_json(), dermatomes, max_nerves, tuple(views), height)
    return _RESULTS_FIGURES.get(key, build)
