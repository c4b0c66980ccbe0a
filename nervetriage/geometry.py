"""Body-map geometry as validated data, and the maths that turns it into shapes.

``content/bodymap.yaml`` holds control points, limb frames, region cells and landmark
positions; this module validates it (naming the file and the field on errors) and compiles
it into closed polygons and polylines in view-local coordinates:

- units: about 1 cm of a 180 cm adult drawn 7.5 heads tall;
- y up, 0 = the ground, 180 = top of the head (the back view's soles inset is below 0);
- x = 0 on the body's midline in that view, positive = the viewer's right.

Only the viewer-right half is written down; the other half is its mirror image. In the
front view the viewer-right half is the person's left side, in the back view their right.
Nothing here knows about Plotly or PDFs: both draw from these shapes.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from nervetriage.content import CONTENT_DIR, Content, ContentError, describe_content_error, load_content, read_yaml

View = Literal["front", "back"]
PersonSide = Literal["left", "right"]
VIEWS: tuple[View, ...] = ("front", "back")
BODYMAP_FILE = "bodymap.yaml"

Point = tuple[float, float]
ControlPoint = tuple[float, float] | tuple[float, float, Literal["corner"]]

SAMPLES_PER_UNIT = 0.8  # spline sampling density (points per unit of curve length)
CELL_STEP = 1.0  # y step used to trace region borders along a frame


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Frame(_Model):
    """A limb between a medial and a lateral edge, both running strictly downwards."""

    lateral: list[ControlPoint] = Field(min_length=2)
    medial: list[ControlPoint] = Field(min_length=2)

    @model_validator(mode="after")
    def _edges_run_down_together(self) -> Frame:
        for name in ("lateral", "medial"):
            ys = [p[1] for p in getattr(self, name)]
            if any(b >= a for a, b in itertools.pairwise(ys)):
                raise ValueError(f"{name} edge must run strictly downwards (y decreasing)")
        if self.lateral[0][1] != self.medial[0][1] or self.lateral[-1][1] != self.medial[-1][1]:
            raise ValueError("lateral and medial edges must start and end at the same heights")
        return self


class Anchor(_Model):
    """A position: absolute view-local (x, y), or (u, y) inside a frame."""

    at: Point
    frame: str | None = None


class Detail(_Model):
    """A decorative line (kneecap, collarbone, toes) that helps people recognise the figure."""

    name: str
    points: list[Point] | None = None
    ellipse: tuple[float, float, float, float] | None = None  # cx, cy, rx, ry

    @model_validator(mode="after")
    def _one_kind(self) -> Detail:
        if (self.points is None) == (self.ellipse is None):
            raise ValueError("a detail needs exactly one of `points` or `ellipse`")
        if self.points is not None and len(self.points) < 2:
            raise ValueError("a detail line needs at least two points")
        return self


class RegionShape(_Model):
    """One polygon of a painful region (viewer-right copy; mirrored for the other side)."""

    region: str
    points: list[Point] = Field(min_length=3)
    frame: str | None = None


class SiteShape(_Model):
    """A midline site along the nerve: the viewer-right half, top of the midline to bottom."""

    site: Literal["neck", "upper_back", "mid_back", "low_back", "pelvis"]
    half: list[Point] = Field(min_length=3)
    frame: str | None = None

    @field_validator("half")
    @classmethod
    def _ends_on_midline(cls, value: list[Point]) -> list[Point]:
        if value[0][0] != 0 or value[-1][0] != 0:
            raise ValueError("a site's half outline must start and end on the midline (u or x = 0)")
        return value


class ViewGeometry(_Model):
    title: str
    viewer_right_is: PersonSide
    upper: list[ControlPoint] = Field(min_length=3)
    frames: dict[str, Frame]
    outlines: list[str] = Field(min_length=1)
    details: list[Detail] = Field(default_factory=list)
    regions: list[RegionShape]
    sites: list[SiteShape] = Field(default_factory=list)
    landmarks: dict[str, Anchor]

    @model_validator(mode="after")
    def _frames_exist(self) -> ViewGeometry:
        if "leg" not in self.frames:
            raise ValueError("every view needs the body frame `leg`")
        known = set(self.frames)
        for name in self.outlines:
            if name not in known:
                raise ValueError(f"outlines: unknown frame {name!r}")
        frame_refs = [s.frame for s in self.regions] + [s.frame for s in self.sites] + [a.frame for a in self.landmarks.values()]
        for ref in frame_refs:
            if ref is not None and ref not in known:
                raise ValueError(f"unknown frame {ref!r}")
        leg = self.frames["leg"]
        if tuple(self.upper[-1][:2]) != tuple(leg.lateral[0][:2]):
            raise ValueError("`upper` must end where the leg's lateral edge starts")
        if leg.medial[0][0] != 0:
            raise ValueError("the leg's medial edge must start on the midline (x = 0)")
        return self


class Segment(_Model):
    """A drawing hint for one step of a nerve's course (``from`` -> ``to``).

    ``via``: landmarks the step passes on the way, each drawn in the view it is placed in
    (the fibular nerves run down the back of the thigh before they reach the shin).
    ``link``: drawn as a thin dotted connector, not as the course (the jump from the
    ankle into the soles inset below the figure).
    """

    nerve: str
    from_: str = Field(alias="from")
    to: str
    link: bool = False
    via: list[str] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class DermatomeInfo(_Model):
    source: str
    note: str


class BodyMap(_Model):
    """The whole of content/bodymap.yaml."""

    source: str
    click_grid_spacing: float = Field(gt=0.5, le=10)
    gap_between_views: float = Field(ge=0, le=40)
    views: dict[View, ViewGeometry]
    segments: list[Segment] = Field(default_factory=list)
    dermatomes: DermatomeInfo

    @model_validator(mode="after")
    def _both_views(self) -> BodyMap:
        if set(self.views) != set(VIEWS):
            raise ValueError("bodymap needs exactly the views `front` and `back`")
        return self


def check_against_content(bodymap: BodyMap, content: Content) -> list[str]:
    """Cross-references to regions.yaml and nerves.yaml that a physio edit could break."""
    problems: list[str] = []
    source_ids = {s.id for s in content.sources}
    for where, source in (("source", bodymap.source), ("dermatomes.source", bodymap.dermatomes.source)):
        for part in source.split(","):
            if part.strip() not in source_ids:
                problems.append(f"{BODYMAP_FILE}: field {where}: unknown source {part.strip()!r}")
    region_views = {r.id: set(r.views) for r in content.regions}
    landmark_ids = {lm.id for lm in content.landmarks}
    for view_name, view in bodymap.views.items():
        drawn = {shape.region for shape in view.regions}
        for i, shape in enumerate(view.regions):
            if shape.region not in region_views:
                problems.append(f"{BODYMAP_FILE}: field views.{view_name}.regions.{i}.region: unknown region {shape.region!r}")
            elif view_name not in region_views[shape.region]:
                problems.append(
                    f"{BODYMAP_FILE}: field views.{view_name}.regions.{i}.region: "
                    f"{shape.region!r} is not shown in the {view_name} view in regions.yaml"
                )
        for region_id, views in region_views.items():
            if view_name in views and region_id not in drawn:
                problems.append(f"{BODYMAP_FILE}: field views.{view_name}.regions: region {region_id!r} has no polygon")
        for name in view.landmarks:
            if name not in landmark_ids:
                problems.append(f"{BODYMAP_FILE}: field views.{view_name}.landmarks.{name}: unknown landmark")
    # Each landmark is placed in one view: the one showing the side of the body (front or
    # back) where the nerve runs there. A nerve is drawn in a view only between landmarks
    # of that view, so no part of it is drawn across the other side of the body.
    placed: dict[str, list[str]] = {}
    for view_name, view in bodymap.views.items():
        for name in view.landmarks:
            placed.setdefault(name, []).append(view_name)
    for name, views_of in placed.items():
        if len(views_of) > 1:
            problems.append(
                f"{BODYMAP_FILE}: field views.{views_of[1]}.landmarks.{name}: already placed in the {views_of[0]} view "
                "(place a landmark in the one view where the nerve runs there)"
            )
    for nerve in content.nerves:
        missing = [lm for lm in nerve.course if lm not in placed]
        if missing:
            problems.append(f"{BODYMAP_FILE}: field views.*.landmarks: nerve {nerve.id} needs {missing}")
    for site in content.sites:
        if site.landmark not in bodymap.views["back"].landmarks:
            problems.append(f"{BODYMAP_FILE}: field views.back.landmarks: site {site.id} needs {site.landmark!r}")
    nerve_ids = {n.id for n in content.nerves}
    for i, seg in enumerate(bodymap.segments):
        if seg.nerve not in nerve_ids:
            problems.append(f"{BODYMAP_FILE}: field segments.{i}.nerve: unknown nerve {seg.nerve!r}")
            continue
        course = content.nerve(seg.nerve).course
        if seg.from_ not in course or seg.to not in course or course.index(seg.to) != course.index(seg.from_) + 1:
            problems.append(f"{BODYMAP_FILE}: field segments.{i}: {seg.from_}->{seg.to} is not a step of {seg.nerve}'s course")
        for j, via in enumerate(seg.via):
            if via not in placed:
                problems.append(f"{BODYMAP_FILE}: field segments.{i}.via.{j}: landmark {via!r} is not placed in any view")
    return problems


def load_bodymap_from(directory: Path, content: Content | None = None) -> BodyMap:
    """Read and validate bodymap.yaml in ``directory``; errors name the file and the field."""
    raw = read_yaml(directory / BODYMAP_FILE)
    try:
        bodymap = BodyMap.model_validate(raw)
    except ValidationError as exc:
        raise ContentError(describe_content_error(exc, BODYMAP_FILE)) from exc
    problems = check_against_content(bodymap, content or load_content())
    if problems:
        raise ContentError("\n".join(problems))
    return bodymap


# --------------------------------------------------------------------------- curve maths


def _catmull_rom(points: list[Point]) -> list[Point]:
    """A centripetal Catmull-Rom spline through ``points`` (no overshoot loops)."""
    if len(points) == 2:
        (x0, y0), (x1, y1) = points
        n = max(2, math.ceil(math.hypot(x1 - x0, y1 - y0) * SAMPLES_PER_UNIT))
        return [(x0 + (x1 - x0) * t / n, y0 + (y1 - y0) * t / n) for t in range(n + 1)]
    p = np.asarray(points, dtype=float)
    first = 2 * p[0] - p[1]
    last = 2 * p[-1] - p[-2]
    p = np.vstack([first, p, last])
    out: list[Point] = [tuple(points[0])]  # type: ignore[list-item]
    for i in range(1, len(p) - 2):
        p0, p1, p2, p3 = p[i - 1], p[i], p[i + 1], p[i + 2]
        t0 = 0.0
        t1 = t0 + max(float(np.linalg.norm(p1 - p0)) ** 0.5, 1e-6)
        t2 = t1 + max(float(np.linalg.norm(p2 - p1)) ** 0.5, 1e-6)
        t3 = t2 + max(float(np.linalg.norm(p3 - p2)) ** 0.5, 1e-6)
        n = max(2, math.ceil(float(np.linalg.norm(p2 - p1)) * SAMPLES_PER_UNIT))
        for t in np.linspace(t1, t2, n + 1)[1:]:
            a1 = (t1 - t) / (t1 - t0) * p0 + (t - t0) / (t1 - t0) * p1
            a2 = (t2 - t) / (t2 - t1) * p1 + (t - t1) / (t2 - t1) * p2
            a3 = (t3 - t) / (t3 - t2) * p2 + (t - t2) / (t3 - t2) * p3
            b1 = (t2 - t) / (t2 - t0) * a1 + (t - t0) / (t2 - t0) * a2
            b2 = (t3 - t) / (t3 - t1) * a2 + (t - t1) / (t3 - t1) * a3
            c = (t2 - t) / (t2 - t1) * b1 + (t - t1) / (t2 - t1) * b2
            out.append((float(c[0]), float(c[1])))
    out[-1] = (float(points[-1][0]), float(points[-1][1]))
    return out


def smooth(control: list[ControlPoint] | list[Point]) -> list[Point]:
    """A dense polyline through control points; `corner` points split the spline."""
    pieces: list[list[Point]] = [[]]
    for cp in control:
        pt = (float(cp[0]), float(cp[1]))
        pieces[-1].append(pt)
        if len(cp) == 3:
            pieces.append([pt])
    out: list[Point] = []
    for piece in pieces:
        if len(piece) < 2:
            continue
        curve = _catmull_rom(piece)
        out.extend(curve if not out else curve[1:])
    return out


def ellipse(cx: float, cy: float, rx: float, ry: float, n: int = 28) -> list[Point]:
    ts = np.linspace(0, 2 * math.pi, n + 1)
    return [(cx + rx * math.cos(t), cy + ry * math.sin(t)) for t in ts]


@dataclass(frozen=True)
class CompiledFrame:
    """A frame's edges as dense polylines, with the (u, y) -> (x, y) map."""

    lateral: tuple[Point, ...]
    medial: tuple[Point, ...]

    def _x(self, edge: tuple[Point, ...], y: float) -> float:
        ys = [p[1] for p in reversed(edge)]
        xs = [p[0] for p in reversed(edge)]
        return float(np.interp(y, ys, xs))

    @property
    def top(self) -> float:
        return self.lateral[0][1]

    @property
    def bottom(self) -> float:
        return self.lateral[-1][1]

    def to_xy(self, u: float, y: float) -> Point:
        if not (self.bottom - 1e-9 <= y <= self.top + 1e-9):
            raise ValueError(f"y={y} lies outside the frame ({self.bottom}..{self.top})")
        xm = self._x(self.medial, y)
        xl = self._x(self.lateral, y)
        return (xm + u * (xl - xm), y)

    def outline(self) -> list[Point]:
        """The frame as one closed loop (used for separate shapes such as the soles)."""
        loop = [*self.lateral, *reversed(self.medial)]
        if loop[0] != loop[-1]:
            loop.append(loop[0])
        return loop


