"""Optional step: the seated slump self-check, behind its safety gate.

The gate is the page's own (nervetriage.selfcheck): Next on the step before and the
sidebar still lead here, and a deep link opens it directly, but until the safety check is
answered with nothing urgent the page shows why it is locked and no test instructions.
"""

from __future__ import annotations

import streamlit as st

from nervetriage.content import load_content
from nervetriage.models import TriggeredFlag
from nervetriage.selfcheck import self_check_gate
from nervetriage.ui.frame import ensure_frame
from nervetriage.ui.nav import ICONS, page_file
from nervetriage.ui.state import get_answers, update_answers
from nervetriage.ui.widgets import render_questions
from nervetriage.ui_text import load_ui_text

ensure_frame()

text = load_ui_text().selfcheck
questions = load_content().questions
GATE = "selfcheck:gate"  # UI-only: the person confirmed none of the gate conditions apply

st.title(load_ui_text().heading("selfcheck"), anchor=False)
st.write(text.intro)


def _gate_changed() -> None:
    st.session_state[GATE] = bool(st.session_state.get("selfcheck:gate_box"))
    if not st.session_state[GATE]:
        update_answers(slump=None)


def _choice_changed() -> None:
    choice = st.session_state.get("selfcheck:choice")
    if choice == "done":
        current = get_answers().slump
        data = current.model_dump() if current else {}
        data["done"] = True
        update_answers(slump=data)
    elif choice == "skip":
        update_answers(slump={"done": False})
    else:
        update_answers(slump=None)


def _flag_lines(flags: tuple[TriggeredFlag, ...]) -> str:
    """The alerts as Markdown bullets; one raised from other answers says which."""
    lines = []
    for flag in flags:
        line = f"- **{flag.title}**"
        if flag.kind == "inferred" and flag.reason:
            line += f" – {flag.reason}"
        lines.append(line)
    return "\n".join(lines)


def _body() -> None:
    """Gate, then steps, then criteria; returns early where the person must stop."""
    answers = get_answers()
    gate = self_check_gate(answers)
    if gate.state == "blocked":
        st.subheader(text.blocked_heading)
        st.warning(text.blocked, icon=":material/block:")
        with st.container(border=True, key="selfcheck_blocked"):
            st.markdown(f"{text.told_some}\n\n{_flag_lines(gate.flags)}")
        return
    if gate.state == "locked":
        st.subheader(text.locked_heading)
        with st.container(border=True, key="selfcheck_locked"):
            st.markdown(f":material/lock: {text.locked_body}")
            st.page_link(page_file("safety"), label=text.locked_link, icon=ICONS["safety"])
            st.caption(text.locked_skip)
        return
    st.subheader(text.gate_heading)
    if gate.flags:
        st.info(f"{text.told_some}\n\n{_flag_lines(gate.flags)}\n\n{text.told_some_note}", icon=":material/medical_services:")
    else:
        st.success(text.told_none, icon=":material/check_circle:")
    others = list(questions.slump_gate)
    st.markdown(text.gate_lead + "\n\n" + "\n".join(f"- {item}" for item in others))
    confirmed = bool(st.session_state.get(GATE)) or (answers.slump is not None and answers.slump.done)
    st.session_state["selfcheck:gate_box"] = confirmed
    st.checkbox(text.confirm, key="selfcheck:gate_box", on_change=_gate_changed)
    if not confirmed:
        return
    st.subheader(text.steps_heading)
    st.markdown("\n".join(f"{i}. {step}" for i, step in enumerate(questions.slump_steps, start=1)))
    slump = answers.slump
    st.session_state["selfcheck:choice"] = None if slump is None else ("done" if slump.done else "skip")
    st.radio(
        text.choice_label,
        options=["done", "skip"],
        format_func=lambda v: text.choice_done if v == "done" else text.choice_skip,
        key="selfcheck:choice",
        horizontal=True,
        on_change=_choice_changed,
    )
    if slump is not None and slump.done:
        st.subheader(text.criteria_heading)
        render_questions(questions.slump_criteria)
    elif slump is not None:
        st.info(text.skipped, icon=":material/check:")


_body()
