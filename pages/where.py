"""Step: where it hurts (regions with side and intensity) and how it started."""

from __future__ import annotations

import streamlit as st

from nervetriage.content import load_content
from nervetriage.models import RegionPain
from nervetriage.ui.bodymap_widget import region_selector
from nervetriage.ui.frame import ensure_frame
from nervetriage.ui.state import get_answers, update_answers
from nervetriage.ui.widgets import render_questions
from nervetriage.ui_text import load_ui_text

ensure_frame()

text = load_ui_text().where
content = load_content()
labels = {r.id: r.label for r in content.regions}
PENDING = "where:pending"  # regions chosen in the list whose side is not given yet

st.title(load_ui_text().nav["where"])
st.write(text.intro)

region_selector(get_answers())


def _entries(region_id: str) -> list[RegionPain]:
    return [r for r in get_answers().regions if r.region == region_id]


def _store(region_id: str, side: str | None, intensity: int) -> None:
    """Replace every entry of ``region_id`` by one with this side and intensity."""
    others = [r.model_dump() for r in get_answers().regions if r.region != region_id]
    if side is not None:
        others.append({"region": region_id, "side": side, "intensity": intensity})
    update_answers(regions=others)


def _regions_changed() -> None:
    chosen = list(st.session_state.get("where:regions") or [])
    saved = {r.region for r in get_answers().regions}
    st.session_state[PENDING] = [r for r in chosen if r not in saved]
    kept = [r.model_dump() for r in get_answers().regions if r.region in chosen]
    update_answers(regions=kept)


answers = get_answers()
saved_ids = list(dict.fromkeys(r.region for r in answers.regions))
pending = [r for r in st.session_state.get(PENDING, []) if r not in saved_ids and r in labels]
st.session_state["where:regions"] = saved_ids + pending
st.multiselect(
    text.regions_label,
    options=list(labels),
    format_func=lambda rid: labels.get(rid, rid),
    key="where:regions",
    placeholder=text.regions_placeholder,
    on_change=_regions_changed,
)

for region_id in saved_ids + pending:
    entries = _entries(region_id)
    sides = {e.side for e in entries}
    side = None if not entries else ("both" if len(sides) > 1 else entries[0].side)
    intensity = max((e.intensity for e in entries), default=5)
    side_key, level_key = f"where:side:{region_id}", f"where:level:{region_id}"
    st.session_state[side_key] = side
    st.session_state[level_key] = intensity

    def side_changed(region_id: str = region_id, side_key: str = side_key, level_key: str = level_key) -> None:
        _store(region_id, st.session_state.get(side_key), int(st.session_state.get(level_key, 5)))
        st.session_state[PENDING] = [r for r in st.session_state.get(PENDING, []) if r != region_id]

    def level_changed(region_id: str = region_id, side_key: str = side_key, level_key: str = level_key) -> None:
        current = _entries(region_id)
        if current:
            _store(region_id, st.session_state.get(side_key), int(st.session_state.get(level_key, 5)))

    with st.container(border=True):
        st.markdown(f"**{labels[region_id]}**")
        st.radio(
            text.side_label,
            options=list(text.sides),
            format_func=lambda s: text.sides.get(s, s),
            key=side_key,
            horizontal=True,
            on_change=side_changed,
        )
        if side is None:
            st.caption(text.side_missing)
        else:
            st.slider(text.intensity_label, min_value=0, max_value=10, key=level_key, on_change=level_changed)

st.subheader(text.story_heading)
render_questions(content.questions.steps["story"])
