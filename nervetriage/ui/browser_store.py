"""Keeps the answers in the person's browser, so a reload, a reconnect or a new server loses nothing.

A small ``st.components.v2`` bridge (``assets/browser_store.js``, served from this
repository) stores the answers in this tab's sessionStorage and, when the person chooses
"Remember on this device", in localStorage. Once per page load it sends what it found; the
records are validated (``nervetriage.storage``) and restored unless this session already
has answers. Only then does the bridge write, so a fresh session never overwrites what was
kept. Two tabs: each keeps its own copy (sessionStorage is per tab); the device copy is
shared, and a tab that finds it changed by another tab asks which answers to keep rather
than overwrite them. Nothing of this reaches the server's disk or logs.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from typing import Any

import streamlit as st

from nervetriage.storage import StoredRecordError, answers_payload, choose_restore, read_record
from nervetriage.ui import sharing
from nervetriage.ui.state import get_answers, set_answers
from nervetriage.ui_text import load_ui_text

KEY = "nt_browser_store"
SYNCED = "nt_store_synced"  # the page load's records were read: the bridge may write
REMEMBER = "nt_store_remember"
TOGGLE = "nt_store_remember_toggle"
CLEAR = "nt_store_clear"  # bumped to make the bridge remove the stored copies
FORCE = "nt_store_force"  # bumped when the person keeps this tab's answers over another tab's
ADOPT = "nt_store_adopt"  # (count, revision) when the person takes the other tab's answers
CONFLICT = "nt_store_conflict"  # the other tab's record, while the question is open
UNAVAILABLE = "nt_store_unavailable"
SESSION = "nt_store_session"  # a random id per server session: a new one makes the bridge send its records again

@functools.cache
def _bridge() -> Any:
    """The bridge, declared in pyproject.toml ([[tool.streamlit.component.components]]), so Streamlit
    serves assets/browser_store.js as a file of this package rather than as a blob: script.
    Defined on first use: the manifest is only read by a running Streamlit server."""
    return st.components.v2.component("nervetriage.store", js="browser_store.js")


def _event(name: str) -> Any:
    value = st.session_state.get(KEY)
    try:
        return value[name] if value is not None else None
    except (KeyError, TypeError, AttributeError):
        return getattr(value, name, None)


def _saved_phrase(saved: Any) -> str:
    return f" (saved {saved.strftime('%d %b %Y, %H:%M')} UTC)" if saved is not None else ""


def _on_loaded() -> None:
    """The page load's stored records: restore the best one, report any that cannot be used."""
    loaded = _event("loaded")
    st.session_state[SYNCED] = True
    if not isinstance(loaded, dict):
        return
    text = load_ui_text().storage
    st.session_state[UNAVAILABLE] = loaded.get("available") is False
    remember = loaded.get("remember") is True
    st.session_state[REMEMBER] = remember
    st.session_state[TOGGLE] = remember
    restore = choose_restore(loaded.get("tab"), loaded.get("device"), remember, get_answers())
    for problem in restore.problems:
        sharing.notice("error", text.bad_copy.format(problem=problem))
    if restore.answers is None:
        return
    set_answers(restore.answers)
    phrase = text.restored_tab if restore.source == "tab" else text.restored_device
    record_time = None
    try:
        raw = loaded.get(restore.source or "tab")
        record_time = read_record(raw, restore.source or "tab").saved
    except StoredRecordError:
        record_time = None
    if not restore.problems:
        sharing.notice("info", phrase.format(saved=_saved_phrase(record_time)))


def _on_conflict() -> None:
    conflict = _event("conflict")
    if isinstance(conflict, dict):
        st.session_state[CONFLICT] = conflict.get("device")


def _on_reconnected() -> None:
    """The page is connected again (to a new session, if the server changed): the run it asked for is all."""


def _bump(key: str) -> None:
    st.session_state[key] = int(st.session_state.get(key, 0)) + 1


