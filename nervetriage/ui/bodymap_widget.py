"""Body-map widgets: the clickable "where it hurts" map and the results map.

The chart is a view of the answers: a click is read from the chart's event, applied to
the one ``Answers`` object, and only then is the figure built from the answers. A changed
figure comes back with an empty selection, which is what keeps a click from being applied
twice; a remembered signature of the last handled click guards the case where it does not.
"""

from __future__ import annotations

import json
from typing import Any

import streamlit as st
from pydantic import ValidationError

from nervetriage.bodymap import (
    apply_click,
    build_results_figure,
    build_selection_figure,
    parse_click,
    region_label,
    selected_labels,
)
from nervetriage.models import Answers, Assessment
from nervetriage.ui.results_view import clinic_marks_note
from nervetriage.ui.state import get_answers, update_answers

CHART_CONFIG: dict[str, Any] = {"displayModeBar": False, "scrollZoom": False, "doubleClick": False, "responsive": True}

# Plotly decides what a tap selects from the point it last hovered. A mouse hovers before
# it clicks; a finger does not, so on a phone a tap used to select the region of the
# *previous* tap. This listener hovers the touched point first: at the start of a touch on
# a chart's plot area it sends that area a mouse move at the finger's position, and Plotly's
# own tap handling (which runs when the touch ends) then selects what is under the finger.
# Our own fixed code (no user text), installed once per browser tab.
TOUCH_HOVER_SCRIPT = """<script>
(() => {
  if (window.ntTouchHover) { return; }
  window.ntTouchHover = true;
  document.addEventListener("touchstart", (event) => {
    const start = event.target;
    if (!(start instanceof Element) || event.touches.length !== 1) { return; }
    const plotArea = start.closest(".js-plotly-plot .nsewdrag");
    if (!plotArea) { return; }
    const touch = event.touches[0];
    plotArea.dispatchEvent(new MouseEvent("mousemove", {
      clientX: touch.clientX, clientY: touch.clientY, bubbles: true, cancelable: true, view: window,
    }));
  }, { capture: true, passive: true });
})();
</script>"""


def _points(event: Any) -> list[Any]:
    """The selected points of a chart event (a PlotlyState, or a plain dict in AppTest)."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError, IndexError):
        return []
    return list(points) if isinstance(points, list | tuple) else []


def _handle_click(key: str) -> bool:
    """Apply a new click stored under ``key`` to the answers; True if the answers changed."""
    handled_key = f"{key}__handled"
    points = _points(st.session_state.get(key))
    if not points:
        return False
    try:
        signature = json.dumps(points, sort_keys=True, default=str)[:4000]
    except (TypeError, ValueError):
        return False
    if st.session_state.get(handled_key) == signature:
        return False
    st.session_state[handled_key] = signature
    targets = []
    for point in points[:10]:
        target = parse_click(point) if isinstance(point, dict) else None
        if target is not None and target not in targets:
            targets.append(target)
    if not targets:
        return False
    answers = get_answers()
    try:
        for target in targets:
            answers = apply_click(answers, target)
        update_answers(regions=[r.model_dump() for r in answers.regions], sites=[s.model_dump() for s in answers.sites])
    except (ValidationError, ValueError):
        st.error("That click could not be added to your answers; your earlier answers are unchanged.")
        return False
    return True


def region_selector(answers: Answers, key: str = "bodymap_select") -> None:
    """Render the clickable front/back map; clicks toggle regions and sites in the answers."""
    if _handle_click(key):
        answers = get_answers()
    st.caption(
        "Click or tap where it hurts; click or tap it again to remove it. New areas start at 5 out "
        "of 10 (darker shading = stronger): set the strength in the list. Front view: the person's "
        "right is on your left."
    )
    st.html(TOUCH_HOVER_SCRIPT, unsafe_allow_javascript=True)
    figure = build_selection_figure(answers)
    event = st.plotly_chart(
        figure, key=key, on_select="rerun", selection_mode="points", config=CHART_CONFIG, width="stretch",
    )
    if not _points(event):
        st.session_state[f"{key}__handled"] = None
    labels = selected_labels(answers)
    if labels:
        st.markdown("**Chosen on the map:** " + "; ".join(labels))
    else:
        st.markdown("**Chosen on the map:** nothing yet.")


def results_map(answers: Answers, assessment: Assessment, key: str = "bodymap_results") -> None:
    """Render the suspected nerves along their courses, with reported crimp sites, and say
    which painful areas a clinic marked and which are not rated yet."""
    dermatomes = st.toggle("Show dermatomes (skin areas of each spinal root)", key=f"{key}_dermatomes", value=False)
    figure = build_results_figure(answers, assessment, dermatomes=dermatomes)
    st.plotly_chart(figure, key=key, config=CHART_CONFIG, width="stretch")
    clinic_marks_note(answers)
    lines = []
    for rank, nerve in enumerate(assessment.nerves[:4], start=1):
        sides = "both sides" if "both" in nerve.sides else " and ".join(nerve.sides) + " side"
        lines.append(f"{rank}. {nerve.name} ({nerve.roots}), {sides}")
    if lines:
        st.caption("Drawn from the spine to where it hurts: " + "; ".join(lines) + ". Dotted parts run at the back of the body.")
    if assessment.sites:
        crimps = ", ".join(region_label(site, None).lower() for site in assessment.sites)
        st.caption(f"Crosses (X) mark the crimps you reported along the nerve: {crimps}.")
