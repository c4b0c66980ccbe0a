"""The urgent result, through AppTest: once an emergency or urgent answer is given (ticked or
raised from other answers), Results shows only what to do now, the number to call and what
to tell the clinician, until the person asks for the rest; no band, score, chart, nerves or
self-care advice. The PDF side is in tests/test_urgent_report.py, Chromium in
tests/e2e/test_urgent_browser.py.
"""

from __future__ import annotations

import re

import pytest
from apptest_wizard import APP, answers, current_page, go, new_app, texts, tick_safety_item
from streamlit.testing.v1 import AppTest
from urgent_cases import INFERRED, TICKABLE

from nervetriage.content import load_content
from nervetriage.models import Answers, Assessment
from nervetriage.scoring import assess
from nervetriage.share import encode_link
from nervetriage.ui.nav import ALL_PAGES
from nervetriage.ui.state import ANSWERS_KEY
from nervetriage.ui_text import load_ui_text
from nervetriage.urgent import URGENT_LEVELS, urgent_flags

CONTENT = load_content()
UI = load_ui_text()
SAFETY = CONTENT.red_flags


def _level(flag_id: str) -> str:
    return next(f.level for f in [*SAFETY.flags, *SAFETY.mimics] if f.id == flag_id)


def test_every_urgent_inferred_rule_has_a_case_here() -> None:
    urgent_rules = {rule.id for rule in SAFETY.inferred if _level(rule.id) in URGENT_LEVELS}
    assert urgent_rules == set(INFERRED)


@pytest.mark.parametrize("flag_id", list(INFERRED))
def test_each_inferred_case_raises_its_alert_without_a_tick(flag_id: str) -> None:
    value = Answers.model_validate(INFERRED[flag_id])
    assessment = assess(value)
    assert assessment.urgent_only
    assert any(f.id == flag_id and f.kind == "inferred" for f in assessment.red_flags)


def test_every_time_frame_in_content_has_a_place_in_the_order() -> None:
    frames = {f.timeframe for f in [*SAFETY.flags, *SAFETY.mimics]} | {c.timeframe for c in SAFETY.combinations}
    assert frames <= set(SAFETY.timeframe_order)


# --------------------------------------------------------------------------- what the page shows


def everything_shown(at: AppTest) -> str:
    """All text on the page, expander and button labels and link targets included."""
    parts = [texts(at)]
    parts += [str(e.label) for e in at.expander]
    parts += [str(b.label) for b in at.button]
    parts += [f"{b.proto.label} {b.proto.url}" for b in at.link_button]
    parts += [str(link.proto.label) for link in at.get("page_link")]
    return "\n".join(parts).replace("\\", "")


def tel_links(at: AppTest) -> list[tuple[str, str]]:
    return [(str(b.proto.label), str(b.proto.url)) for b in at.link_button if str(b.proto.url).startswith("tel:")]


def assert_only_the_urgent_result(at: AppTest, assessment: Assessment) -> None:
    page = everything_shown(at)
    for band in CONTENT.scoring.bands:
        assert band.label not in page, f"band label {band.label!r} beside an urgent result"
    assert UI.results.score not in page and not re.search(r"\d+ / 100", page), "no score"
    for advice in CONTENT.advice.advice:
        assert advice.title not in page, f"self-care advice {advice.title!r} beside an urgent result"
    for caution in CONTENT.advice.avoid_while_sensitive:
        assert caution.text not in page
    for nerve in CONTENT.nerves:
        assert nerve.name not in page, f"nerve {nerve.name!r} listed beside an urgent result"
    assert not at.get("plotly_chart"), "no chart or body map"
    assert not [b for b in at.get("download_button")], "no share panel before the rest is asked for"
    lead = urgent_flags(assessment)[0]
    assert lead.action in str(at.error[0].value)
    assert tel_links(at) == [("Call 112", "tel:112")]
    for line in assessment.handover:
        assert line in page
    assert UI.urgent.handover_heading in page
    assert [e.label for e in at.expander] == [UI.urgent.continue_label]


def assert_the_rest_after_continuing(at: AppTest, assessment: Assessment) -> None:
    at.button(key="urgent:continue").click().run()
    assert not at.exception
    page = everything_shown(at)
    assert assessment.band_label in page
    if assessment.band != "not_enough":
        assert f"{UI.results.score} {assessment.score} / 100" in page
    assert tel_links(at), "the number to call stays at the top"
    assert UI.urgent.rest_heading in page


def results_after_ticking(group: str, item_id: str) -> AppTest:
    at = go(new_app(), "safety")
    tick_safety_item(at, group, item_id)
    return go(at, "results")


