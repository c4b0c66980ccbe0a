"""The tappable body map's data: what to draw, where each area lies, and taps applied to the answers.

Pure (no Streamlit). ``nervetriage/ui/bodymap_widget.py`` sends this to a small
st.components.v2 component (``nervetriage/ui/assets/bodymap.js``) that draws the map once
with plotly.js and then updates it in place:

- ``static_payload()``: the same for every session and run (so the browser keeps it and it is
  sent again only when it changes): the map figure with nothing chosen, drawn from
  ``bodymap.selection_drawing`` without Plotly's click markers (the component tests taps
  itself); every area (a region side or a midline site) with its polygon in figure
  coordinates, its name and a point well inside it (the pole of inaccessibility: the
  keyboard's buttons sit there); and the map's views (whole body, and close-ups of the legs
  where the small areas are).
- ``chosen_styles(answers)``: the fill and border of every chosen area (darker = stronger).
- ``apply_taps(answers, ops, ...)``: a browser's taps. The component sends all taps since the
  last one Python acknowledged as one cumulative log, so a rerun that replaces another cannot
  lose one; each op is ``[seq, area id, side ("" for a site), on]`` and says what the person
  saw after the tap (1 chosen, 0 not), so an op applied twice (a reconnect) changes nothing.

Figure coordinates are those of ``bodymap`` with both views side by side: figure x =
``view_offsets()[view]`` + view-local x.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.io as pio

from nervetriage.bodymap import (
    DEFAULT_INTENSITY,
    OUTLINE,
    SITE_FILL,
    Drawing,
    Target,
    apply_click,
    figure_from_drawing,
    intensity_colour,
    region_label,
    region_polygons,
    selection_drawing,
    view_bounds,
    view_offsets,
)
from nervetriage.content import load_content
from nervetriage.geometry import VIEWS, PersonSide, Point, View, load_geometry, points_in_polygon
from nervetriage.models import Answers

#: At most this many taps in one log (the component never sends more; anything longer is cut).
MAX_OPS = 200
#: Sequence numbers are positive integers below this (JavaScript's safe integers).
MAX_SEQ = 2**53 - 1
CHOSEN_LINE = "#7f2704"
SITE_LINE = "#424242"
CHOSEN_OPACITY = 0.9
SITE_OPACITY = 0.75
#: The close-ups: each view's legs from just above the hip bone down, cut at this height
#: and this far either side of the midline. Chosen so that, at phone width (390 CSS px),
#: every area is at least 24 x 24 px in the whole-body view or its close-up
#: (tests/e2e/test_bodymap_component_browser.py measures it).
CLOSE_UP_TOP = 110.5
CLOSE_UP_HALF_WIDTH: dict[View, float] = {"front": 18.0, "back": 17.0}
CLOSE_UP_MARGIN_TOP = 30  # px, for the view's title and side names above the legs


@dataclass(frozen=True)
class MapArea:
    """One tappable area: a region on one side, or a midline site (``side`` None)."""

    view: View
    kind: str  # "region" or "site"
    id: str
    side: PersonSide | None
    label: str
    points: tuple[Point, ...]  # closed polygon, figure coordinates
    at: Point  # the pole of inaccessibility, figure coordinates
    radius: float  # its distance to the edge, figure units

    @property
    def key(self) -> str:
        """``calf:right``; a site ``low_back:`` (a region and a site may share an id)."""
        return f"{self.id}:{self.side or ''}"

    @property
    def target(self) -> Target:
        return Target("region" if self.kind == "region" else "site", self.id, self.side)


def _edge_distance(xs: np.ndarray, ys: np.ndarray, poly: np.ndarray) -> np.ndarray:
    """Distance from each point to the polygon's boundary (all edges at once)."""
    a, b = poly[:-1], poly[1:]
    d = b - a
    length2 = np.maximum((d**2).sum(axis=1), 1e-12)
    px, py = xs[:, None], ys[:, None]
    t = np.clip(((px - a[:, 0]) * d[:, 0] + (py - a[:, 1]) * d[:, 1]) / length2, 0.0, 1.0)
    dx = px - (a[:, 0] + t * d[:, 0])
    dy = py - (a[:, 1] + t * d[:, 1])
    return np.sqrt(dx**2 + dy**2).min(axis=1)


