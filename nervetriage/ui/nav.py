"""The wizard's page list: which pages exist, their order and their sections.

One place knows the steps, so the progress line, Back/Next and the partial-result links
cannot disagree about what "step 3" is.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from nervetriage.ui_text import PAGE_IDS, load_ui_text

# The page ids and their order are declared once, in ui_text (content/ui.yaml is checked
# against them): Welcome, then the steps up to Results, then the pages outside the steps.
WELCOME: str = PAGE_IDS[0]
STEPS: tuple[str, ...] = PAGE_IDS[1 : PAGE_IDS.index("results") + 1]
EXTRAS: tuple[str, ...] = PAGE_IDS[PAGE_IDS.index("results") + 1 :]
PAGES_DIR = Path(__file__).resolve().parents[2] / "pages"
ALL_PAGES: tuple[str, ...] = (WELCOME, *STEPS, *EXTRAS)
ICONS: dict[str, str] = {
    "welcome": ":material/waving_hand:",
    "where": ":material/location_on:",
    "along": ":material/timeline:",
    "selfcheck": ":material/self_improvement:",
    "safety": ":material/health_and_safety:",
    "results": ":material/insights:",
    "learn": ":material/menu_book:",
    "physio": ":material/link:",
    "journal": ":material/edit_note:",
}


def page_file(page_id: str) -> str:
    """The script of a page, as an absolute path.

    Absolute, so the pages resolve the same whether app.py or a page file is the script
    Streamlit started with (a deep link on a fresh server runs the page file first).
    """
    return str(PAGES_DIR / f"{page_id}.py")


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


def build_pages() -> tuple[dict[str, list[st.Page]], dict[str, st.Page]]:
    """The st.navigation sections, and the same pages by id."""
    text = load_ui_text()
    by_id: dict[str, st.Page] = {}
    for page_id in ALL_PAGES:
        by_id[page_id] = st.Page(
            page_file(page_id),
            title=text.nav[page_id],
            url_path=page_id,
            icon=ICONS.get(page_id),
            default=page_id == WELCOME,
        )
    sections = {
        text.sections["start"]: [by_id[WELCOME]],
        text.sections["steps"]: [by_id[p] for p in STEPS],
        text.sections["more"]: [by_id[p] for p in EXTRAS],
    }
    return sections, by_id
