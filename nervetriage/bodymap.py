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
    "build_selection_figure",
    "click_targets",
    "detail_polylines",
    "figure_from_drawing",
    "intensity_colour",
    "landmark_point",
    "nerve_course_pieces",
    "nerve_course_points",
    "outline_polylines",
    "parse_click",
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
NERVE_WIDTHS: tuple[float, ...] = (6.0, 4.5, 3.5, 2.6)
NERVE_OPACITY: tuple[float, ...] = (1.0, 0.9, 0.8, 0.75)

SKIN = "#f4efe9"
OUTLINE = "#6b625a"
DETAIL = "#a89d92"
REGION_BORDER = "#c9bfb4"
SITE_FILL = "#9e9e9e"
SPINE = "#4d4d4d"
CRIMP = "#000000"
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


def nerve_course_points(nerve_id: str, side: PersonSide, view: View | None = None) -> list[Point]:
    """The nerve's course landmarks (spine outwards) on ``side``; KeyError if one is not placed."""
    nerve = load_content().nerve(nerve_id)
    geo = _view(view or nerve.view)
    return [geo.landmark(lm, side) for lm in nerve.course]


@dataclass(frozen=True)
class CoursePiece:
    """Part of a nerve's drawn course; ``hidden`` parts run on the far side of the body."""

    points: tuple[Point, ...]
    hidden: bool


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


@functools.cache
def _course_pieces(nerve_id: str, side: PersonSide, view: View) -> tuple[CoursePiece, ...]:
    nerve = load_content().nerve(nerve_id)
    geo = _view(view)
    frames = load_geometry().frames[view]
    hints = {(s.from_, s.to): s for s in load_geometry().data.segments if s.nerve == nerve_id}
    control: list[Point] = []
    hidden: list[bool] = []  # hidden[i]: the segment from control[i] to control[i + 1]
    first = geo.landmark(nerve.course[0], side)
    if abs(first[0]) > 1e-9:
        control.append((0.0, first[1]))  # joined to the spine: one cord from the spine outwards
        hidden.append(False)
    for a, b in zip(nerve.course, nerve.course[1:], strict=False):
        control.append(geo.landmark(a, side))
        hint = hints.get((a, b))
        for via in hint.via if hint else []:
            x, y = frames[via.frame].to_xy(*via.at) if via.frame else via.at
            hidden.append(bool(hint and hint.hidden))
            control.append((x if side == geo.viewer_right_is else -x, y))
        hidden.append(bool(hint and hint.hidden))
    control.append(geo.landmark(nerve.course[-1], side))
    pieces: list[CoursePiece] = []
    current: list[Point] = []
    current_hidden = hidden[0]
    for seg, is_hidden in zip(_catmull_rom_segments(control), hidden, strict=True):
        if current and is_hidden != current_hidden:
            pieces.append(CoursePiece(tuple(current), current_hidden))
            current = [current[-1]]
        current_hidden = is_hidden
        current.extend(seg if not current else seg[1:])
    pieces.append(CoursePiece(tuple(current), current_hidden))
    return tuple(pieces)


def nerve_course_pieces(nerve_id: str, side: PersonSide, view: View | None = None) -> list[CoursePiece]:
    """The nerve drawn as smooth lines from the spine to its end, on the person's ``side``."""
    nerve = load_content().nerve(nerve_id)
    return list(_course_pieces(nerve_id, side, view or nerve.view))


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