def pole_of_inaccessibility(points: Sequence[Point]) -> tuple[Point, float]:
    """The point inside the polygon farthest from its edges, and that distance.

    A grid search refined twice around the best point: exact enough (a few hundredths of a
    unit) for placing a label or a keyboard target, and quick for the map's small polygons.
    """
    poly = np.asarray(points, dtype=float)
    if not np.allclose(poly[0], poly[-1]):
        poly = np.vstack([poly, poly[:1]])
    (x0, y0), (x1, y1) = poly.min(axis=0), poly.max(axis=0)
    best, best_d = ((x0 + x1) / 2, (y0 + y1) / 2), -1.0
    span_x, span_y = x1 - x0, y1 - y0
    step = max(min(span_x, span_y) / 16, 0.05)
    lo_x, hi_x, lo_y, hi_y = x0, x1, y0, y1
    for _ in range(3):
        gx, gy = np.meshgrid(np.arange(lo_x, hi_x + step / 2, step), np.arange(lo_y, hi_y + step / 2, step))
        xs, ys = gx.ravel(), gy.ravel()
        inside = points_in_polygon(xs, ys, poly)
        if inside.any():
            xs, ys = xs[inside], ys[inside]
            dist = _edge_distance(xs, ys, poly)
            i = int(dist.argmax())
            if dist[i] > best_d:
                best, best_d = (float(xs[i]), float(ys[i])), float(dist[i])
        lo_x, hi_x = best[0] - 2 * step, best[0] + 2 * step
        lo_y, hi_y = best[1] - 2 * step, best[1] + 2 * step
        step /= 8
    if best_d < 0:  # a sliver no grid point fell in: its first vertex will do
        best, best_d = (float(poly[0, 0]), float(poly[0, 1])), 0.0
    return best, best_d


def _site_label(site_id: str, site_format: str) -> str:
    return site_format.format(site=region_label(site_id, None))


@functools.cache
def map_areas(site_format: str = "{site}, along the nerve") -> tuple[MapArea, ...]:
    """Every tappable area of both views, in the order ``bodymap.target_at`` tests them."""
    offsets = view_offsets(VIEWS)
    out: list[MapArea] = []
    for view in VIEWS:
        dx = offsets[view]
        for poly in region_polygons(view):
            (px, py), radius = pole_of_inaccessibility(poly.points)
            label = region_label(poly.id, poly.side) if poly.kind == "region" else _site_label(poly.id, site_format)
            out.append(MapArea(
                view=view, kind=poly.kind, id=poly.id, side=poly.side, label=label,
                points=tuple((round(x + dx, 2), round(y, 2)) for x, y in poly.points),
                at=(round(px + dx, 2), round(py, 2)), radius=round(radius, 3),
            ))
    return tuple(out)


def _figure(drawing: Drawing) -> tuple[dict[str, Any], int]:
    """The figure as plain JSON (arrays as base64, which plotly.js reads), and where the
    chosen areas' fills go: above the regions, below the body's outline."""
    under = Drawing(views=drawing.views, shapes=[s for s in drawing.shapes if s.layer != "outline"], texts=drawing.texts)
    over = Drawing(views=drawing.views, shapes=[s for s in drawing.shapes if s.layer == "outline"])
    base = json.loads(pio.to_json(figure_from_drawing(under), validate=False))
    top = json.loads(pio.to_json(figure_from_drawing(over), validate=False))
    layout = base["layout"]
    for name in ("height", "clickmode", "hoverdistance", "hoverlabel", "legend"):
        layout.pop(name, None)
    layout.update(hovermode=False, dragmode=False, showlegend=False, autosize=False)
    return {"data": base["data"] + top["data"], "layout": layout}, len(base["data"])


