"""Each page and the frame around it, through AppTest: bindings, banners, gates, reset."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from apptest_wizard import APP, answers, go, has_key, new_app, next_step, set_treatments, set_widget, texts, tick_safety_item
from streamlit.testing.v1 import AppTest

from nervetriage.content import ContentError, load_content
from nervetriage.models import Answers
from nervetriage.ui.nav import ALL_PAGES, STEPS, page_file
from nervetriage.ui.state import ANSWERS_KEY
from nervetriage.ui_text import load_ui_text, load_ui_text_from

ROOT = Path(APP).parent
URGENT = load_content().red_flags.urgency_messages


@pytest.mark.parametrize("page_id", ALL_PAGES)
def test_every_page_renders_inside_the_frame(page_id: str) -> None:
    at = go(new_app(), page_id)
    assert at.sidebar.button(key="nav_reset").label == load_ui_text().labels.reset
    number = STEPS.index(page_id) + 1 if page_id in STEPS else None
    progress = [str(p.proto.text) for p in at.get("progress")]
    if number is None:
        assert progress == []
    else:
        assert progress == [f"Step {number} of {len(STEPS)} · {load_ui_text().nav[page_id]}"]


@pytest.mark.parametrize("page_id", ALL_PAGES)
def test_a_page_file_run_on_its_own_still_renders_the_frame(page_id: str) -> None:
    """What a deep link to a fresh server does: Streamlit runs pages/x.py without app.py."""
    at = AppTest.from_file(str(ROOT / page_file(page_id)), default_timeout=30).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.sidebar.button(key="nav_reset")
    assert len(at.title) + len(at.header) >= 1


def test_the_safety_check_is_step_two_and_sign_one_step_four_of_eleven() -> None:
    at = go(new_app(), "safety")
    assert [str(p.proto.text) for p in at.get("progress")] == ["Step 2 of 11 · Safety check"]
    go(at, "sign1")
    assert [str(p.proto.text) for p in at.get("progress")] == ["Step 4 of 11 · Sign 1 · Treatment so far"]
    # one progress model: no second "Sign 1 of 6" line beside it
    assert not [c for c in at.caption if "of 6" in str(c.value)]


def test_answers_survive_going_back_and_coming_again() -> None:
    at = go(new_app(), "sign5")
    set_widget(at, "q:sign5.sitting", True)
    set_widget(at, "q:sign5.night", False)
    set_widget(at, "q:sign5.rest_intensity", 6)
    next_step(at, "sign6")
    at.button(key="nav_back").click().run()
    at.switch_page(page_file("sign5"))
    assert at.radio(key="q:sign5.sitting").value is True
    assert at.radio(key="q:sign5.night").value is False
    assert at.radio(key="q:sign5.lying").value is None
    assert at.get_by_key("q:sign5.rest_intensity").value == 6  # type: ignore[union-attr]
    go(at, "where")
    go(at, "sign5")
    assert at.radio(key="q:sign5.sitting").value is True
    assert answers(at).sign5.rest_intensity == 6


def test_not_answered_stays_distinct_from_no() -> None:
    at = go(new_app(), "sign5")
    assert answers(at).sign5.sitting is None
    set_widget(at, "q:sign5.sitting", False)
    assert answers(at).sign5.sitting is False
    go(at, "sign2")
    assert answers(at).sign2.qualities is None
    set_widget(at, "q:sign2.qualities:none", True)
    assert answers(at).sign2.qualities == []
    set_widget(at, "q:sign2.qualities", ["tingling"])
    assert answers(at).sign2.qualities == ["tingling"]
    assert at.checkbox(key="q:sign2.qualities:none").value is False


def test_a_rating_starts_off_the_scale_as_not_answered_and_can_be_taken_back() -> None:
    at = go(new_app(), "sign3")
    labels = load_ui_text().labels
    assert answers(at).sign3.variability is None
    assert at.get_by_key("q:sign3.variability").value is None  # type: ignore[union-attr]
    assert labels.rating_unset in texts(at)
    set_widget(at, "q:sign3.variability", 0)
    assert answers(at).sign3.variability == 0, "0 is an answer on the scale, not 'not answered'"
    assert labels.rating_unset not in texts(at) and labels.rating_clear.format(value=0) in texts(at)
    set_widget(at, "q:sign3.variability", None)
    assert answers(at).sign3.variability is None and labels.rating_unset in texts(at)


def test_sign_one_asks_what_was_tried_first_and_only_then_how_each_went() -> None:
    at = go(new_app(), "sign1")
    labels = load_ui_text().labels
    assert not has_key(at, "q:sign1.treatments:ice"), "no outcome rows before anything is picked"
    set_widget(at, "q:sign1.treatments:tried", ["ice", "rest"])
    assert has_key(at, "q:sign1.treatments:ice") and has_key(at, "q:sign1.treatments:rest")
    assert not has_key(at, "q:sign1.treatments:massage"), "only the chosen ones ask how it went"
    assert answers(at).sign1.treatments == {}, "picked but not rated is not an answer yet"
    assert labels.outcome_unset in texts(at)
    set_treatments(at, {"ice": "worse", "rest": "helped"})
    assert answers(at).sign1.treatments == {"ice": "worse", "rest": "helped"}
    assert labels.outcome_unset not in texts(at)
    set_widget(at, "q:sign1.treatments:ice", None)
    assert answers(at).sign1.treatments == {"rest": "helped"}
    assert has_key(at, "q:sign1.treatments:ice"), "taking the rating back keeps the treatment picked"
    set_widget(at, "q:sign1.treatments:tried", ["ice"])
    assert answers(at).sign1.treatments == {} and not has_key(at, "q:sign1.treatments:rest")


def test_sign_one_shows_the_treatments_of_loaded_answers_as_tried_and_rated() -> None:
    at = go(new_app(), "sign1")
    set_treatments(at, {"stretching": "no_change"})
    go(at, "sign2")
    go(at, "sign1")
    assert at.get_by_key("q:sign1.treatments:tried").value == ["stretching"]  # type: ignore[union-attr]
    assert at.get_by_key("q:sign1.treatments:stretching").value == "no_change"  # type: ignore[union-attr]


def test_a_region_is_saved_once_its_side_is_given() -> None:
    at = go(new_app(), "where")
    set_widget(at, "where:regions", ["heel"])
    assert answers(at).regions == []
    assert at.multiselect(key="where:regions").value == ["heel"]
    set_widget(at, "where:side:heel", "left")
    set_widget(at, "where:level:heel", 8)
    assert [(r.region, r.side, r.intensity) for r in answers(at).regions] == [("heel", "left", 8)]
    set_widget(at, "where:regions", [])
    assert answers(at).regions == []


def test_sites_along_the_nerve_are_stored_in_spine_order() -> None:
    at = go(new_app(), "along")
    set_widget(at, "along:pelvis:pain", True)
    set_widget(at, "along:neck:stiffness", True)
    assert [s.site for s in answers(at).sites] == ["neck", "pelvis"]
    set_widget(at, "along:neck:stiffness", False)
    assert [s.site for s in answers(at).sites] == ["pelvis"]


@pytest.mark.parametrize("page_id", [p for p in ALL_PAGES if p != "results"])
def test_a_red_flag_shows_the_urgent_banner_on_every_page(page_id: str) -> None:
    at = go(new_app(), "safety")
    assert not at.error
    tick_safety_item(at, "red_flags", "foot_drop")
    go(at, page_id)
    alerts = [str(e.value) for e in at.error]
    assert any(URGENT["urgent"] in a and "Foot drop" in a for a in alerts), alerts


def test_results_show_only_the_emergency_and_the_band_comes_second_once_asked_for() -> None:
    at = go(new_app(), "safety")
    tick_safety_item(at, "red_flags", "bladder_change")
    go(at, "results")
    labels = {b.label for b in load_content().scoring.bands}
    assert not [h for h in at.header if h.value in labels], "no band beside an emergency"
    flag = next(f for f in load_content().red_flags.flags if f.id == "bladder_change")
    assert flag.action in str(at.error[0].value)
    at.button(key="urgent:continue").click().run()
    kinds = [type(e).__name__ for e in at.main]
    first_error = kinds.index("Error")
    band_heading = next(i for i, e in enumerate(at.main) if type(e).__name__ == "Header" and e.value in labels)  # type: ignore[union-attr]
    assert first_error < band_heading


def test_none_of_these_apply_differs_from_not_answered() -> None:
    at = go(new_app(), "safety")
    assert answers(at).red_flags is None
    set_widget(at, "safety:none", True)
    assert answers(at).red_flags == [] and answers(at).mimics == []
    tick_safety_item(at, "mimics", "dvt")
    assert answers(at).mimics == ["dvt"]
    assert at.checkbox(key="safety:none").value is False
    set_widget(at, "safety:mimics:dvt", False)
    assert answers(at).red_flags is None and answers(at).mimics is None


def test_self_check_is_switched_off_after_a_red_flag() -> None:
    at = go(new_app(), "safety")
    tick_safety_item(at, "red_flags", "cancer_history")
    go(at, "selfcheck")
    assert not has_key(at, "selfcheck:gate_box")
    assert load_ui_text().selfcheck.blocked in texts(at)
    assert "Past cancer" in texts(at), "the gate names what the person answered"


def test_self_check_steps_appear_only_after_the_gate_and_can_be_skipped() -> None:
    at = go(new_app(), "safety")
    set_widget(at, "safety:none", True)
    go(at, "selfcheck")
    steps = load_content().questions.slump_steps
    assert steps[0] not in texts(at)
    set_widget(at, "selfcheck:gate_box", True)
    assert steps[0] in texts(at)
    set_widget(at, "selfcheck:choice", "skip")
    slump = answers(at).slump
    assert slump is not None and slump.done is False
    set_widget(at, "selfcheck:choice", "done")
    for criterion in ("familiar_symptom", "changes_with_neck", "differs_from_other_side"):
        set_widget(at, f"q:slump.{criterion}", True)
    slump = answers(at).slump
    assert slump is not None and slump.positive
    go(at, "sign1")
    go(at, "selfcheck")
    assert at.checkbox(key="q:slump.changes_with_neck").value is True


def test_reset_asks_before_clearing() -> None:
    at = go(new_app(), "sign5")
    set_widget(at, "q:sign5.sitting", True)
    at.sidebar.button(key="nav_reset").click().run()
    assert load_ui_text().labels.reset_body in texts(at)
    assert answers(at).sign5.sitting is True
    at.button(key="reset_cancel").click().run()
    assert answers(at).sign5.sitting is True
    at.sidebar.button(key="nav_reset").click().run()
    at.button(key="reset_confirm").click().run()
    assert answers(at) == Answers()


def test_welcome_loads_an_example_and_shows_its_result() -> None:
    from nervetriage.examples import load_examples

    example = load_examples()[0]
    at = new_app()
    at.selectbox(key="welcome_example").set_value(example.id).run()
    assert example.story in texts(at)
    at.button(key="welcome_load_example").click().run()
    assert at.session_state[ANSWERS_KEY] == example.answers
    assert example.answers.origin is not None
    assert any(str(t.value) == load_ui_text().nav["results"] for t in at.title)


def test_welcome_start_goes_to_the_first_step() -> None:
    at = new_app()
    assert load_ui_text().welcome.privacy.strip() in texts(at)
    at.button(key="welcome_start").click().run()
    assert [str(p.proto.text) for p in at.get("progress")] == ["Step 1 of 11 · Where it hurts"]


def test_welcome_says_safety_comes_first_and_the_order_bears_it_out() -> None:
    from nervetriage.ui.nav import next_page

    text = load_ui_text().welcome
    page = texts(new_app())
    assert text.order.strip() in page
    assert "safety" in text.does[0].lower() and "comes first" in text.does[0]
    assert next_page("where") == "safety"


def _results_with(payload: dict[str, Any] | Answers) -> AppTest:
    at = new_app()
    at.session_state[ANSWERS_KEY] = payload if isinstance(payload, Answers) else Answers.model_validate(payload)
    return go(at, "results")


def _bars(at: AppTest) -> dict[str, float]:
    """The contribution chart's bars, by row name (the first Plotly chart on Results)."""
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    [bar] = spec["data"]
    return {name.replace("<br>", " "): value for name, value in zip(bar["y"], bar["x"], strict=True)}