def compile_frame(frame: Frame) -> CompiledFrame:
    lateral = smooth(frame.lateral)
    medial = smooth(frame.medial)
    for name, edge in (("lateral", lateral), ("medial", medial)):
        ys = [p[1] for p in edge]
        if any(b >= a for a, b in itertools.pairwise(ys)):
            raise ContentError(f"{BODYMAP_FILE}: a frame's {name} edge curls back upwards; move its control points")
    return CompiledFrame(lateral=tuple(lateral), medial=tuple(medial))


def _trace_cell(points: list[Point], frame: CompiledFrame) -> list[Point]:
    """Map a (u, y) polygon into the frame, tracing sloped edges along the limb's outline.

    Edges are sampled at the same y grid everywhere, so neighbouring regions that share an
    edge in (u, y) share it exactly on the figure too.
    """
    out: list[Point] = []
    n = len(points)
    for i in range(n):
        (u0, y0), (u1, y1) = points[i], points[(i + 1) % n]
        out.append(frame.to_xy(u0, y0))
        if y0 == y1:
            continue
        lo, hi = sorted((y0, y1))
        steps = [float(g) for g in np.arange(math.floor(lo / CELL_STEP) * CELL_STEP, hi, CELL_STEP) if lo < g < hi]
        if y0 > y1:
            steps.reverse()
        for g in steps:
            t = (g - y0) / (y1 - y0)
            out.append(frame.to_xy(u0 + (u1 - u0) * t, g))
    out.append(out[0])
    return out


