"""The urgent result: which alert to act on first, which follow, and the number to call.

Shared by the Results page and the PDF, so both lead with the same alert. Pure: no
streamlit here.
"""

from __future__ import annotations

from nervetriage.content import Content, EmergencyNumber, load_content
from nervetriage.models import Assessment, TriggeredFlag

URGENT_LEVELS = ("emergency", "urgent")


def urgent_flags(assessment: Assessment) -> list[TriggeredFlag]:
    """The emergency and urgent alerts, the one to act on first leading (the scorer orders
    them by level, then by how pressing their time frame is)."""
    return [f for f in assessment.red_flags if f.level in URGENT_LEVELS]


def emergency_number(choice: object = None, content: Content | None = None) -> EmergencyNumber:
    """The emergency number with id ``choice``, or the content's default (112) for any other value."""
    emergency = (content or load_content()).emergency
    by_id = {n.id: n for n in emergency.numbers}
    return by_id.get(choice if isinstance(choice, str) else "", by_id[emergency.default])
