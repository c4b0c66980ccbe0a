"""The benchmark's baseline: the "where it hurts" map as it was before issue 14.

An ``st.plotly_chart`` with ``on_select="rerun"``: every click goes to Python, which toggles
the area in the answers and builds a new figure; Streamlit hashes the figure into the
element's id, so the changed figure remounts the chart and plotly.js draws it afresh. Only
``bench/bench_map.py`` runs this app; the app itself uses the tappable component
(``nervetriage/ui/bodymap_widget.py``). Invisible text-mode markers (one grid per area,
``bodymap.click_targets``) make the filled areas clickable, as they did then.
"""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from nervetriage.bodymap import Target, apply_click, click_targets, figure_from_drawing, selected_labels, selection_drawing, view_offsets
from nervetriage.content import load_content
from nervetriage.geometry import VIEWS
from nervetriage.models import Answers

KEY = "legacy_map"


def click_trace(answers: Answers) -> dict[str, Any]:
    offsets = view_offsets(VIEWS)
    targets = click_targets(VIEWS)
    return {
        "type": "scatter", "mode": "text", "hoveron": "points", "showlegend": False, "name": "click targets",
        "x": [round(t.x + offsets[t.view], 2) for t in targets],
        "y": [t.y for t in targets],
        "customdata": [t.target.customdata for t in targets],
        "hovertext": [t.label for t in targets],
        "hovertemplate": "%{hovertext}<extra></extra>",
    }


def target_of(point: Any) -> Target | None:
    data = point.get("customdata") if isinstance(point, dict) else None
    if isinstance(data, list | tuple):
        data = data[0] if data else None
    parts = data.split(":") if isinstance(data, str) else []
    content = load_content()
    if len(parts) == 3 and parts[0] == "region" and parts[1] in content.region_ids and parts[2] in ("left", "right"):
        return Target("region", parts[1], parts[2])  # type: ignore[arg-type]
    if len(parts) == 2 and parts[0] == "site" and parts[1] in {s.id for s in content.sites}:
        return Target("site", parts[1])
    return None


def handle_click() -> None:
    try:
        points = st.session_state[KEY]["selection"]["points"]
    except (KeyError, TypeError):
        return
    signature = json.dumps(points, sort_keys=True, default=str)
    if not points or st.session_state.get("handled") == signature:
        return
    st.session_state["handled"] = signature
    answers = st.session_state.setdefault("answers", Answers())
    for point in points[:10]:
        target = target_of(point)
        if target is not None:
            answers = apply_click(answers, target)
    st.session_state["answers"] = answers


st.set_page_config(page_title="Legacy body map", layout="centered")
st.title("Where it hurts")
handle_click()
answers: Answers = st.session_state.setdefault("answers", Answers())
figure = figure_from_drawing(selection_drawing(answers, VIEWS), height=660, extra_traces=[click_trace(answers)])
event = st.plotly_chart(figure, key=KEY, on_select="rerun", selection_mode="points", width="stretch",
                        config={"displayModeBar": False, "scrollZoom": False, "doubleClick": False, "responsive": True})
if not (event.get("selection") or {}).get("points"):
    st.session_state["handled"] = None  # a remounted chart comes back with nothing selected
labels = selected_labels(answers)
st.markdown("**Chosen on the map:** " + ("; ".join(labels) if labels else "nothing yet."))
