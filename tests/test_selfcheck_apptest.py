"""The self-check's gate: locked until the safety check is answered, off after an urgent answer.

The rule itself (nervetriage.selfcheck) is tested without Streamlit; the page tests pin
that every way to the page (Next, the sidebar, a deep link) meets the same gate.
"""

from __future__ import annotations

from typing import Any

import pytest
from apptest_wizard import answers, current_page, go, has_key, new_app, set_widget, texts, tick_safety_item
from streamlit.testing.v1 import AppTest

from nervetriage.content import load_content
from nervetriage.models import Answers
from nervetriage.selfcheck import self_check_gate
from nervetriage.ui.state import ANSWERS_KEY
from nervetriage.ui_text import load_ui_text

TEXT = load_ui_text().selfcheck
STEPS_TEXT = load_content().questions.slump_steps


def _state(payload: dict[str, Any]) -> str:
    return self_check_gate(Answers.model_validate(payload)).state


# --------------------------------------------------------------------------- the rule


def test_the_self_check_is_locked_until_the_safety_check_is_answered() -> None:
    assert _state({}) == "locked"
    assert _state({"sign5": {"night": True}, "regions": [{"region": "calf", "side": "left"}]}) == "locked"
    assert _state({"red_flags": [], "mimics": []}) == "open"


@pytest.mark.parametrize("flag", [f.id for f in load_content().red_flags.flags if f.level in ("emergency", "urgent")])
def test_an_emergency_or_urgent_flag_switches_the_self_check_off(flag: str) -> None:
    assert _state({"red_flags": [flag], "mimics": []}) == "blocked"


def test_an_inferred_urgent_alert_switches_it_off_even_before_the_safety_check() -> None:
    gate = self_check_gate(Answers.model_validate({"clues": {"calf_swollen": True}}))
    assert gate.state == "blocked"
    assert any(f.kind == "inferred" and f.level == "urgent" for f in gate.flags)


def test_a_professional_level_answer_leaves_it_open_and_is_named() -> None:
    gate = self_check_gate(Answers.model_validate({"red_flags": [], "mimics": ["bone_stress"]}))
    assert gate.state == "open"
    assert [f.id for f in gate.flags] == ["bone_stress"]


# --------------------------------------------------------------------------- the page


def _locked(at: AppTest) -> bool:
    """The locked page: why, and a link to the safety check; no gate box, no instructions."""
    page = texts(at)
    links = [(str(link.proto.label), link.proto.page) for link in at.get("page_link")]
    return (
        TEXT.locked_heading in page
        and TEXT.locked_body in page
        and (TEXT.locked_link, "safety") in links
        and not has_key(at, "selfcheck:gate_box")
        and not any(step in page for step in STEPS_TEXT)
    )


def test_clicking_next_to_the_self_check_before_the_safety_check_finds_it_locked() -> None:
    at = go(new_app(), "sign6")
    at.button(key="nav_next").click().run()
    assert current_page(at) == "selfcheck"
    assert _locked(at)


def test_the_sidebar_link_to_the_self_check_finds_it_locked_and_next_goes_to_results() -> None:
    # AppTest cannot open a page file as a browser deep link does (it starts on Welcome);
    # tests/e2e/test_deeplinks_cold_browser.py opens /selfcheck on a fresh server.
    at = go(new_app(), "selfcheck")
    assert _locked(at)
    assert at.button(key="nav_next").label == load_ui_text().labels.to_results
    at.button(key="nav_next").click().run()
    assert current_page(at) == "results"


def test_an_urgent_answer_keeps_it_switched_off_and_names_the_answer() -> None:
    at = go(new_app(), "safety")
    tick_safety_item(at, "red_flags", "foot_drop")
    go(at, "selfcheck")
    page = texts(at)
    assert TEXT.blocked in page and "Foot drop or growing weakness" in page
    assert not has_key(at, "selfcheck:gate_box")
    assert not any(step in page for step in STEPS_TEXT)


def test_none_apply_opens_it_and_the_gate_says_what_was_answered() -> None:
    at = go(new_app(), "safety")
    set_widget(at, "safety:none", True)
    go(at, "selfcheck")
    page = texts(at)
    assert TEXT.told_none in page
    assert "answered yes to any safety question" not in page, "the generic gate is replaced by what the person answered"
    assert TEXT.locked_heading not in page
    set_widget(at, "selfcheck:gate_box", True)
    assert STEPS_TEXT[0] in texts(at)


def test_a_professional_level_answer_is_listed_in_the_gate() -> None:
    at = go(new_app(), "safety")
    tick_safety_item(at, "mimics", "bone_stress")
    go(at, "selfcheck")
    page = texts(at)
    assert TEXT.told_some in page and "Possible bone stress injury" in page and TEXT.told_some_note in page
    assert TEXT.told_none not in page
    assert has_key(at, "selfcheck:gate_box")


def test_unticking_the_last_safety_answer_locks_it_again() -> None:
    at = new_app()
    at.session_state[ANSWERS_KEY] = Answers(red_flags=[], mimics=[])
    go(at, "selfcheck")
    assert has_key(at, "selfcheck:gate_box")
    go(at, "safety")
    set_widget(at, "safety:none", False)
    assert answers(at).red_flags is None
    go(at, "selfcheck")
    assert _locked(at)


def test_the_safety_page_reassures_once_none_apply() -> None:
    at = go(new_app(), "safety")
    safety = load_ui_text().safety
    assert safety.all_clear not in texts(at)
    set_widget(at, "safety:none", True)
    assert safety.all_clear in texts(at)
    tick_safety_item(at, "mimics", "bone_stress")
    assert safety.ticked in texts(at) and safety.all_clear not in texts(at)