def _modes(layout: Mapping[str, Any], side_words: Mapping[str, str]) -> list[dict[str, Any]]:
    """The map's views: the whole body as drawn, and each view's legs close up."""
    offsets = view_offsets(VIEWS)
    geometry = load_geometry()
    modes: list[dict[str, Any]] = [{
        "id": "whole", "x": list(layout["xaxis"]["range"]), "y": list(layout["yaxis"]["range"]),
        "annotations": list(layout.get("annotations", [])), "marginTop": layout["margin"]["t"],
    }]
    for view in VIEWS:
        geo = geometry.view(view)
        centre, half = offsets[view], CLOSE_UP_HALF_WIDTH[view]
        bottom = view_bounds(view)[2] - (7.0 if view_bounds(view)[2] < -1 else 1.5)
        left_word = side_words.get(geo.viewer_left_is, geo.viewer_left_is)
        right_word = side_words.get(geo.viewer_right_is, geo.viewer_right_is)

        def note(x: float, text: str, size: int, bold: bool = True) -> dict[str, Any]:
            return {"x": round(x, 2), "y": 1, "xref": "x", "yref": "paper", "yanchor": "bottom", "showarrow": False,
                    "text": f"<b>{text}</b>" if bold else text, "font": {"size": size, "color": "#222222"}}

        annotations = [note(centre, geo.title, 15), note(centre - half + 3.5, left_word, 13), note(centre + half - 3.5, right_word, 13)]
        if view_bounds(view)[2] < -1:  # the soles inset's caption, as in the whole view
            annotations += [a for a in layout.get("annotations", []) if a.get("y", 0) < 0 and abs(a.get("x", 0) - centre) < 1]
        modes.append({
            "id": f"legs_{view}", "view": view,
            "x": [round(centre - half, 2), round(centre + half, 2)], "y": [round(bottom, 2), CLOSE_UP_TOP],
            "annotations": annotations, "marginTop": CLOSE_UP_MARGIN_TOP,
        })
    return modes


def _rgba(colour: str, alpha: float) -> str:
    return f"rgba({int(colour[1:3], 16)},{int(colour[3:5], 16)},{int(colour[5:7], 16)},{alpha})"


@functools.cache
def _static(site_format: str, side_words: tuple[tuple[str, str], ...]) -> tuple[str, dict[str, Any]]:
    figure, highlight_at = _figure(selection_drawing(Answers(), VIEWS))
    assert figure["data"][-1]["line"]["color"] == OUTLINE, "the outline is drawn last, over the chosen areas"
    areas = [
        {"key": a.key, "id": a.id, "side": a.side or "", "view": a.view, "label": a.label,
         "ring": [c for point in a.points for c in point], "at": list(a.at)}
        for a in map_areas(site_format)
    ]
    payload = {
        "figure": figure,
        "highlightAt": highlight_at,
        "areas": areas,
        "modes": _modes(figure["layout"], dict(side_words)),
        "newFill": [_rgba(intensity_colour(DEFAULT_INTENSITY), CHOSEN_OPACITY), CHOSEN_LINE],
        "newSiteFill": [_rgba(SITE_FILL, SITE_OPACITY), SITE_LINE],
        "outline": OUTLINE,
    }
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]
    return digest, payload


def static_payload(site_format: str = "{site}, along the nerve",
                   side_words: Mapping[str, str] | None = None) -> tuple[str, dict[str, Any]]:
    """(id, payload) of what never changes between runs; the id changes with the payload."""
    words = tuple(sorted((side_words or {"left": "Left", "right": "Right"}).items()))
    return _static(site_format, words)


def chosen_styles(answers: Answers) -> dict[str, list[str]]:
    """Area key -> [fill, border] of what is chosen: pain shading by strength (the strongest
    rating of a side wins; unrated grey-blue), grey for a site along the nerve."""
    levels: dict[str, int | None] = {}
    for pain in answers.regions:
        for side in ("left", "right") if pain.side == "both" else (pain.side,):
            key = f"{pain.region}:{side}"
            ratings = [i for i in (levels.get(key), pain.intensity) if i is not None]
            levels[key] = max(ratings) if ratings else None
    out = {key: [_rgba(intensity_colour(level), CHOSEN_OPACITY), CHOSEN_LINE] for key, level in levels.items()}
    for site in answers.sites:
        if site.pain or site.stiffness:
            out[f"{site.site}:"] = [_rgba(SITE_FILL, SITE_OPACITY), SITE_LINE]
    return out


def is_chosen(answers: Answers, target: Target) -> bool:
    """Whether the map shows ``target`` as chosen (a region chosen on "both" sides counts for each)."""
    if target.kind == "region":
        return any(r.region == target.id and r.side in (target.side, "both") for r in answers.regions)
    return any(s.site == target.id and (s.pain or s.stiffness) for s in answers.sites)