def test_results_chart_has_a_table_with_the_counter_evidence() -> None:
    at = go(new_app(), "sign4")
    set_widget(at, "q:sign4.self_press", "found_reproduces")
    go(at, "results")
    assert at.get("plotly_chart")
    cols = load_ui_text().results.table_columns
    table = at.table[0].value
    assert "A tender spot reproduces the pain" in list(table.index)
    assert float(table.loc["A tender spot reproduces the pain", cols.points]) < 0
    # the finding belongs to sign 4 now, so sign 4's bar points away from a nerve
    assert table.loc["A tender spot reproduces the pain", cols.sign] == load_ui_text().nav["sign4"]
    assert _bars(at)[load_ui_text().nav["sign4"]] < 0


def test_the_findings_table_gives_each_finding_its_odds_factor_and_how_well_it_is_known() -> None:
    from nervetriage.examples import get_example
    from nervetriage.scoring import assess

    value = get_example("race-belt-thigh").fresh_answers()
    at = _results_with(value)
    text = load_ui_text().results
    table = at.table[0].value
    findings = assess(value).findings
    assert list(table.index) == [f.label for f in findings]
    for finding in findings:
        row = table.loc[finding.label]
        assert float(row[text.table_columns.points]) == round(finding.points, 1)
        assert row[text.table_columns.odds] == f"× {finding.lr:.2g}"
        assert row[text.table_columns.evidence] == getattr(text.evidence, finding.evidence)
    assert text.chart_help in texts(at)