def _on_remember() -> None:
    st.session_state[REMEMBER] = bool(st.session_state.get(TOGGLE))
    if not st.session_state[REMEMBER]:
        sharing.notice("info", load_ui_text().storage.forgotten)


def _forget() -> None:
    st.session_state[REMEMBER] = False
    st.session_state[TOGGLE] = False
    sharing.notice("info", load_ui_text().storage.forgotten)


_SESSION_KEYS = (SESSION, SYNCED, REMEMBER, TOGGLE, CLEAR, FORCE, ADOPT, UNAVAILABLE)


def start_over(reset: Callable[[], None]) -> None:
    """Start over: ``reset`` clears the session; the bridge then removes this tab's copy and the device's.

    The bridge's own session keys survive the reset, so it does not take the cleared session
    for a new one and restore what was just cleared; "Remember on this device" stays as chosen.
    """
    kept = {k: st.session_state[k] for k in _SESSION_KEYS if k in st.session_state}
    reset()
    st.session_state.update(kept)
    _bump(CLEAR)


def synced() -> bool:
    """True once this session has read what the browser kept (one-off notices may go after that)."""
    return bool(st.session_state.get(SYNCED))


def remember_control() -> None:
    """The opt-in, its one-sentence explanation and the shared-computer warning (sidebar)."""
    text = load_ui_text().storage
    st.session_state.setdefault(TOGGLE, bool(st.session_state.get(REMEMBER)))
    st.toggle(text.remember, key=TOGGLE, on_change=_on_remember)
    st.caption(f"{text.remember_help} {text.shared_warning}")
    if st.session_state.get(REMEMBER):
        st.button(text.forget, key="nt_store_forget", icon=":material/delete:", on_click=_forget)
    if st.session_state.get(UNAVAILABLE):
        st.caption(text.unavailable)


def conflict_question() -> None:
    """Another tab changed the device's copy: ask which answers this device should keep."""
    raw = st.session_state.get(CONFLICT)
    if raw is None:
        return
    text = load_ui_text().storage
    try:
        other = read_record(raw, "device")
    except StoredRecordError:
        st.session_state.pop(CONFLICT, None)
        _bump(FORCE)  # an unreadable copy is not answers to keep: this tab's replace it
        return
    with st.container(border=True, key="nt_store_conflict_box"):
        st.warning(text.conflict.format(saved=_saved_phrase(other.saved)), icon=":material/tab:")
        left, right = st.columns(2)
        if left.button(text.use_other, key="nt_store_use_other", width="stretch"):
            set_answers(other.answers)
            count = int(st.session_state.get(ADOPT, (0, None))[0]) + 1
            st.session_state[ADOPT] = (count, other.rev)
            st.session_state.pop(CONFLICT, None)
            sharing.notice("info", text.took_other)
            st.rerun()
        if right.button(text.keep_mine, key="nt_store_keep_mine", type="primary", width="stretch"):
            _bump(FORCE)
            st.session_state.pop(CONFLICT, None)
            sharing.notice("info", text.kept_mine)
            st.rerun()


def keep_in_browser(page_id: str) -> None:
    """Mount the bridge with what it should keep now (nothing until the page load's records were read)."""
    adopt_count, adopt_rev = st.session_state.get(ADOPT, (0, None))
    synced = bool(st.session_state.get(SYNCED))
    session = st.session_state.setdefault(SESSION, secrets.token_hex(8))
    data = {
        "session": session,
        "synced": synced,
        "answers": answers_payload(get_answers()) if synced else None,
        "page": page_id,
        "remember": bool(st.session_state.get(REMEMBER)),
        "clear": int(st.session_state.get(CLEAR, 0)),
        "force": int(st.session_state.get(FORCE, 0)),
        "adopt": adopt_count,
        "adopt_rev": adopt_rev,
    }
    with st.container(key="nt_store_box"):
        _bridge()(key=KEY, data=data, on_loaded_change=_on_loaded, on_conflict_change=_on_conflict,
                  on_reconnected_change=_on_reconnected, height="content")
