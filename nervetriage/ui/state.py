"""The one ``Answers`` object in session state; widgets are views of it.

Pages read answers with ``get_answers()`` and write a changed copy back with
``set_answers()``. Nothing else in session state is canonical: widget values are
re-derived from the answers on every run, so they survive page changes and going back.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from nervetriage.models import Answers

ANSWERS_KEY = "nt_answers"


def get_answers() -> Answers:
    """The current answers (an empty form on first use)."""
    answers = st.session_state.get(ANSWERS_KEY)
    if not isinstance(answers, Answers):
        answers = Answers()
        st.session_state[ANSWERS_KEY] = answers
    return answers


def set_answers(answers: Answers) -> None:
    st.session_state[ANSWERS_KEY] = answers


def update_answers(**changes: Any) -> Answers:
    """Validate ``changes`` on top of the current answers and store the result."""
    current = get_answers().model_dump()
    current.update(changes)
    answers = Answers.model_validate(current)
    set_answers(answers)
    return answers


def reset_answers() -> None:
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.session_state[ANSWERS_KEY] = Answers()


def get_field(answers: Answers, path: str) -> Any:
    """Read a dotted ``field`` path from content (``sign5.sitting``) out of ``answers``."""
    value: Any = answers
    for part in path.split("."):
        value = getattr(value, part)
    return value


def with_field(answers: Answers, path: str, value: Any) -> Answers:
    """A validated copy of ``answers`` with the dotted ``path`` set to ``value``."""
    data = answers.model_dump()
    parts = path.split(".")
    target = data
    for part in parts[:-1]:
        if target.get(part) is None:
            target[part] = {}
        target = target[part]
    target[parts[-1]] = value
    return Answers.model_validate(data)


def update_field(path: str, value: Any) -> Answers:
    """Write one answer back (called from widget callbacks) and store the new answers."""
    answers = with_field(get_answers(), path, value)
    set_answers(answers)
    return answers
