"""Body-map widgets: the tappable "where it hurts" map and the results map.

The "where it hurts" map is a small st.components.v2 component of this package
(``assets/bodymap.js`` and ``bodymap.css``, declared in pyproject.toml), drawn by the plotly.js
of the installed plotly package (``nervetriage.ui.plotly_asset``). It is mounted once and
then updated in place (``Plotly.react``), never remounted, so a tap shows at once:

- the browser tests a tap itself (point in polygon, or the nearest area within a few px),
  shades the area straight away and sends the tap to Python as component *state*: every tap
  since the last one Python acknowledged, ``{"ops": [[seq, id, side, on], ...], "token": ...}``
  (``nervetriage.selection_map.apply_taps``). A state is not a one-shot trigger: when a rerun
  replaces a running one, the newest state still holds every tap. The browser sends it only
  while the app is not running (taps meanwhile wait in the log), so a rerun never starts from
  a page the last run has not finished updating: the Where page's list would otherwise still
  hold its old value and take that for a change, dropping a region just tapped;
- Python applies the new ops in the component's ``on_taps_change`` callback (callbacks run
  before the script, so an interrupted run cannot drop them), and again before mounting for a
  state that came without a callback (AppTest sets it through ``st.session_state``); ops are
  applied once (by their seq) and say what the person saw, so applying one twice changes nothing;
- the component gets back ``acked`` (the last seq applied) and what is chosen, and drops the
  ops Python has. ``token`` is new after Start over, so taps from before it are not replayed.

The figure and the areas' polygons never change between runs. They go to a second, empty
mount of the component (``<key>_geometry``) whose message is the same every run, so
Streamlit's cache of large messages sends it once per session and then only its hash; the
map takes them from there. The map's own data (what is chosen, ``acked``) stays small.
"""

from __future__ import annotations

import functools
import logging
import secrets
from typing import Any

import streamlit as st

from nervetriage.bodymap import build_results_figure, region_label, selected_labels
from nervetriage.models import Answers, Assessment
from nervetriage.selection_map import MAX_OPS, apply_taps, chosen_styles, static_payload
from nervetriage.ui import plotly_asset
from nervetriage.ui.results_view import clinic_marks_note
from nervetriage.ui.state import get_answers, update_answers
from nervetriage.ui_text import load_ui_text

CHART_CONFIG: dict[str, Any] = {"displayModeBar": False, "scrollZoom": False, "doubleClick": False, "responsive": True}
_LOG = logging.getLogger(__name__)


@functools.cache
def _component() -> Any:
    """Declared in pyproject.toml ([[tool.streamlit.component.components]] ``bodymap``), so
    Streamlit serves assets/bodymap.js, bodymap.css and vendor/plotly.min.js as files of this
    package. Mounted in the page's own DOM (``isolate_styles=False``): the graph stays a
    ``.js-plotly-plot`` of the document. Defined on first use: the manifest is only read by a
    running Streamlit server."""
    if not plotly_asset.VENDOR_FILE.is_file():  # a server not started by ./run or the Dockerfile
        try:
            plotly_asset.ensure_plotly_asset()
        except plotly_asset.PlotlyAssetError as exc:
            _LOG.warning("the body map cannot load plotly.js: %s", exc)
    return st.components.v2.component("nervetriage.bodymap", css="bodymap.css", js="bodymap.js", isolate_styles=False)


def _keys(key: str) -> tuple[str, str, str]:
    """Session keys beside the component's own: the last seq applied, the token, a refused tap."""
    return f"{key}__applied", f"{key}__token", f"{key}__refused"


def _state(key: str) -> Any:
    value = st.session_state.get(key)
    try:
        return value.get("taps") if value is not None else None
    except AttributeError:
        return None


def _apply_taps(key: str) -> None:
    """Apply the browser's taps that are newer than the last one applied (see the module docstring)."""
    applied_key, token_key, refused_key = _keys(key)
    log = _state(key)
    if not isinstance(log, dict) or log.get("token") != st.session_state.get(token_key):
        return  # nothing, or taps sent before Start over (or to another session)
    ops = log.get("ops")
    if not isinstance(ops, list) or len(ops) > 10 * MAX_OPS:
        return
    applied = st.session_state.get(applied_key, 0)
    answers = get_answers()
    result = apply_taps(answers, ops, applied if isinstance(applied, int) else 0)
    st.session_state[applied_key] = result.last_seq
    if result.refused:
        st.session_state[refused_key] = True
    if result.changed:
        update_answers(regions=[r.model_dump() for r in result.answers.regions],
                       sites=[s.model_dump() for s in result.answers.sites])


def region_selector(answers: Answers, key: str = "bodymap_select") -> None:
    """Render the tappable front/back map; taps toggle regions and sites in the answers."""
    text = load_ui_text().where
    words = text.map
    applied_key, token_key, refused_key = _keys(key)
    _apply_taps(key)
    answers = get_answers()
    st.caption(words.caption)
    if st.session_state.pop(refused_key, False):
        st.error(words.refused)
    token = st.session_state.setdefault(token_key, secrets.token_hex(8))
    static_id, static = static_payload(words.site_label, {s: text.sides[s] for s in ("left", "right")})
    data = {
        "key": key,
        "role": "map",
        "staticId": static_id,
        "chosen": chosen_styles(answers),
        "acked": int(st.session_state.get(applied_key, 0)),
        "token": token,
        "maxOps": MAX_OPS,
        "text": {
            "group": words.group_label, "help": words.help, "modesLabel": words.modes_label, "modes": words.modes,
            "areaName": words.area_name, "on": words.state_on, "off": words.state_off, "added": words.added,
            "removed": words.removed, "loading": words.loading, "failed": words.failed,
        },
    }
    with st.container(key=f"nt_{key}"):
        # The figure and the areas: the same message every run, so Streamlit sends it once and
        # then only a reference to it (its cache of large messages); the map reads it from there.
        _component()(key=f"{key}_geometry", data={"role": "geometry", "id": static_id, "payload": static}, height="content")
        _component()(key=key, data=data, height="content", on_taps_change=functools.partial(_apply_taps, key))
    labels = selected_labels(answers)
    st.markdown(f"**{words.chosen}** " + ("; ".join(labels) if labels else words.nothing))


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
        st.caption("Drawn from the spine to where it hurts: " + "; ".join(lines) + ". Each part of a nerve is drawn on the "
                   "view of the side of the body where it runs (back or front); dotted lines are its branches, and where it "
                   "goes on under the foot.")
    if assessment.sites:
        crimps = ", ".join(region_label(site, None).lower() for site in assessment.sites)
        st.caption(f"Crosses (X) mark the crimps you reported along the nerve: {crimps}.")