def place(anchor_at: Point, frame_name: str | None, frames: dict[str, CompiledFrame]) -> Point:
    if frame_name is None:
        return (float(anchor_at[0]), float(anchor_at[1]))
    return frames[frame_name].to_xy(anchor_at[0], anchor_at[1])


def mirror(points: list[Point]) -> list[Point]:
    return [(-x, y) for x, y in points]


@dataclass(frozen=True)
class Polygon:
    """A closed polygon of one region side or one midline site, in view-local coordinates."""

    kind: Literal["region", "site"]
    id: str
    side: PersonSide | None
    points: tuple[Point, ...]


@dataclass(frozen=True)
class CompiledView:
    name: View
    title: str
    viewer_right_is: PersonSide
    outlines: tuple[tuple[Point, ...], ...]
    details: tuple[tuple[Point, ...], ...]
    polygons: tuple[Polygon, ...]
    landmarks: dict[str, Point]  # viewer-right copy

    @property
    def viewer_left_is(self) -> PersonSide:
        return "right" if self.viewer_right_is == "left" else "left"

    def landmark(self, landmark_id: str, side: PersonSide) -> Point:
        x, y = self.landmarks[landmark_id]
        return (x, y) if side == self.viewer_right_is else (-x, y)

    def bounds(self) -> tuple[float, float, float, float]:
        pts = [p for line in self.outlines for p in line]
        xs = [p[0] for p in pts]
        ys = [p[1] for p in pts]
        return (min(xs), max(xs), min(ys), max(ys))