def test_results_advice_follows_the_band() -> None:
    from nervetriage.examples import get_example

    by_id = {a.id: a for a in load_content().advice.advice}
    unlikely = texts(_results_with(get_example("achilles-tendinopathy").fresh_answers()))
    assert by_id["soft_tissue"].title in unlikely
    assert by_id["avoid_aggravating"].title not in unlikely
    likely = texts(_results_with(get_example("race-belt-thigh").fresh_answers()))
    assert by_id["avoid_aggravating"].title in likely and by_id["see_systems_pro"].title in likely
    assert by_id["soft_tissue"].title not in likely


def test_an_empty_form_is_not_enough_answers_with_links_to_the_deciding_questions() -> None:
    from nervetriage.scoring import assess

    at = go(new_app(), "results")
    text = load_ui_text().results
    page = texts(at)
    assessment = assess(Answers())
    assert "Not enough answers yet" in [str(h.value) for h in at.header]
    assert text.answered_so_far.format(percent=0) in page
    assert f"{text.score} " not in page  # no score line: there is no verdict to score
    links = [(str(link.proto.label), link.proto.page) for link in at.get("page_link")]
    assert assessment.deciding
    for question in assessment.deciding:  # each links to the step that asks it
        assert (question.label, question.page) in links
    assert (text.safety_unanswered, "safety") in links
    assert "This is a partial result" not in page  # the deciding links say what is missing
    assert text.chart_empty in page and not at.table


