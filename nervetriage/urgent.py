"""The urgent result: which alert to act on first, which follow, and the number to call.

Shared by the Results page and the PDF, so both lead with the same alert. Pure: no
streamlit here.
"""

from __future__ import annotations

from nervetriage.content import Content, EmergencyNumber, load_content
from nervetriage.models import Assessment, TriggeredFlag
from nervetriage.ui_text import load_ui_text

URGENT_LEVELS = ("emergency", "urgent")


def urgent_flags(assessment: Assessment) -> list[TriggeredFlag]:
    """The emergency and urgent alerts, the one to act on first leading.

    The highest level leads; within a level, the most pressing time frame (the order in
    content/ui.yaml), so that "see a doctor today" is not put behind "within a few days".
    Otherwise the scorer's order stands.
    """
    rank = {frame: index for index, frame in enumerate(load_ui_text().urgent.timeframe_order)}
    flags = [f for f in assessment.red_flags if f.level in URGENT_LEVELS]
    return sorted(flags, key=lambda f: (URGENT_LEVELS.index(f.level), rank.get(f.timeframe, len(rank))))


def emergency_number(choice: object = None, content: Content | None = None) -> EmergencyNumber:
    """The emergency number with id ``choice``, or the content's default (112) for any other value."""
    emergency = (content or load_content()).emergency
    by_id = {n.id: n for n in emergency.numbers}
    return by_id.get(choice if isinstance(choice, str) else "", by_id[emergency.default])