def compile_view(name: View, view: ViewGeometry) -> CompiledView:
    frames = {key: compile_frame(f) for key, f in view.frames.items()}
    leg = frames["leg"]
    crotch_y = next(float(cp[1]) for cp in view.frames["leg"].medial if cp[0] == 0 and len(cp) == 3)
    upper = smooth(view.upper)
    medial_below = [p for p in leg.medial if p[1] <= crotch_y + 1e-9]
    half = [*upper, *leg.lateral[1:], *reversed(medial_below)]
    body = [*half, *reversed(mirror(half)[1:-1]), half[0]]
    outlines: list[tuple[Point, ...]] = [tuple(body)]
    for frame_name in view.outlines:
        if frame_name == "leg":
            continue
        loop = frames[frame_name].outline()
        outlines.append(tuple(loop))
        outlines.append(tuple(mirror(loop)))
    details: list[tuple[Point, ...]] = []
    for detail in view.details:
        if detail.ellipse is not None:
            details.append(tuple(ellipse(*detail.ellipse)))
        elif detail.points is not None:
            details.append(tuple(smooth(detail.points)))
    right = view.viewer_right_is
    left: PersonSide = "right" if right == "left" else "left"
    polygons: list[Polygon] = []
    for shape in view.regions:
        if shape.frame is None:
            pts = [(float(x), float(y)) for x, y in shape.points]
            pts.append(pts[0])
        else:
            pts = _trace_cell(list(shape.points), frames[shape.frame])
        polygons.append(Polygon("region", shape.region, right, tuple(pts)))
        polygons.append(Polygon("region", shape.region, left, tuple(mirror(pts))))
    for site in view.sites:
        if site.frame is None:
            half_pts = [(float(x), float(y)) for x, y in site.half]
        else:
            # trace the half as an open path along the frame, then close it with its mirror
            traced = _trace_cell(list(site.half), frames[site.frame])
            cut = len(traced) - 1
            # drop the closing run back along the midline (from the last point to the first)
            half_pts = traced[:cut]
            while len(half_pts) > 1 and abs(half_pts[-1][0]) < 1e-9 and abs(half_pts[-2][0]) < 1e-9:
                half_pts.pop()
        full = [*half_pts, *reversed(mirror(half_pts))]
        full = [p for i, p in enumerate(full) if i == 0 or p != full[i - 1]]
        if full[-1] != full[0]:
            full.append(full[0])
        polygons.append(Polygon("site", site.site, None, tuple(full)))
    landmarks = {key: place(a.at, a.frame, frames) for key, a in view.landmarks.items()}
    return CompiledView(
        name=name,
        title=view.title,
        viewer_right_is=right,
        outlines=tuple(outlines),
        details=tuple(details),
        polygons=tuple(polygons),
        landmarks=landmarks,
    )