def test_not_enough_answers_gets_no_self_care_advice() -> None:
    from nervetriage.models import Answers
    from nervetriage.scoring import assess

    at = go(new_app(), "results")
    page = texts(at)
    for advice in load_content().advice.advice:
        assert advice.title not in page
    assert load_content().advice.avoid_while_sensitive[0].text not in page
    assert load_ui_text().results.not_enough_next in page
    empty = assess(Answers())
    assert empty.next_steps == [] and empty.avoid == []


def test_a_verdict_shows_how_much_was_answered_and_its_score() -> None:
    from nervetriage.examples import get_example
    from nervetriage.scoring import assess

    value = get_example("achilles-tendinopathy").fresh_answers()
    assessment = assess(value)
    at = _results_with(value)
    text = load_ui_text().results
    captions = [str(c.value) for c in at.caption]
    assert text.coverage.format(percent=round(100 * assessment.coverage)) in captions
    assert any(f"{text.score} {assessment.score} / 100" in c for c in captions)


def _detail_parts() -> list[str]:
    text = load_ui_text().results
    return [text.detail_chart, text.detail_nerves, text.detail_next, text.detail_caveats]


def _kinds(block: Any, kind: str) -> list[Any]:
    """The elements of one type (``"plotly_chart"``, ``"markdown"``...) anywhere inside ``block``."""
    return [node for node in block if getattr(node, "type", None) == kind]


