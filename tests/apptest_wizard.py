"""Drive the wizard through AppTest the way a person would: page by page, widget by widget.

Widgets are found by their keys (``q:<field>`` for content questions), so the tests
exercise the real bindings between widgets and the one Answers object.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from streamlit.testing.v1 import AppTest

from nervetriage.models import Answers
from nervetriage.ui.state import ANSWERS_KEY

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def new_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    assert not at.exception, at.exception
    return at


def go(at: AppTest, page_id: str) -> AppTest:
    at.switch_page(f"pages/{page_id}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def answers(at: AppTest) -> Answers:
    value = at.session_state[ANSWERS_KEY]
    assert isinstance(value, Answers)
    return value


def set_widget(at: AppTest, key: str, value: Any) -> AppTest:
    """Set a widget by key (radio, pills, slider, select_slider, multiselect, checkbox) and rerun."""
    widget = at.get_by_key(key)
    widget.set_value(value)  # type: ignore[union-attr]
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def send_panel_data(at: AppTest, key: str) -> dict[str, Any] | None:
    """What the "send it back" component (nervetriage/ui/handover_widget.py) keyed ``key`` was given
    to show (its link, mailto and labels), or None when the page does not show it.
    AppTest does not run components; it keeps each one's data as JSON in its proto."""
    for element in at.get("bidi_component"):
        if getattr(element, "key", None) == f"nt_handover_{key}_panel":
            data = json.loads(element.proto.json)
            assert isinstance(data, dict)
            return data
    return None


def panel_link(at: AppTest, key: str) -> str | None:
    """The link the send panel keyed ``key`` shows (None when there is none)."""
    data = send_panel_data(at, key)
    return None if data is None else str(data["link"])


def has_key(at: AppTest, key: str) -> bool:
    try:
        at.get_by_key(key)
    except KeyError:
        return False
    return True


def texts(at: AppTest) -> str:
    """All visible text of the page (markdown, titles, captions, alerts), for assertions."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info", "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


def fill_story(at: AppTest, story: dict[str, Any]) -> AppTest:
    """Walk every step with this story's answers, clicking Next between steps (safety second)."""
    go(at, "where")
    region_ids = [r for r, _, _ in story.get("regions", [])]
    if region_ids:
        set_widget(at, "where:regions", region_ids)
        for region, side, level in story["regions"]:
            set_widget(at, f"where:side:{region}", side)
            set_widget(at, f"where:level:{region}", level)
    for field in ("duration", "onset"):
        if field in story:
            set_widget(at, f"q:{field}", story[field])
    next_step(at, "safety")
    flags = story.get("red_flags", [])
    mimics = story.get("mimics", [])
    for flag in flags:
        tick_safety_item(at, "red_flags", flag)
    for mimic in mimics:
        tick_safety_item(at, "mimics", mimic)
    if not flags and not mimics and story.get("safety_none", True):
        set_widget(at, "safety:none", True)
    next_step(at, "along")
    for site, what in story.get("sites", []):
        set_widget(at, f"along:{site}:{what}", True)
    if "neck" in story:
        set_widget(at, "q:neck_changes_legs", story["neck"])
    next_step(at, "sign1")
    set_treatments(at, story.get("treatments", {}))
    if "returns" in story:
        set_widget(at, "q:sign1.returns_when_running", story["returns"])
    next_step(at, "sign2")
    if "qualities" in story:
        if story["qualities"]:
            set_widget(at, "q:sign2.qualities", story["qualities"])
        else:
            set_widget(at, "q:sign2.qualities:none", True)
    next_step(at, "sign3")
    for field, value in story.get("sign3", {}).items():
        set_widget(at, f"q:sign3.{field}", value)
    next_step(at, "sign4")
    for field, value in story.get("sign4", {}).items():
        set_widget(at, f"q:sign4.{field}", value)
    next_step(at, "sign5")
    for field, value in story.get("sign5", {}).items():
        set_widget(at, f"q:sign5.{field}", value)
    next_step(at, "sign6")
    if "imaging" in story:
        if story["imaging"]:
            set_widget(at, "q:sign6.imaging", story["imaging"])
            set_widget(at, "q:sign6.result", story["scan_result"])
        else:
            set_widget(at, "q:sign6.imaging:none", True)
    next_step(at, "selfcheck")
    slump = story.get("slump")
    if slump is not None and has_key(at, "selfcheck:gate_box"):
        set_widget(at, "selfcheck:gate_box", True)
        set_widget(at, "selfcheck:choice", "done" if slump else "skip")
        for criterion in slump or []:
            set_widget(at, f"q:slump.{criterion}", True)
    next_step(at, "results")
    return at


def set_treatments(at: AppTest, treatments: dict[str, str]) -> AppTest:
    """Sign 1 as a person answers it: pick the treatments tried, then how each went."""
    if treatments:
        set_widget(at, "q:sign1.treatments:tried", list(treatments))
    for treatment, outcome in treatments.items():
        set_widget(at, f"q:sign1.treatments:{treatment}", outcome)
    return at


def tick_safety_item(at: AppTest, field: str, item_id: str) -> AppTest:
    """Answer yes to the safety group that asks about ``item_id`` (once), then tick it."""
    from nervetriage.content import load_content

    group = load_content().red_flags.group_of(item_id)
    if at.get_by_key(f"safety:group:{group.id}").value != "yes":  # type: ignore[union-attr]
        set_widget(at, f"safety:group:{group.id}", "yes")
    return set_widget(at, f"safety:{field}:{item_id}", True)


def next_step(at: AppTest, expected: str) -> AppTest:
    """Click Next and check the wizard landed on ``expected``."""
    at.button(key="nav_next").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert current_page(at) == expected, f"expected to land on {expected}, got {current_page(at)}"
    # AppTest renders the page st.switch_page went to, but its next run() would start from
    # the page it was last told about; tell it, as the browser's URL would.
    at.switch_page(f"pages/{expected}.py")
    return at


def current_page(at: AppTest) -> str:
    """Which page is showing, read from the page's own title."""
    from nervetriage.content import load_content
    from nervetriage.ui.nav import ALL_PAGES
    from nervetriage.ui_text import load_ui_text

    titles = [str(t.value) for t in at.title] + [str(h.value) for h in at.header]
    content = load_content()
    for page_id in ALL_PAGES:
        if page_id.startswith("sign"):
            if content.sign(int(page_id[-1])).question in titles:
                return page_id
        elif load_ui_text().heading(page_id) in titles or (page_id == "welcome" and load_ui_text().app_title in titles):
            return page_id
    return "?"