@dataclass(frozen=True)
class CompiledBodyMap:
    data: BodyMap
    views: dict[View, CompiledView]
    frames: dict[View, dict[str, CompiledFrame]]

    def view(self, name: View) -> CompiledView:
        return self.views[name]


def compile_bodymap(bodymap: BodyMap) -> CompiledBodyMap:
    views = {name: compile_view(name, bodymap.views[name]) for name in VIEWS}
    frames = {name: {k: compile_frame(f) for k, f in bodymap.views[name].frames.items()} for name in VIEWS}
    return CompiledBodyMap(data=bodymap, views=views, frames=frames)


@functools.cache
def load_geometry() -> CompiledBodyMap:
    """The shipped geometry, validated and compiled once per process."""
    return compile_bodymap(load_bodymap_from(CONTENT_DIR))


# --------------------------------------------------------------------------- point tests


def points_in_polygon(xs: np.ndarray, ys: np.ndarray, polygon: tuple[Point, ...] | list[Point] | np.ndarray) -> np.ndarray:
    """Even-odd ray casting, vectorised over many points and all edges at once."""
    poly = np.asarray(polygon, dtype=float)
    x0, y0 = poly[:, 0], poly[:, 1]
    x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
    px = np.asarray(xs, dtype=float).reshape(-1, 1)
    py = np.asarray(ys, dtype=float).reshape(-1, 1)
    crosses = (y0 > py) != (y1 > py)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_at = x0 + (py - y0) * (x1 - x0) / (y1 - y0)
    hits = crosses & (px < x_at)
    return (hits.sum(axis=1) % 2 == 1).reshape(np.shape(xs))


def point_in_polygon(x: float, y: float, polygon: tuple[Point, ...] | list[Point] | np.ndarray) -> bool:
    return bool(points_in_polygon(np.array([x]), np.array([y]), polygon)[0])
