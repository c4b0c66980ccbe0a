"""The wizard's page list: which pages exist, their order and their sections.

One place knows the steps, so the progress line, Back/Next and the partial-result links
cannot disagree about what "step 3" is.
"""

from __future__ import annotations

import copy
import threading
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from nervetriage.ui_text import PAGE_IDS, load_ui_text

# The page ids and their order are declared once, in ui_text (content/ui.yaml is checked
# against them): Welcome, then the steps up to Results, then the pages outside the steps.
WELCOME: str = PAGE_IDS[0]
STEPS: tuple[str, ...] = PAGE_IDS[1 : PAGE_IDS.index("results") + 1]
EXTRAS: tuple[str, ...] = PAGE_IDS[PAGE_IDS.index("results") + 1 :]
PAGES_DIR = Path(__file__).resolve().parents[2] / "pages"
ALL_PAGES: tuple[str, ...] = (WELCOME, *STEPS, *EXTRAS)
# The sidebar shows the steps as four parts, not one link per page: part id -> its pages.
PARTS: dict[str, tuple[str, ...]] = {
    "where": ("where",),
    "safety": ("safety",),
    "signs": tuple(p for p in STEPS if p not in ("where", "safety", "results")),
    "results": ("results",),
}
ICONS: dict[str, str] = {
    "welcome": ":material/waving_hand:",
    "where": ":material/location_on:",
    "along": ":material/timeline:",
    "selfcheck": ":material/self_improvement:",
    "safety": ":material/health_and_safety:",
    "results": ":material/insights:",
    "learn": ":material/menu_book:",
    "physio": ":material/link:",
    "clinician": ":material/clinical_notes:",
    "journal": ":material/edit_note:",
}


# A part's icon in the menu: its page's, and for the six signs (several pages) their own.
PART_ICONS: dict[str, str] = {part: ICONS.get(pages[0], "") for part, pages in PARTS.items()} | {
    "signs": ":material/checklist:"}


def page_file(page_id: str) -> str:
    """The script of a page, as an absolute path.

    Absolute, so the pages resolve the same whether app.py or a page file is the script
    Streamlit started with (a deep link on a fresh server runs the page file first).
    """
    return str(PAGES_DIR / f"{page_id}.py")


def part_of(page_id: str) -> str | None:
    """The part of the check a step page belongs to (None outside the steps)."""
    return next((part for part, pages in PARTS.items() if page_id in pages), None)


def sign_page(number: int) -> str:
    return f"sign{number}"


def step_number(page_id: str) -> int | None:
    """1-based position in the steps, or None for pages outside the steps."""
    return STEPS.index(page_id) + 1 if page_id in STEPS else None


def previous_page(page_id: str) -> str | None:
    if page_id in STEPS:
        index = STEPS.index(page_id)
        return STEPS[index - 1] if index > 0 else WELCOME
    return None


def next_page(page_id: str) -> str | None:
    if page_id == WELCOME:
        return STEPS[0]
    if page_id in STEPS:
        index = STEPS.index(page_id)
        return STEPS[index + 1] if index + 1 < len(STEPS) else None
    return None


_PAGES: dict[str, st.Page] = {}
_PAGES_LOCK = threading.Lock()


def _new_pages() -> dict[str, st.Page]:
    text = load_ui_text()
    return {
        page_id: st.Page(page_file(page_id), title=text.nav[page_id], url_path=page_id, icon=ICONS.get(page_id),
                         default=page_id == WELCOME)
        for page_id in ALL_PAGES
    }


def _page_prototypes() -> dict[str, st.Page]:
    """The 16 pages, created once per process.

    ``st.Page`` resolves its script path on the disk each time it is created (about 3 ms
    for our 16 pages on every rerun); what it keeps is plain data (path, title, icon, URL).
    Pages created outside a script run are incomplete, so only those made inside one are kept.
    """
    with _PAGES_LOCK:
        if not _PAGES:
            if get_script_run_ctx() is None:
                return _new_pages()
            _PAGES.update(_new_pages())
        return _PAGES


def build_pages() -> tuple[dict[str, list[st.Page]], dict[str, st.Page]]:
    """The st.navigation sections, and the same pages by id.

    Each run gets its own shallow copies: ``st.navigation`` marks the page it returns as
    callable once (``Page.run`` clears the mark), and sessions run on their own threads, so
    sharing one object between concurrent runs could let one session's run clear the mark
    another session is about to use.
    """
    text = load_ui_text()
    by_id = {page_id: copy.copy(page) for page_id, page in _page_prototypes().items()}
    sections = {
        text.sections["start"]: [by_id[WELCOME]],
        text.sections["steps"]: [by_id[p] for p in STEPS],
        text.sections["more"]: [by_id[p] for p in EXTRAS],
    }
    return sections, by_id