def parse_click(point: Mapping[str, Any]) -> Target | None:
    """Turn one selected point of a Plotly event into a Target; anything odd gives None."""
    if not isinstance(point, Mapping):
        return None
    data = point.get("customdata")
    if isinstance(data, list | tuple):
        data = data[0] if data else None
    if not isinstance(data, str) or len(data) > 120:
        return None
    parts = data.split(":")
    content = load_content()
    if len(parts) == 3 and parts[0] == "region" and parts[1] in content.region_ids and parts[2] in ("left", "right"):
        return Target("region", parts[1], parts[2])  # type: ignore[arg-type]
    if len(parts) == 2 and parts[0] == "site" and parts[1] in {s.id for s in content.sites}:
        return Target("site", parts[1])
    return None


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
def _branch(nerve_id: str, side: PersonSide, region_id: str) -> tuple[Point, Point] | None:
    """A dotted branch from the nerve's course to a painful region it does not pass through."""
    view = load_content().nerve(nerve_id).view
    course = np.vstack([_as_array(p.points) for p in nerve_course_pieces(nerve_id, side, view)])
    for poly, arr, _box in _polygon_arrays(view):
        if poly.kind != "region" or poly.id != region_id or poly.side != side:
            continue
        if points_in_polygon(course[:, 0], course[:, 1], arr).any():
            return None
        target = _label_point(view, poly)
        distances = ((course - np.array(target)) ** 2).sum(axis=1)
        start = course[int(distances.argmin())]
        if distances.min() < 2.5**2:
            return None
        return ((float(start[0]), float(start[1])), target)
    return None


