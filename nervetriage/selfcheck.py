"""When the slump self-check may be offered: only after the safety check, and never with an urgent alert.

Pure: the page (pages/selfcheck.py) shows what this decides, so the rule is tested
without Streamlit and a deep link to the page cannot get round it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from nervetriage.models import Answers, Assessment, TriggeredFlag
from nervetriage.scoring import assess

# Alerts at these levels leave the self-check open (they lead the result instead); an
# emergency or urgent one switches it off.
OPEN_LEVELS = ("none", "professional")

GateState = Literal["locked", "blocked", "open"]


@dataclass(frozen=True)
class SelfCheckGate:
    """``locked``: the safety check is not answered yet; ``blocked``: an emergency or urgent
    alert was raised; ``open``: the check may be offered. ``flags`` are the alerts the
    answers raised (most urgent first), so the page can name what the person told us."""

    state: GateState
    flags: tuple[TriggeredFlag, ...]


def self_check_gate(answers: Answers, assessment: Assessment | None = None) -> SelfCheckGate:
    """Whether the self-check may be offered for these answers, and the alerts behind that."""
    result = assessment if assessment is not None else assess(answers)
    flags = tuple(result.red_flags)
    if result.urgency not in OPEN_LEVELS:
        return SelfCheckGate("blocked", flags)
    if answers.red_flags is None:
        return SelfCheckGate("locked", flags)
    return SelfCheckGate("open", flags)
