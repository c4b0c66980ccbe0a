"""Every emergency and urgent answer, ticked or raised from other answers: the cases the
urgent-result tests (AppTest, PDF, Chromium) walk."""

from __future__ import annotations

from typing import Any

from nervetriage.content import load_content
from nervetriage.urgent import URGENT_LEVELS

SAFETY = load_content().red_flags

# Every emergency and urgent item a person can tick: (widget group, id).
TICKABLE: list[tuple[str, str]] = [("red_flags", f.id) for f in SAFETY.flags if f.level in URGENT_LEVELS] + [
    ("mimics", m.id) for m in SAFETY.mimics if m.level in URGENT_LEVELS
]

# Answers that raise each emergency or urgent alert without its box being ticked.
INFERRED: dict[str, dict[str, Any]] = {
    "femoral_neck_stress": {"regions": [{"region": "groin", "side": "left", "intensity": 6}], "clues": {"limp": True}},
    "dvt": {"clues": {"calf_swollen": True}, "regions": [{"region": "calf", "side": "left", "intensity": 5}]},
    "foot_drop": {"clues": {"weakness": ["foot_slap"]}, "regions": [{"region": "top_of_foot", "side": "right", "intensity": 4}]},
    "sciatica_both_legs": {
        "sign2": {"qualities": ["tingling"]},
        "regions": [{"region": "calf", "side": "both", "intensity": 5}, {"region": "low_back", "side": "both", "intensity": 4}],
    },
}


def ticked_answers(group: str, item_id: str) -> dict[str, Any]:
    """The safety answers with only this item ticked."""
    return {"red_flags": [item_id] if group == "red_flags" else [], "mimics": [item_id] if group == "mimics" else []}
