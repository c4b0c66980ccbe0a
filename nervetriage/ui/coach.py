"""The example bar a coach demos with: on every page while an example case is loaded.

It says which example is on screen (invented answers, for teaching), switches to the
previous, next or any other example without leaving the page, tells the story and what
the screen should show, and has a "Presenting" switch for a shared screen (no side menu,
larger text). Loading goes through ``sharing.offer_answers`` like every other way in, so
answers the person changed are never replaced without asking.
"""

from __future__ import annotations

import streamlit as st

from nervetriage.content import load_content
from nervetriage.examples import Example, get_example, load_examples, step_example
from nervetriage.safetext import literal
from nervetriage.ui.widgets import sure_button
from nervetriage.ui_text import CoachText, load_ui_text
from nervetriage.urgent import URGENT_LEVELS

PICK_KEY = "nt_coach_pick"
PRESENTING_KEY = "nt_coach_presenting"
# Presenting: no sidebar and no button to open it; larger text (every size is in rem) in a
# wider column, for a room reading a shared screen. A phone gets a little less, so the bar's
# Previous and Next still share one row at 390 px.
PRESENTING_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"] {
  display: none !important;
}
html { font-size: 17px; }
@media (min-width: 640px) { html { font-size: 20px; } }
[data-testid="stMainBlockContainer"] { max-width: 60rem; }
</style>"""


# --------------------------------------------------------------------------- pure


def full_stop(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def find_example(example_id: str) -> Example | None:
    """The shipped example with this id, or None (an id from a link may name no shipped example)."""
    try:
        return get_example(example_id)
    except KeyError:
        return None


def banner_text(example_id: str, text: CoachText | None = None) -> str:
    """The bar's first line: which example this is, and that its answers are invented."""
    example = find_example(example_id)
    title = example.title if example else example_id  # an unknown id is still marked as an example
    return (text or load_ui_text().coach).banner.format(title=literal(full_stop(title)))


def expected_result(example: Example, text: CoachText | None = None) -> str:
    """What the screen should show for this example: the band's label and the safety alert;
    for an emergency or urgent example only the alert (Results then shows no band)."""
    words = text or load_ui_text().coach
    urgency = words.urgency[example.expected_urgency]
    if example.expected_urgency in URGENT_LEVELS:
        return words.expected_urgent.format(urgency=urgency)
    bands = {b.id: b.label for b in load_content().scoring.bands}
    return words.expected.format(band=bands[example.expected_band], urgency=urgency)


# --------------------------------------------------------------------------- the bar


def example_bar(example_id: str, about: bool = True) -> None:
    """The bar for the loaded example ``example_id``, drawn by ``sharing.origin_banner``;
    ``about``: with the example's story and expected result (not beside an urgent result)."""
    text = load_ui_text().coach
    example = find_example(example_id)
    with st.container(border=True, key="nt_coach_bar"):
        st.markdown(f":material/school: {banner_text(example_id, text)}")
        _pick(example_id, text)
        # one row on a phone too: Previous at the left, Next at the right
        with st.container(horizontal=True, horizontal_alignment="distribute", key="nt_coach_steps"):
            if _sure(text.previous, "nt_coach_previous", ":material/chevron_left:"):
                _load(step_example(example_id, -1))
            if _sure(text.next, "nt_coach_next", ":material/chevron_right:"):
                _load(step_example(example_id, +1))
        if example is not None and about:
            with st.expander(text.about, icon=":material/info:"):
                st.markdown(literal(example.story))
                st.markdown(f"**{text.expected_heading}:** {expected_result(example, text)}")
        presenting = st.toggle(text.presenting, key=PRESENTING_KEY, help=text.presenting_help)
    if presenting:
        st.html(PRESENTING_CSS)


def _sure(label: str, key: str, icon: str) -> bool:
    return sure_button(label, key=key, icon=icon, width="content")


def _pick(example_id: str, text: CoachText) -> None:
    """Every example, the loaded one selected; choosing another loads it."""
    examples = {e.id: e for e in load_examples()}
    st.session_state[PICK_KEY] = example_id if example_id in examples else None  # always the one on screen
    st.selectbox(
        text.pick_label,
        options=list(examples),
        format_func=lambda eid: examples[eid].title,
        key=PICK_KEY,
        placeholder=text.pick_placeholder,
        label_visibility="collapsed",
        on_change=_picked,
        width="stretch",
    )


def _picked() -> None:
    chosen = find_example(str(st.session_state.get(PICK_KEY) or ""))
    if chosen is not None:
        _offer(chosen)  # a callback: the run that follows shows the new example, or asks first


def _offer(example: Example) -> bool:
    from nervetriage.ui import sharing  # sharing draws this bar: imported here, not at the top

    # stay on this page: a coach showing the Where page goes on showing it, with the new answers
    return sharing.offer_answers(example.fresh_answers(), "example", name=example.title, then_results=False)


def _load(example: Example) -> None:
    _offer(example)
    st.rerun()  # draw the page with the new answers, or let the frame ask "Replace your answers?"


def follow_loaded(key: str, loaded: str | None) -> None:
    """Point the example selectbox keyed ``key`` at the loaded example: when the page opens
    (its widget was dropped on another page) and whenever a different example gets loaded,
    but not while the person browses the list on the same page."""
    seen = f"{key}__loaded"
    if loaded is not None and find_example(loaded) is not None and (key not in st.session_state or st.session_state.get(seen) != loaded):
        st.session_state[key] = loaded
    st.session_state[seen] = loaded