def test_results_lead_with_a_summary_and_put_the_detail_in_closed_parts_below_it() -> None:
    """Phone first: the band, why (the strongest reasons) and what to do next come before
    anything to open; the chart, the nerves and map, every step and the caveats are each in a
    part opened on request, in that order, closed at first."""
    from nervetriage.examples import get_example
    from nervetriage.scoring import assess
    from nervetriage.ui.results_view import top_reasons

    value = get_example("ultra-fall-top-of-foot").fresh_answers()
    assessment = assess(value)
    at = _results_with(value)
    text = load_ui_text().results
    nodes = list(at.main)

    def first(kind: str, match: Any) -> int:
        return next(i for i, n in enumerate(nodes) if getattr(n, "type", None) == kind and match(n))

    reasons = top_reasons(assessment)
    assert len(reasons) == 3
    steps = assessment.next_steps
    order = [
        first("header", lambda n: n.value == assessment.band_label),
        first("subheader", lambda n: n.value == text.why_heading),
        *(first("markdown", lambda n, r=r: r.what in n.value and r.lead in n.value) for r in reasons),
        first("subheader", lambda n: n.value == text.next_heading),
        first("markdown", lambda n: steps[0].title in n.value and steps[1].title in n.value),
        first("markdown", lambda n: text.share_jump in n.value),
        *(first("expander", lambda n, label=label: n.label == label) for label in _detail_parts()),
    ]
    assert order == sorted(order), "band, why, what to do, the link to sharing, then the detail in its order"
    parts = {e.label: e for e in at.expander if e.label in _detail_parts()}
    assert all(not part.proto.expanded for part in parts.values()), "the detail starts closed"
    # nothing to read in the detail sits outside its part
    assert len(_kinds(at.main, "plotly_chart")) == 2
    chart, nerves, steps_part, caveats = (parts[label] for label in _detail_parts())
    assert [c.key for c in _kinds(chart, "plotly_chart")] == ["results_chart"] and chart.table
    assert text.chart_help in [str(c.value) for c in chart.caption]
    assert [c.key for c in _kinds(nerves, "plotly_chart")] == ["bodymap_results"]
    assert [t.key for t in nerves.toggle] == ["bodymap_results_dermatomes"]
    assert [str(s.value) for s in nerves.subheader] == [text.nerves_heading]
    for nerve in assessment.nerves[:3]:
        assert any(nerve.name in str(e.label) for e in nerves.expander), nerve.name
    inside = "\n".join(str(m.value) for m in _kinds(steps_part, "markdown"))
    for step in steps:
        assert step.title in inside
    for line in assessment.avoid:
        assert line in inside
    assert "\n".join(str(m.value) for m in _kinds(caveats, "markdown")) == "\n".join(f"- {c}" for c in assessment.caveats)
    # the summary names the first steps only by their title; the step's text is in the detail
    summary = "\n".join(str(n.value) for n in nodes[: order[-4]] if getattr(n, "type", None) == "markdown")
    assert steps[0].text not in summary and steps[3].title not in summary


def test_the_summary_says_which_way_each_reason_points() -> None:
    """Reasons against a nerve are marked as such, beside those for it (an unlikely result
    with one answer pointing towards a nerve)."""
    from nervetriage.examples import get_example
    from nervetriage.scoring import assess
    from nervetriage.ui.results_view import top_reasons

    value = get_example("bilateral-shin-soreness").fresh_answers()
    reasons = top_reasons(assess(value))
    assert [r.points < 0 for r in reasons] == [True, True, False]
    text = load_ui_text().results
    page = texts(_results_with(value))
    for reason in reasons:
        direction = text.why_away if reason.points < 0 else text.why_towards
        assert text.why_line.format(what=reason.what, direction=direction, why=reason.lead) in page


