"""Step: where it hurts (regions with side and intensity) and how it started.

An area a clinic marked in the link it sent arrives unrated: it shows who marked it and
asks how strong it is, with nothing chosen, until the person rates it; then the normal
slider shows. Whoever rated it, it stays marked as the clinic's.
"""

from __future__ import annotations

import streamlit as st

from nervetriage.content import load_content
from nervetriage.models import RegionPain
from nervetriage.safetext import literal
from nervetriage.scoring import UNRATED_INTENSITY
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
DEFAULT_LEVEL = 5  # a region the person adds starts here, as on the body map
# An unrated area is rated with a row of 0-10 pills, none chosen: one deliberate tap or key
# press gives the strength (a slider would sit somewhere, and keys would store each step).
RATINGS = list(range(11))

st.title(load_ui_text().heading("where"), anchor=False)
st.write(text.intro)

region_selector(get_answers())


def _entries(region_id: str) -> list[RegionPain]:
    return [r for r in get_answers().regions if r.region == region_id]


def _store(region_id: str, side: str | None, intensity: int | None, from_clinic: bool = False) -> None:
    """Replace every entry of ``region_id`` by one with this side and intensity (None: not
    rated yet), still marked as the clinic's if it was, where the region was in the list
    (so its box does not jump down the page when it is rated)."""
    regions = [r.model_dump() for r in get_answers().regions]
    place = next((i for i, r in enumerate(regions) if r["region"] == region_id), len(regions))
    others = [r for r in regions if r["region"] != region_id]
    if side is not None:
        others.insert(place, {"region": region_id, "side": side, "intensity": intensity, "from_clinic": from_clinic})
    update_answers(regions=others)


def _level(entries: list[RegionPain], level_key: str) -> int | None:
    """The strength to keep for ``entries``: the slider's, or None while none of them is rated."""
    if entries and all(e.intensity is None for e in entries):
        return None
    return int(st.session_state.get(level_key, DEFAULT_LEVEL))


def _clinic_name() -> str:
    """The clinic that sent the link, as literal text (it is outside text), or "your clinic"."""
    origin = get_answers().origin
    return literal(origin.clinic) if origin is not None and origin.clinic else text.clinic_fallback


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
    rated = [e.intensity for e in entries if e.intensity is not None]
    unrated = bool(entries) and not rated  # every entry a mark nobody has rated yet
    from_clinic = any(e.from_clinic for e in entries)
    side_key, level_key, rate_key = f"where:side:{region_id}", f"where:level:{region_id}", f"where:rate:{region_id}"
    st.session_state[side_key] = side
    st.session_state[level_key] = max(rated, default=DEFAULT_LEVEL)
    st.session_state[rate_key] = None

    def side_changed(region_id: str = region_id, side_key: str = side_key, level_key: str = level_key) -> None:
        current = _entries(region_id)
        _store(region_id, st.session_state.get(side_key), _level(current, level_key), any(e.from_clinic for e in current))
        st.session_state[PENDING] = [r for r in st.session_state.get(PENDING, []) if r != region_id]

    def level_changed(region_id: str = region_id, side_key: str = side_key, level_key: str = level_key) -> None:
        current = _entries(region_id)
        if current:
            _store(region_id, st.session_state.get(side_key), _level(current, level_key), any(e.from_clinic for e in current))

    def rated_now(region_id: str = region_id, side_key: str = side_key, rate_key: str = rate_key) -> None:
        current, value = _entries(region_id), st.session_state.get(rate_key)
        if current and isinstance(value, int):
            _store(region_id, st.session_state.get(side_key), value, any(e.from_clinic for e in current))

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
        elif unrated:
            # no slider sitting at 5: that would claim a strength nobody gave
            st.caption(text.marked_by.format(clinic=_clinic_name()) if from_clinic else text.unrated)
            st.pills(text.intensity_label, options=RATINGS, format_func=str, key=rate_key, on_change=rated_now)
            st.caption(text.unrated_note.format(middle=UNRATED_INTENSITY))
        else:
            if from_clinic:
                st.caption(text.marked_by_rated.format(clinic=_clinic_name()))
            st.slider(text.intensity_label, min_value=0, max_value=10, key=level_key, on_change=level_changed)

st.subheader(text.story_heading)
render_questions(content.questions.steps["story"])
