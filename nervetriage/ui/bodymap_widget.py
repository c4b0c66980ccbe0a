"""Body-map widgets (owned by the body-map work). Stub until that lands."""

from __future__ import annotations

import streamlit as st

from nervetriage.models import Answers, Assessment


def region_selector(answers: Answers, key: str = "bodymap_select") -> None:
    """Render the clickable front/back map; clicks toggle regions in the answers."""
    st.caption("The interactive body map is coming soon; use the list below.")


def results_map(answers: Answers, assessment: Assessment, key: str = "bodymap_results") -> None:
    """Render the suspected nerves along their courses, with reported crimp sites."""
    st.caption("The results body map is coming soon.")