def results_drawing(answers: Answers, assessment: Assessment, dermatomes: bool = False, max_nerves: int = 4,
                    views: Sequence[View] = VIEWS) -> Drawing:
    """The results map: painful regions, suspected nerves from the spine, crimps, legend."""
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

    # the spine: every nerve here starts from it; crimps sit on it
    site_landmarks = {s.id: s.landmark for s in content.sites}
    for view in sorted(views):  # back first: the legend shows the spine's solid style
        geo = _view(view)
        spine = [(0.0, geo.landmarks["spine_neck"][1] + 4.0)]
        spine += [geo.landmarks[site_landmarks[s]] for s in ("neck", "upper_back", "mid_back", "low_back", "pelvis")]
        behind = view == "front"
        drawing.shapes.append(
            Shape(view, tuple(spine), "spine", line=SPINE, width=2.2 if behind else 3.0, dash="dot" if behind else "solid",
                  group="spine", hover="The spine: the nerves to the legs start here")
        )
    drawing.legend.append(LegendEntry("spine", "Spine, where the nerves start", SPINE, "line", width=3))

    nerves = assessment.nerves[:max_nerves]
    for rank, suspect in enumerate(nerves):
        nerve = content.nerve(suspect.id)
        if nerve.view not in views:
            continue
        group = f"nerve:{nerve.id}"
        colour, width = NERVE_COLOURS[rank % len(NERVE_COLOURS)], NERVE_WIDTHS[min(rank, len(NERVE_WIDTHS) - 1)]
        sides: list[PersonSide] = ["left", "right"] if "both" in suspect.sides else [s for s in suspect.sides if s != "both"]
        side_text = "both sides" if len(sides) == 2 else f"{sides[0]} side" if sides else ""
        hover = f"{rank + 1}. {nerve.name} ({nerve.roots}), {side_text}"
        # nerves sharing a path are drawn side by side, a little apart, so each stays visible
        shift = (rank - (len(nerves) - 1) / 2) * 0.7
        for side in sides:
            pieces = [
                CoursePiece(tuple((round(x + (shift if abs(x) > 1.5 else 0.0), 2), y) for x, y in piece.points), piece.hidden)
                for piece in nerve_course_pieces(nerve.id, side, nerve.view)
            ]
            for piece in pieces:
                drawing.shapes.append(
                    Shape(nerve.view, piece.points, "nerve", line=colour, width=width if not piece.hidden else max(width - 1.5, 1.5),
                          dash="dot" if piece.hidden else "solid", group=group,
                          hover=hover + (" (runs at the back here)" if piece.hidden else ""))
                )
            for region_id in suspect.regions:
                if (region_id, side) not in chosen:
                    continue
                branch = _branch(nerve.id, side, region_id)
                if branch is not None:
                    start, target = branch
                    drawing.shapes.append(
                        Shape(nerve.view, ((start[0] + shift, start[1]), target), "branch", line=colour, width=1.8, dash="dot",
                              group=group, hover=f"{nerve.name}: its branches reach where it hurts")
                    )
        label = f"{rank + 1}. {nerve.name}, {side_text}" if side_text else f"{rank + 1}. {nerve.name}"
        drawing.legend.append(LegendEntry(group, label, colour, "line", width=width))

    if assessment.sites:
        for view in views:
            geo = _view(view)
            for poly in geo.polygons:
                if poly.kind == "site" and poly.id in assessment.sites:
                    drawing.shapes.append(Shape(view, poly.points, "site", fill=SITE_FILL, fill_opacity=0.45, line="#616161", width=0.8))
            for site in assessment.sites:
                x, y = geo.landmarks[site_landmarks[site]]
                drawing.marks.append(
                    Mark(view, x, y, "crimp", symbol="x", size=15, colour=CRIMP, group="crimp",
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
    shown: set[str] = set()
    traces: list[dict[str, Any]] = []
    groups: dict[tuple[Any, ...], list[Shape]] = {}
    for shape in drawing.shapes:
        key = (shape.layer, shape.fill, shape.fill_opacity, shape.line, shape.width, shape.dash, shape.group, shape.hover)
        groups.setdefault(key, []).append(shape)
    for (_layer, fill, fill_opacity, line, width, dash, group, hover), shapes in groups.items():
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
        if group in legend and group not in shown:
            shown.add(group)
            trace.update(name=legend[group].label, showlegend=True, legendgroup=group)
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
            trace.update(name=legend[group].label, showlegend=True, legendgroup=group)
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
            trace.update(name=legend[group].label, showlegend=True)
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


def _click_trace(views: Sequence[View], answers: Answers) -> dict[str, Any]:
    offsets = view_offsets(views)
    chosen = _region_shapes(answers)
    sites = {s.site for s in answers.sites if s.pain or s.stiffness}
    targets = click_targets(views)
    hover = []
    for t in targets:
        if t.target.kind == "region" and (t.target.id, t.target.side) in chosen:
            level = chosen[(t.target.id, t.target.side or "")]
            strength = "not rated yet" if level is None else f"{level}/10"
            hover.append(f"{t.label}: {strength} (click to remove)")
        elif t.target.kind == "site":
            hover.append(f"{t.label}, along the nerve" + (" (click to remove)" if t.target.id in sites else ""))
        else:
            hover.append(t.label)
    return {
        "type": "scatter",
        "x": [round(t.x + offsets[t.view], 2) for t in targets],
        "y": [t.y for t in targets],
        "customdata": [t.target.customdata for t in targets],
        "hovertext": hover,
        "hovertemplate": "%{hovertext}<extra></extra>",
        # Text mode with no text: Plotly hovers and selects these points like markers but
        # draws nothing for them, where 590 transparent markers were 590 SVG paths that the
        # browser re-created after every click (body-map click p50 317 -> 247 ms measured).
        "mode": "text",
        "hoveron": "points",
        "showlegend": False,
        "name": "click targets",
    }


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


_SELECTION_FIGURES = _FigureCache(16)
_RESULTS_FIGURES = _FigureCache(16)


def build_selection_figure(answers: Answers, views: Sequence[View] = VIEWS, height: int = 660, cached: bool = True) -> go.Figure:
    """The clickable map; its last trace holds the invisible click markers (customdata).

    With ``cached`` (the app), the figure for the same answers is built once and shared:
    treat it as read-only.
    """

    def build() -> go.Figure:
        return figure_from_drawing(selection_drawing(answers, views), height=height, extra_traces=[_click_trace(views, answers)],
                                   shared=cached)

    if not cached:
        return build()
    return _SELECTION_FIGURES.get((answers.model_dump_json(), tuple(views), height), build)


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