@pytest.mark.parametrize(("group", "item_id"), TICKABLE, ids=[i for _, i in TICKABLE])
def test_a_ticked_emergency_or_urgent_answer_shows_only_the_urgent_result(group: str, item_id: str) -> None:
    at = results_after_ticking(group, item_id)
    assessment = assess(answers(at))
    assert assessment.urgent_only and any(f.id == item_id for f in assessment.red_flags)
    assert_only_the_urgent_result(at, assessment)
    assert_the_rest_after_continuing(at, assessment)


def _open_link(value: Answers) -> AppTest:
    """A fresh session opened on a results link (?a=token), as a person opening it does."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["a"] = encode_link(value)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("flag_id", list(INFERRED))
def test_a_shared_link_of_inferred_urgent_answers_opens_on_the_urgent_result(flag_id: str) -> None:
    value = Answers.model_validate(INFERRED[flag_id])
    at = _open_link(value)
    assert current_page(at) == "results" and answers(at) == value
    assessment = assess(value)
    assert_only_the_urgent_result(at, assessment)
    flag = next(f for f in assessment.red_flags if f.id == flag_id)
    assert UI.results.from_answers.format(reason=flag.reason) in " ".join(str(e.value) for e in at.error)
    assert_the_rest_after_continuing(at, assessment)


@pytest.mark.parametrize("example_id", ["saddle-numbness", "calf-clot-mimic"])
def test_a_shared_link_of_an_urgent_example_opens_on_the_urgent_result(example_id: str) -> None:
    from nervetriage.examples import get_example

    value = get_example(example_id).fresh_answers()
    at = _open_link(value)
    assert current_page(at) == "results"
    assert_only_the_urgent_result(at, assess(value))


def test_night_pain_with_a_risk_factor_shows_only_the_urgent_result() -> None:
    value = Answers.model_validate({"red_flags": ["cancer_history"], "mimics": [], "sign5": {"night": True}})
    assessment = assess(value)
    assert any(f.kind == "combination" for f in assessment.red_flags)
    at = new_app()
    at.session_state[ANSWERS_KEY] = value
    go(at, "results")
    assert_only_the_urgent_result(at, assessment)


OTHER_PAGES = [p for p in ALL_PAGES if p not in ("results", "safety")]


@pytest.mark.parametrize("page_id", OTHER_PAGES)
def test_from_any_page_the_next_results_run_is_the_urgent_result(page_id: str) -> None:
    at = go(new_app(), "safety")
    tick_safety_item(at, "red_flags", "saddle_numbness")
    go(at, page_id)
    links = [(str(link.proto.label), link.proto.page) for link in at.get("page_link")]
    assert (UI.urgent.banner_link, "results") in links, links
    go(at, "results")
    assert_only_the_urgent_result(at, assess(answers(at)))


@pytest.mark.parametrize("flag_id", list(INFERRED))
def test_an_inferred_alert_from_any_page_shows_only_the_urgent_result(flag_id: str) -> None:
    at = new_app()
    at.session_state[ANSWERS_KEY] = Answers.model_validate(INFERRED[flag_id])
    go(at, "sign3")
    go(at, "results")
    assert_only_the_urgent_result(at, assess(answers(at)))


# --------------------------------------------------------------------------- how it behaves


def test_the_chosen_number_is_remembered_in_the_session_only() -> None:
    at = results_after_ticking("red_flags", "bladder_change")
    assert at.selectbox(key="urgent:country").value == CONTENT.emergency.default
    at.selectbox(key="urgent:country").select("uk").run()
    assert tel_links(at) == [("Call 999", "tel:999")]
    go(at, "sign2")
    go(at, "results")
    assert at.selectbox(key="urgent:country").value == "uk"
    assert tel_links(at) == [("Call 999", "tel:999")]
    assert dict(at.query_params) == {}, "the choice is not put in the address"
    assert answers(at).model_dump_json().count("uk") == 0, "nor in the answers (links, files, the PDF)"


def test_the_rest_can_be_hidden_again_and_a_new_urgent_answer_brings_the_urgent_result_back() -> None:
    at = results_after_ticking("red_flags", "fever_unwell")
    assessment = assess(answers(at))
    assert_the_rest_after_continuing(at, assessment)
    at.button(key="urgent:hide").click().run()
    assert_only_the_urgent_result(at, assessment)
    assert_the_rest_after_continuing(at, assessment)
    go(at, "safety")
    tick_safety_item(at, "red_flags", "bladder_change")
    go(at, "results")
    assert_only_the_urgent_result(at, assess(answers(at)))


def test_the_emergency_call_button_is_the_prominent_one_and_the_urgent_one_is_quieter() -> None:
    emergency = results_after_ticking("red_flags", "both_legs_weak")
    assert [b.proto.type for b in emergency.link_button] == ["primary"]
    assert UI.urgent.call_lead.emergency in texts(emergency)
    urgent = results_after_ticking("red_flags", "foot_drop")
    assert [b.proto.type for b in urgent.link_button] == ["secondary"]
    assert UI.urgent.call_lead.urgent in texts(urgent)


def test_the_most_pressing_alert_leads_and_each_instruction_is_said_once() -> None:
    """Past cancer (within a few days) ticked before a swollen calf (today): the calf leads."""
    value = Answers.model_validate({"red_flags": ["cancer_history"], "mimics": ["dvt"]})
    at = new_app()
    at.session_state[ANSWERS_KEY] = value
    go(at, "results")
    box = str(at.error[0].value)
    dvt = next(m for m in SAFETY.mimics if m.id == "dvt")
    cancer = next(f for f in SAFETY.flags if f.id == "cancer_history")
    assert box.index(dvt.action) < box.index(cancer.title)
    for flag in (dvt, cancer):
        assert box.count(flag.action) == 1
    assert len(at.error) == 1, "the frame's banner does not repeat the urgent result on Results"


def test_several_emergencies_with_one_action_say_it_once() -> None:
    at = new_app()
    at.session_state[ANSWERS_KEY] = Answers.model_validate({"red_flags": ["bladder_change", "bowel_sensation", "saddle_numbness"]})
    go(at, "results")
    box = str(at.error[0].value)
    assert box.count("Go to an emergency department now.") == 1
    for title in ("New bladder trouble", "Change in bowel feeling", "Numbness in the saddle area"):
        assert title in box


# --------------------------------------------------------------------------- one time frame per alert


TIMEFRAMES = SAFETY.timeframe_order


def _other_timeframes(text: str, own: set[str]) -> list[str]:
    return [t for t in TIMEFRAMES if t not in own and re.search(rf"\b{re.escape(t)}\b", text, re.IGNORECASE)]


@pytest.mark.parametrize(("group", "item_id"), TICKABLE, ids=[i for _, i in TICKABLE])
def test_the_banner_on_other_pages_gives_the_alert_its_own_time_frame_only(group: str, item_id: str) -> None:
    at = go(new_app(), "safety")
    tick_safety_item(at, group, item_id)
    go(at, "sign1")
    item = next(f for f in [*SAFETY.flags, *SAFETY.mimics] if f.id == item_id)
    banner = " ".join(str(e.value) for e in at.error)
    assert banner.count(item.action) == 1
    assert _other_timeframes(banner, {item.timeframe}) == []


PROFESSIONAL = [("red_flags", f.id) for f in SAFETY.flags if f.level == "professional"] + [
    ("mimics", m.id) for m in SAFETY.mimics if m.level == "professional"
]


@pytest.mark.parametrize(("group", "item_id"), PROFESSIONAL, ids=[i for _, i in PROFESSIONAL])
def test_a_professional_alert_keeps_the_result_and_leads_with_its_action_once(group: str, item_id: str) -> None:
    at = results_after_ticking(group, item_id)
    assessment = assess(answers(at))
    assert not assessment.urgent_only
    item = next(f for f in [*SAFETY.flags, *SAFETY.mimics] if f.id == item_id)
    assert not at.error and not tel_links(at), "no urgent result for a professional-level alert"
    warning = " ".join(str(w.value) for w in at.warning)
    assert warning.count(item.action) == 1
    assert _other_timeframes(warning, {item.timeframe}) == []
    assert everything_shown(at).count(item.action) == 1
    kinds = [type(e).__name__ for e in at.main]
    labels = {b.label for b in CONTENT.scoring.bands}
    band_at = next(i for i, e in enumerate(at.main) if type(e).__name__ == "Header" and e.value in labels)  # type: ignore[union-attr]
    assert kinds.index("Warning") < band_at


def test_the_urgent_result_offers_its_one_page_pdf_for_the_clinician() -> None:
    at = new_app()
    at.session_state[ANSWERS_KEY] = Answers.model_validate({"red_flags": ["saddle_numbness"]})
    at = go(at, "results")
    buttons = [b for b in at.button if b.key == "nt_prepare_pdf"]
    assert buttons, "the urgent result offers the PDF"
    buttons[0].click().run()
    assert not at.exception
