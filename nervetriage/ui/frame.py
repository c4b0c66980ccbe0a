"""The app frame: navigation, banners, progress, Back/Next and Reset around every page.

``run_app`` is the whole of app.py. Every page file starts with ``ensure_frame()``:
when Streamlit runs a page file on its own (a deep link to a freshly started server runs
``pages/x.py`` through the legacy pages-directory mode, without app.py), the guard runs
the frame itself, which renders that same page inside it, and then stops the bare run.
"""

from __future__ import annotations

import threading
from pathlib import Path

import streamlit as st

from nervetriage.models import Assessment, TriggeredFlag
from nervetriage.scoring import assess
from nervetriage.ui import browser_store, sharing
from nervetriage.ui.nav import (
    EXTRAS,
    ICONS,
    PART_ICONS,
    PARTS,
    STEPS,
    WELCOME,
    build_pages,
    next_page,
    page_file,
    part_of,
    previous_page,
    step_number,
)
from nervetriage.ui.state import get_answers, reset_answers
from nervetriage.ui.widgets import sure_button
from nervetriage.ui_text import load_ui_text
from nervetriage.urgent import URGENT_LEVELS, urgent_flags

_local = threading.local()
FRAME_CSS = Path(__file__).resolve().parent / "assets" / "frame.css"


def inside_frame() -> bool:
    """True while a page is being run by ``run_app`` on this script thread."""
    return getattr(_local, "depth", 0) > 0


def ensure_frame() -> None:
    """Call first in every page: renders the frame when app.py did not run."""
    if not inside_frame():
        run_app()
        st.stop()


def run_app() -> None:
    """Set up the page, restore a shared link, then run the chosen page inside the frame."""
    text = load_ui_text()
    st.set_page_config(page_title=text.app_title, page_icon="🦶", layout="centered", initial_sidebar_state="auto")
    sharing.restore_from_url()
    sections, by_id = build_pages()
    # Every page is registered, but the menu is our own (_sidebar): the check's four parts
    # and the pages outside it, not one link per step.
    page = st.navigation(sections, position="hidden")
    page_id = _page_id(page, by_id)
    _sidebar(page_id)
    sharing.ask_before_replacing()
    browser_store.conflict_question()
    answers = get_answers()
    assessment = assess(answers)
    sharing.origin_banner(answers, keep_notices=not browser_store.synced(),
                          beside_urgent=page_id == "results" and assessment.urgency in URGENT_LEVELS)
    urgent_banner(assessment, page_id)
    _progress(page_id)
    st.html(FRAME_CSS)  # focus rings, one stated upload limit (style only: takes no room)
    _local.depth = getattr(_local, "depth", 0) + 1
    try:
        page.run()
    finally:
        _local.depth -= 1
    _footer(page_id)
    browser_store.keep_in_browser(page_id)


def _page_id(page: st.Page, by_id: dict[str, st.Page]) -> str:
    for page_id, candidate in by_id.items():
        if candidate is page:
            return page_id
    return page.url_path or WELCOME


def urgent_banner(assessment: Assessment, page_id: str = "") -> None:
    """The urgent guidance, shown on every page once an emergency/urgent answer is given,
    with a link to Results (what to do now, the number to call). Not on Results itself,
    which opens with its own urgent result. Each alert says its own time frame (its action)
    and the message above them none, so no alert gets two."""
    if assessment.urgency not in URGENT_LEVELS or page_id == "results":
        return
    lines = [assessment.urgency_message, ""]
    lines += [flag_line(flag) for flag in urgent_flags(assessment)]
    st.error("\n".join(lines), icon=":material/emergency:")
    st.page_link(page_file("results"), label=load_ui_text().urgent.banner_link, icon=":material/call:")


def flag_line(flag: TriggeredFlag) -> str:
    """One Markdown bullet for an alert: what it is and what to do, and for an alert raised
    from other answers (not a ticked box) which answers raised it."""
    line = f"- **{flag.title}.** {flag.action}"
    if flag.kind == "inferred" and flag.reason:
        line += " *" + load_ui_text().results.from_answers.format(reason=flag.reason) + "*"
    return line


def _progress(page_id: str) -> None:
    number = step_number(page_id)
    if number is None:
        return
    text = load_ui_text()
    label = text.labels.progress.format(n=number, total=len(STEPS), page=text.nav[page_id])
    st.progress(number / len(STEPS), text=label)


def _footer(page_id: str) -> None:
    labels = load_ui_text().labels
    back = previous_page(page_id)
    forward = next_page(page_id)
    if page_id == WELCOME or (back is None and forward is None):
        return
    st.divider()
    left, right = st.columns(2)
    if back is not None:
        with left:
            if sure_button(labels.back, key="nav_back", scope=page_id, width="stretch"):
                st.switch_page(page_file(back))
    if forward is not None:
        caption = labels.to_results if forward == "results" else labels.next
        with right:
            if sure_button(caption, key="nav_next", scope=page_id, type="primary", width="stretch"):
                st.switch_page(page_file(forward))


RESET_OPEN = "nt_reset_open"


def _menu(page_id: str) -> None:
    """The menu: Welcome, the check's parts (the current one links to this page, so it is
    marked as the page you are on, with how far into the part you are), then the rest."""
    text = load_ui_text()
    current_part = part_of(page_id)
    with st.container(key="nt_menu"):
        st.page_link(page_file(WELCOME), label=text.nav[WELCOME], icon=ICONS[WELCOME])
        st.caption(text.sections["steps"])
        for number, (part, pages) in enumerate(PARTS.items(), start=1):
            label = f"{number}. {text.parts[part]}"
            target = pages[0]
            if part == current_part:
                target = page_id
                if len(pages) > 1:
                    position = text.part_position.format(n=pages.index(page_id) + 1, total=len(pages))
                    label = f"{label} · {position}"
            st.page_link(page_file(target), label=label, icon=PART_ICONS[part])
        st.caption(text.sections["more"])
        for extra in EXTRAS:
            st.page_link(page_file(extra), label=text.nav[extra], icon=ICONS.get(extra))


def _sidebar(page_id: str) -> None:
    labels = load_ui_text().labels
    with st.sidebar:
        _menu(page_id)
        st.divider()
        st.button(labels.reset, key="nav_reset", icon=":material/restart_alt:", on_click=_open_reset)
        st.divider()
        browser_store.remember_control()
    if st.session_state.get(RESET_OPEN):
        _confirm_reset()


def _open_reset() -> None:
    st.session_state[RESET_OPEN] = True


def _close_reset() -> None:
    st.session_state[RESET_OPEN] = False


@st.dialog(load_ui_text().labels.reset_title, on_dismiss=_close_reset)
def _confirm_reset() -> None:
    """Ask before clearing: shown on every run while the question is open."""
    labels = load_ui_text().labels
    st.write(labels.reset_body)
    left, right = st.columns(2)
    if left.button(labels.reset_confirm, key="reset_confirm", type="primary", width="stretch"):
        browser_store.start_over(reset_answers)
        st.switch_page(page_file(WELCOME))
    if right.button(labels.reset_cancel, key="reset_cancel", width="stretch", on_click=_close_reset):
        st.rerun()
