"""Widgets as views of the one ``Answers`` object.

Every widget gets a key derived from the question's dotted ``field``; its value is set
from the answers on every run (so it survives page changes), and its ``on_change``
callback writes the new value back. ``None`` stays "not answered", distinct from "no".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from nervetriage.content import Question, load_content
from nervetriage.models import Answers
from nervetriage.scoring import evaluate
from nervetriage.ui.state import get_answers, get_field, update_field
from nervetriage.ui_text import load_ui_text

RATINGS: list[int] = list(range(11))  # a 0-10 rating; nothing chosen is "not answered", off the scale


def widget_key(field: str, suffix: str = "") -> str:
    """The session-state key of the widget bound to ``field`` (tests use it too)."""
    return f"q:{field}{':' + suffix if suffix else ''}"


def _sync(key: str, value: Any) -> None:
    """Show the answer the Answers object holds, whatever the widget held before."""
    st.session_state[key] = value


def _write(field: str, key: str, convert: Any = None) -> None:
    value = st.session_state.get(key)
    update_field(field, convert(value) if convert else value)


def hidden_follow_ups(answers: Answers) -> set[str]:
    """Follow-up questions whose lead question is answered the other way (content/questions.yaml)."""
    return {f.field for f in load_content().questions.follow_ups if evaluate(f.after, answers) is False}


def render_question(question: Question) -> None:
    """Render one content question with the widget its ``kind`` calls for."""
    renderers = {
        "checkbox": _checkbox,
        "rating": _rating,
        "choice": _choice,
        "multi": _multi,
        "yesno": _yesno,
        "outcomes": _outcomes,
    }
    renderers[question.kind](question)


def render_questions(questions: list[Question]) -> None:
    """Each question in its own box; a follow-up is left out once the question it follows is answered no."""
    hidden = hidden_follow_ups(get_answers())
    for question in questions:
        if question.field in hidden:
            continue
        with st.container(border=True):
            render_question(question)


def _checkbox(q: Question) -> None:
    key = widget_key(q.field)
    _sync(key, bool(get_field(get_answers(), q.field)))
    st.checkbox(q.label, key=key, help=q.help or None, on_change=_write, args=(q.field, key))


def _rating(q: Question) -> None:
    """0-10 as a row of numbers, none chosen until the person picks one.

    "Not answered" is not a point on the scale (a slider would always sit somewhere): it is
    the state with no number chosen, said in words under the row; tapping the chosen
    number again takes the answer back.
    """
    labels = load_ui_text().labels
    key = widget_key(q.field)
    current = get_field(get_answers(), q.field)
    _sync(key, current)
    st.pills(q.label, options=RATINGS, format_func=str, selection_mode="single", key=key,
             on_change=_write, args=(q.field, key))
    if q.help:
        st.caption(q.help)
    st.caption(labels.rating_unset if current is None else labels.rating_clear.format(value=current))


def _choice(q: Question) -> None:
    _radio(q, q.options)


def _yesno(q: Question) -> None:
    labels = load_ui_text().labels
    _radio(q, {True: labels.yes, False: labels.no}, horizontal=True)


def _radio(q: Question, options: Mapping[Any, str], horizontal: bool = False) -> None:
    """One answer out of ``options`` (value -> label), bound to the question's field; nothing picked is None."""
    key = widget_key(q.field)
    _sync(key, get_field(get_answers(), q.field))
    st.radio(
        q.label,
        options=list(options),
        format_func=lambda v: options.get(v, v),
        key=key,
        horizontal=horizontal,
        on_change=_write,
        args=(q.field, key),
    )
    if q.help:
        st.caption(q.help)


def _multi(q: Question) -> None:
    """Pills for the options plus an explicit "none of these", so [] differs from None."""
    labels = load_ui_text().labels
    key = widget_key(q.field)
    none_key = widget_key(q.field, "none")
    current = get_field(get_answers(), q.field)
    _sync(key, list(current or []))
    _sync(none_key, current == [])

    def pills_changed() -> None:
        chosen = list(st.session_state.get(key) or [])
        update_field(q.field, chosen or None)

    def none_changed() -> None:
        update_field(q.field, [] if st.session_state.get(none_key) else None)

    st.pills(
        q.label,
        options=list(q.options),
        format_func=lambda v: q.options.get(v, v),
        selection_mode="multi",
        key=key,
        on_change=pills_changed,
    )
    st.checkbox(labels.none_labels.get(q.field, "None of these"), key=none_key, on_change=none_changed)


def _outcomes(q: Question) -> None:
    """First "which of these have you tried?", then one "how did it go?" row per chosen one.

    A treatment picked but not yet rated is not an answer: it waits in the session (not in
    the answers, so nothing is scored for it) with its row shown empty until it is rated.
    """
    labels = load_ui_text().labels
    current: dict[str, str] = dict(get_field(get_answers(), q.field) or {})
    waiting = widget_key(q.field, "waiting")
    pending = [t for t in st.session_state.get(waiting, []) if t in q.options and t not in current]
    tried = [t for t in q.options if t in current or t in pending]
    key = widget_key(q.field, "tried")  # the "which did you try?" pills
    _sync(key, tried)

    def tried_changed() -> None:
        chosen = [t for t in q.options if t in (st.session_state.get(key) or [])]
        latest = dict(get_field(get_answers(), q.field) or {})
        st.session_state[waiting] = [t for t in chosen if t not in latest]
        update_field(q.field, {t: o for t, o in latest.items() if t in chosen})

    st.pills(q.label, options=list(q.options), format_func=lambda v: q.options.get(v, v), selection_mode="multi",
             key=key, on_change=tried_changed)
    if not tried:
        st.caption(labels.not_tried_hint)
        return
    for option in tried:
        row_key = widget_key(q.field, option)
        _sync(row_key, current.get(option))

        def changed(option: str = option, row_key: str = row_key) -> None:
            latest = dict(get_field(get_answers(), q.field) or {})
            value = st.session_state.get(row_key)
            if value is None:
                latest.pop(option, None)
                st.session_state[waiting] = [*st.session_state.get(waiting, []), option]
            else:
                latest[option] = value
            update_field(q.field, latest)

        st.pills(
            labels.how_did_it_go.format(treatment=q.options[option]),
            options=list(labels.outcomes),
            format_func=lambda v: labels.outcomes.get(v, v),
            selection_mode="single",
            key=row_key,
            on_change=changed,
        )
        if option not in current:
            st.caption(labels.outcome_unset)


def sure_button(label: str, key: str, scope: str = "", **kwargs: Any) -> bool:
    """``st.button`` whose click is not lost when another rerun interrupts the run it started.

    A button's trigger lasts one run. When a rerun is asked for while that run is still
    drawing the page above the button (the browser bridge reporting right after a page load,
    say), the new run starts without the trigger and the click is gone. A callback runs
    before the script, so the click is noted in the session first and taken here once
    (``scope``, such as the page, keeps a noted click from being taken somewhere else).
    """
    flag = f"{key}__clicked:{scope}"
    clicked = st.button(label, key=key, on_click=_note_click, args=(flag,), **kwargs)
    return bool(st.session_state.pop(flag, False)) or clicked


def _note_click(flag: str) -> None:
    st.session_state[flag] = True