def test_the_strongest_reasons_are_the_biggest_bars_each_with_its_strongest_finding() -> None:
    from nervetriage.examples import load_examples
    from nervetriage.scoring import assess
    from nervetriage.ui.results_view import contributions, top_reasons

    for example in load_examples():
        assessment = assess(example.fresh_answers())
        rows = contributions(assessment)
        top = top_reasons(assessment)
        moved = [r for r in rows if r.points != 0]
        assert len(top) == min(3, len(moved)) and all(r in rows and r.points != 0 for r in top)
        assert all(abs(r.points) >= abs(o.points) for r in top for o in moved if o not in top), example.id
        for row in top:
            assert row.lead and row.lead in row.why, (example.id, row)  # a reason the chart's row gives, alone


def test_before_a_verdict_the_summary_has_no_reasons_and_no_steps_part() -> None:
    at = go(new_app(), "results")
    text = load_ui_text().results
    assert text.why_heading not in [str(s.value) for s in at.subheader]
    assert [e.label for e in at.expander if e.label in _detail_parts()] == [
        text.detail_chart, text.detail_nerves, text.detail_caveats,
    ]
    assert [str(i.value) for i in at.info].count(text.not_enough_next) == 1, "said once, in the summary"


def test_an_alert_raised_from_other_answers_shows_on_results_with_its_reason() -> None:
    from nervetriage.scoring import assess

    payload = {"clues": {"calf_swollen": True}}
    [flag] = [f for f in assess(Answers.model_validate(payload)).red_flags if f.kind == "inferred"]
    at = _results_with(payload)
    banner = " ".join(str(e.value) for e in at.error)
    assert flag.title in banner and flag.action in banner
    assert load_ui_text().results.from_answers.format(reason=flag.reason) in banner


def test_a_professional_level_inferred_alert_shows_its_reason_in_the_results_warning() -> None:
    from nervetriage.scoring import assess

    payload = {"sign4": {"bone_tender": True, "hop_pain": True}, "red_flags": [], "mimics": []}
    flags = [f for f in assess(Answers.model_validate(payload)).red_flags if f.kind == "inferred"]
    assert flags and all(f.level == "professional" for f in flags)
    at = _results_with(payload)
    warning = " ".join(str(w.value) for w in at.warning)
    for flag in flags:
        assert flag.title in warning
        assert load_ui_text().results.from_answers.format(reason=flag.reason) in warning


def test_learn_page_has_the_hose_picture_and_the_text() -> None:
    at = go(new_app(), "learn")
    assert at.get("plotly_chart")
    assert "garden hose" in texts(at).lower()


def test_ui_text_rejects_a_missing_field(tmp_path: Path) -> None:
    bad = tmp_path / "ui.yaml"
    bad.write_text((ROOT / "content" / "ui.yaml").read_text().replace("  reset_confirm:", "  reset_confirmed:"))
    with pytest.raises(ContentError, match=r"ui\.yaml: field labels\."):
        load_ui_text_from(bad)


def test_steps_run_from_where_to_results_with_welcome_before_them() -> None:
    from nervetriage.ui.nav import next_page, previous_page, step_number

    assert STEPS[0] == "where" and STEPS[-1] == "results" and len(STEPS) == 11
    assert STEPS[1] == "safety", "anything that needs a doctor comes first"
    assert STEPS.index("selfcheck") == len(STEPS) - 2, "the self-check comes after the signs, just before Results"
    assert step_number("sign1") == 4 and step_number("learn") is None
    assert previous_page("where") == "welcome" and next_page("welcome") == "where"
    assert next_page("results") is None and previous_page("learn") is None
    walked = ["welcome"]
    while (following := next_page(walked[-1])) is not None:
        walked.append(following)
    assert walked == ["welcome", *STEPS]