@dataclass(frozen=True)
class Tap:
    seq: int
    target: Target | None  # None: an area this map does not have (the op is skipped)
    on: bool


def parse_op(op: Any) -> Tap | None:
    """One op of the log, or None when it is not one (then it is ignored, seq and all)."""
    if not isinstance(op, list | tuple) or len(op) != 4:
        return None
    seq, area, side, on = op
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 < seq <= MAX_SEQ:
        return None
    if isinstance(on, bool):
        on = int(on)
    if on not in (0, 1):
        return None
    content = load_content()
    target: Target | None = None
    if isinstance(area, str) and isinstance(side, str) and len(area) <= 60:
        if side in ("left", "right") and area in content.region_ids:
            target = Target("region", area, side)  # type: ignore[arg-type]
        elif side == "" and area in {s.id for s in content.sites}:
            target = Target("site", area)
    return Tap(seq, target, bool(on))


@dataclass(frozen=True)
class TapResult:
    answers: Answers
    last_seq: int  # the highest seq handled: what Python acknowledges
    changed: bool
    refused: bool  # an op would have made answers the schema refuses (they are unchanged by it)


def apply_taps(answers: Answers, ops: Any, last_seq: int) -> TapResult:
    """Apply every op of ``ops`` newer than ``last_seq``, oldest first; anything odd is ignored."""
    if not isinstance(ops, list | tuple):
        return TapResult(answers, last_seq, False, False)
    taps = sorted((t for t in (parse_op(op) for op in list(ops)[:MAX_OPS]) if t is not None and t.seq > last_seq),
                  key=lambda t: t.seq)
    changed = refused = False
    for tap in taps:
        last_seq = max(last_seq, tap.seq)
        if tap.target is None or is_chosen(answers, tap.target) == tap.on:
            continue
        try:
            answers = apply_click(answers, tap.target)
        except ValueError:  # pydantic's ValidationError is one: e.g. a list at its maximum
            refused = True
            continue
        changed = True
    return TapResult(answers, last_seq, changed, refused)


def px_per_unit(width_px: float, mode: Mapping[str, Any], height_px: float) -> float:
    """How many CSS px one figure unit takes in ``mode`` for a plot area of that size (equal on both axes)."""
    return min(width_px / (mode["x"][1] - mode["x"][0]), height_px / (mode["y"][1] - mode["y"][0]))


def clipped_box(area: MapArea, mode: Mapping[str, Any]) -> tuple[float, float] | None:
    """(width, height) in figure units of the part of ``area``'s bounding box inside ``mode``'s
    ranges, or None when none of it is in view."""
    xs = [p[0] for p in area.points]
    ys = [p[1] for p in area.points]
    w = min(max(xs), mode["x"][1]) - max(min(xs), mode["x"][0])
    h = min(max(ys), mode["y"][1]) - max(min(ys), mode["y"][0])
    return (w, h) if w > 0 and h > 0 else None


def inscribed_square(area: MapArea, step: float = 0.1) -> float:
    """Side (figure units) of about the largest axis-aligned square inside ``area`` (grid search)."""
    poly = np.asarray(area.points, dtype=float)
    (x0, y0), (x1, y1) = poly.min(axis=0), poly.max(axis=0)
    gx, gy = np.meshgrid(np.arange(x0, x1, step), np.arange(y0, y1, step))
    xs, ys = gx.ravel(), gy.ravel()
    inside = points_in_polygon(xs, ys, poly)
    xs, ys = xs[inside], ys[inside]
    edges = []
    for a, b in itertools.pairwise(poly):
        n = max(2, math.ceil(float(np.hypot(*(b - a))) / 0.05))
        edges.append(a + (b - a) * np.linspace(0, 1, n)[:, None])
    boundary = np.vstack(edges)
    best = 0.0
    for i in range(0, len(xs), 1000):
        half = np.maximum(np.abs(xs[i:i + 1000, None] - boundary[None, :, 0]), np.abs(ys[i:i + 1000, None] - boundary[None, :, 1]))
        best = max(best, float(half.min(axis=1).max(initial=0.0)))
    return 2 * best
