"""Step: red flags and not-nerve mimics, asked as a few grouped yes/no questions.

Each group (content/redflags.yaml ``groups``) is one yes/no; only a group answered yes
lists its own items to tick. ``nervetriage.safety_check`` turns the groups and ticks into
the answers' two lists, so "none apply" is only ever every group answered no.
"""

from __future__ import annotations

import streamlit as st

from nervetriage.content import load_content
from nervetriage.safety_check import GroupAnswer, answer_lists, group_answers
from nervetriage.scoring import assess
from nervetriage.ui.frame import ensure_frame
from nervetriage.ui.state import get_answers, update_answers
from nervetriage.ui.widgets import render_questions
from nervetriage.ui_text import load_ui_text

ensure_frame()

ui = load_ui_text()
text = ui.safety
content = load_content()
safety = content.red_flags
FLAG_IDS = [f.id for f in safety.flags]
ITEMS = {f.id: f for f in (*safety.flags, *safety.mimics)}
SAID = "safety:said"  # UI-only: the groups' yes/no, kept with the answers they were given against


def _lists() -> tuple[list[str] | None, list[str] | None]:
    answers = get_answers()
    return answers.red_flags, answers.mimics


def _said() -> dict[str, GroupAnswer] | None:
    """What the person answered to the groups on this page, while the answers are still the
    ones they answered then (a loaded example, a link or a reload replaces them): None when
    nobody answered the groups here."""
    note = st.session_state.get(SAID)
    if isinstance(note, tuple) and note[0] == _lists():
        return dict(note[1])
    return None


def _said_or_derived() -> dict[str, GroupAnswer]:
    """The groups' answers to build on: what was said here, else what the answers imply."""
    current = group_answers(safety.groups, *_lists(), said=_said())
    return {g: a for g, a in current.items() if a is not None}


def _store(said: dict[str, GroupAnswer], ticked: set[str]) -> None:
    red_flags, mimics = answer_lists(safety.groups, said, ticked, FLAG_IDS)
    update_answers(red_flags=red_flags, mimics=mimics)
    st.session_state[SAID] = (_lists(), dict(said))


def _ticked() -> set[str]:
    red_flags, mimics = _lists()
    return set(red_flags or []) | set(mimics or [])


def _group_changed(group_id: str, key: str) -> None:
    said = _said_or_derived()
    value = st.session_state.get(key)
    if value in ("yes", "no"):
        said[group_id] = value
    else:
        said.pop(group_id, None)
    _store(said, _ticked())


def _item_changed(item_id: str, key: str) -> None:
    ticked = _ticked()
    if st.session_state.get(key):
        ticked.add(item_id)
    else:
        ticked.discard(item_id)
    said = _said_or_derived()
    said[safety.group_of(item_id).id] = "yes"
    _store(said, ticked)


def _none_changed() -> None:
    if st.session_state.get("safety:none"):
        _store({g.id: "no" for g in safety.groups}, set())
    else:  # taking "none apply" back: every group unanswered again
        update_answers(red_flags=None, mimics=None)
        st.session_state.pop(SAID, None)


st.title(ui.heading("safety"), anchor=False)
st.write(safety.intro)

answers = get_answers()
said = _said()
state = group_answers(safety.groups, answers.red_flags, answers.mimics, said=said)
ticked = _ticked()
labels = ui.labels
for number, group in enumerate(safety.groups, start=1):
    key = f"safety:group:{group.id}"
    st.session_state[key] = state[group.id]
    with st.container(border=True, key=f"safety_group_{group.id}"):
        st.markdown(f"**{number}. {group.question}**")
        st.caption(group.covers)
        st.radio(
            f"{number}. {group.question}",
            label_visibility="collapsed",
            options=["yes", "no"],
            format_func=lambda v: labels.yes if v == "yes" else labels.no,
            key=key,
            horizontal=True,
            on_change=_group_changed,
            args=(group.id, key),
        )
        if state[group.id] == "yes":
            st.markdown(f"**{text.which}**")
            for item_id in group.items:
                item_key = f"safety:{'red_flags' if item_id in FLAG_IDS else 'mimics'}:{item_id}"
                st.session_state[item_key] = item_id in ticked
                st.checkbox(ITEMS[item_id].question, key=item_key, on_change=_item_changed, args=(item_id, item_key))
            if not ticked.intersection(group.items):
                st.caption(text.which_missing)

none_apply = answers.red_flags == [] and not answers.mimics
st.session_state["safety:none"] = none_apply
with st.container(border=True):
    st.checkbox(f"**{text.none_apply}**", key="safety:none", on_change=_none_changed)
if answers.red_flags is None and answers.mimics is None:
    st.caption(text.unanswered)
else:  # an emergency or urgent answer has the frame's banner at the top of every page
    urgency = assess(answers).urgency
    if urgency == "none" and none_apply:
        st.success(text.all_clear, icon=":material/check_circle:")
    elif urgency == "professional":
        st.info(text.ticked, icon=":material/medical_services:")

st.subheader(text.clues_heading, anchor=False)
render_questions(content.questions.steps["safety_clues"])