def test_a_professional_level_flag_leads_the_results_as_a_warning_without_a_banner_elsewhere() -> None:
    at = go(new_app(), "safety")
    tick_safety_item(at, "mimics", "bone_stress")
    go(at, "sign1")
    assert not at.error
    go(at, "results")
    kinds = [type(e).__name__ for e in at.main]
    labels = {b.label for b in load_content().scoring.bands}
    band_at = next(i for i, e in enumerate(at.main) if type(e).__name__ == "Header" and e.value in labels)
    assert kinds.index("Warning") < band_at
    assert "Possible bone stress injury" in str(at.warning[0].value)


def test_the_safety_check_asks_groups_and_lists_a_groups_items_only_once_it_is_answered_yes() -> None:
    at = go(new_app(), "safety")
    safety = load_content().red_flags
    assert not has_key(at, "safety:red_flags:saddle_numbness"), "no ticks before a group is answered yes"
    set_widget(at, "safety:group:saddle_bladder", "yes")
    first = safety.groups[0]
    assert all(has_key(at, f"safety:red_flags:{i}") for i in first.items)
    assert not has_key(at, "safety:mimics:dvt"), "other groups keep their items folded away"
    assert answers(at).red_flags is None, "a yes with nothing ticked is not an answer yet"
    assert load_ui_text().safety.which_missing in texts(at)
    set_widget(at, "safety:group:saddle_bladder", "no")
    assert not has_key(at, "safety:red_flags:saddle_numbness")
    for group in safety.groups[1:]:
        set_widget(at, f"safety:group:{group.id}", "no")
    assert answers(at).red_flags == [] and answers(at).mimics == [], "no to every group is 'none apply'"
    assert at.checkbox(key="safety:none").value is True


def test_an_emergency_tick_acts_at_once_before_the_other_groups_are_answered() -> None:
    at = go(new_app(), "safety")
    tick_safety_item(at, "red_flags", "saddle_numbness")
    assert answers(at).red_flags == ["saddle_numbness"]
    assert any(URGENT["emergency"] in str(e.value) for e in at.error), "the emergency banner shows straight away"
    assert at.get_by_key("safety:group:weakness").value is None, "the groups not asked stay unanswered"  # type: ignore[union-attr]


def test_none_apply_answers_every_group_no_and_taking_it_back_clears_them() -> None:
    at = go(new_app(), "safety")
    set_widget(at, "safety:none", True)
    groups = load_content().red_flags.groups
    assert all(at.get_by_key(f"safety:group:{g.id}").value == "no" for g in groups)  # type: ignore[union-attr]
    set_widget(at, "safety:none", False)
    assert answers(at).red_flags is None
    assert all(at.get_by_key(f"safety:group:{g.id}").value is None for g in groups)  # type: ignore[union-attr]


def _menu(at: AppTest) -> list[tuple[str, str]]:
    """The sidebar menu as (label, page file name) pairs."""
    return [(str(link.proto.label), Path(str(link.proto.page)).stem) for link in at.sidebar.get("page_link")]


@pytest.mark.parametrize("page_id", ["welcome", "where", "sign3", "selfcheck", "results", "journal"])
def test_the_menu_shows_the_four_parts_of_the_check_not_every_step(page_id: str) -> None:
    from nervetriage.ui.nav import EXTRAS, PARTS, part_of

    ui = load_ui_text()
    at = go(new_app(), page_id)
    menu = _menu(at)
    assert len(menu) == 1 + len(PARTS) + len(EXTRAS), menu
    part_labels = [label for label, _ in menu[1 : 1 + len(PARTS)]]
    assert [label.split(" · ")[0] for label in part_labels] == [f"{n}. {ui.parts[p]}" for n, p in enumerate(PARTS, 1)]
    part = part_of(page_id)
    if part is not None:  # the current part links to this very page, and says how far into it you are
        here = next((label, target) for label, target in menu if ui.parts[part] in label)
        assert here[1] == page_id
        if len(PARTS[part]) > 1:
            assert here[0].endswith(ui.part_position.format(n=PARTS[part].index(page_id) + 1, total=len(PARTS[part])))
