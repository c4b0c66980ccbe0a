"""The coach's example bar through AppTest: switching examples from any page, the list, Presenting."""

from __future__ import annotations

from apptest_wizard import APP, answers, current_page, go, has_key, new_app, texts
from streamlit.testing.v1 import AppTest

from nervetriage.examples import load_examples, step_example
from nervetriage.models import Answers
from nervetriage.ui.coach import PICK_KEY, PRESENTING_CSS, PRESENTING_KEY, expected_result
from nervetriage.ui.state import ANSWERS_KEY
from nervetriage.ui_text import load_ui_text

EXAMPLES = load_examples()
TEXT = load_ui_text().coach


def _plain(at: AppTest) -> str:
    return texts(at).replace("\\", "").replace("\u200b", "")


def _banner(at: AppTest) -> str:
    [line] = [str(m.value) for m in at.markdown if "Example case:" in str(m.value)]
    return line.replace("\\", "").replace("\u200b", "")


def _loaded(index: int = 0) -> AppTest:
    """The app with example ``index`` loaded from Welcome, then on the Where page."""
    example = EXAMPLES[index]
    at = new_app()
    at.selectbox(key="welcome_example").set_value(example.id).run()
    at.button(key="welcome_load_example").click().run()
    assert answers(at) == example.answers and current_page(at) == "results"
    return go(at, "where")


def _click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _switch(at: AppTest, key: str) -> AppTest:
    """Click Previous or Next example: from an example nobody changed, it loads at once (a coach
    stepping through the cases is not asked "Replace your answers?" each time)."""
    _click(at, key)
    assert not has_key(at, "replace_confirm"), "switching from an untouched example asked first"
    return at


def _confirm(at: AppTest) -> AppTest:
    assert not has_key(at, "replace_confirm"), "switching from an untouched example asked first"
    return at


def _styles(at: AppTest) -> list[str]:
    return [str(e.proto.body) for e in at.get("html")]


def test_next_example_loads_the_next_one_and_stays_on_the_page() -> None:
    at = _loaded(0)
    assert EXAMPLES[0].title in _banner(at)
    _switch(at, "nt_coach_next")
    assert answers(at) == EXAMPLES[1].answers
    assert EXAMPLES[1].title in _banner(at) and EXAMPLES[0].title not in _banner(at)
    assert current_page(at) == "where"
    assert at.selectbox(key=PICK_KEY).value == EXAMPLES[1].id


def test_previous_example_goes_back_and_wraps_to_the_last() -> None:
    at = _loaded(0)
    _switch(at, "nt_coach_next")
    _switch(at, "nt_coach_previous")
    assert answers(at) == EXAMPLES[0].answers and EXAMPLES[0].title in _banner(at)
    _switch(at, "nt_coach_previous")
    assert answers(at) == EXAMPLES[-1].answers and EXAMPLES[-1].title in _banner(at)
    assert current_page(at) == "where"


def test_the_list_shows_the_current_example_and_choosing_one_loads_it() -> None:
    at = _loaded(2)
    pick = at.selectbox(key=PICK_KEY)
    assert pick.value == EXAMPLES[2].id
    assert [str(o) for o in pick.options] == [e.title for e in EXAMPLES]
    pick.set_value(EXAMPLES[5].id).run()
    assert not at.exception
    _confirm(at)
    assert answers(at) == EXAMPLES[5].answers and EXAMPLES[5].title in _banner(at)
    assert at.selectbox(key=PICK_KEY).value == EXAMPLES[5].id
    assert current_page(at) == "where"


def test_about_this_example_tells_the_story_and_what_the_screen_should_show() -> None:
    at = _loaded(3)
    [about] = [e for e in at.expander if e.label == TEXT.about]
    shown = " ".join(str(m.value) for m in about.markdown).replace("\\", "").replace("\u200b", "")
    assert " ".join(EXAMPLES[3].story.split()) in shown
    assert expected_result(EXAMPLES[3]) in shown


def test_the_bar_is_on_every_page_while_an_example_is_loaded() -> None:
    at = _loaded(1)
    for page in ("welcome", "safety", "sign3", "results", "journal"):
        go(at, page)
        assert has_key(at, "nt_coach_next"), page
        assert EXAMPLES[1].title in _banner(at), page


def test_switching_over_changed_answers_asks_first_and_keep_mine_keeps_them() -> None:
    at = _loaded(0)
    changed = EXAMPLES[0].answers.model_copy(update={"note": "my own words"})
    at.session_state[ANSWERS_KEY] = changed
    at.run()
    _click(at, "nt_coach_next")
    assert has_key(at, "replace_cancel"), "the frame asks before replacing changed answers"
    assert answers(at) == changed
    _click(at, "replace_cancel")
    assert answers(at) == changed and EXAMPLES[0].title in _banner(at)
    _click(at, "nt_coach_next")
    _click(at, "replace_confirm")
    assert answers(at) == EXAMPLES[1].answers and current_page(at) == "where"


def test_welcome_preselects_the_loaded_example() -> None:
    at = _loaded(4)
    go(at, "welcome")
    assert at.selectbox(key="welcome_example").value == EXAMPLES[4].id
    _switch(at, "nt_coach_next")  # switched from the bar while on Welcome
    assert current_page(at) == "welcome"
    assert at.selectbox(key="welcome_example").value == step_example(EXAMPLES[4].id, +1).id
    at.selectbox(key="welcome_example").set_value(EXAMPLES[0].id).run()  # browsing the list is not undone
    assert at.selectbox(key="welcome_example").value == EXAMPLES[0].id
    assert answers(at) == EXAMPLES[5].answers


def test_welcome_starts_on_the_first_example_when_none_is_loaded() -> None:
    at = new_app()
    assert at.selectbox(key="welcome_example").value == EXAMPLES[0].id


def test_no_bar_without_an_example() -> None:
    at = new_app()
    for page in ("welcome", "where", "results"):
        go(at, page)
        assert not has_key(at, "nt_coach_next") and not has_key(at, PICK_KEY) and not has_key(at, PRESENTING_KEY)
        assert "Example case:" not in _plain(at)
    assert answers(at) == Answers()


def test_presenting_adds_the_style_on_every_page_until_turned_off() -> None:
    at = _loaded(0)
    assert PRESENTING_CSS not in _styles(at)
    at.toggle(key=PRESENTING_KEY).set_value(True).run()
    assert PRESENTING_CSS in _styles(at)
    for page in ("safety", "results"):
        go(at, page)
        assert at.toggle(key=PRESENTING_KEY).value is True, page
        assert PRESENTING_CSS in _styles(at), page
    _switch(at, "nt_coach_next")
    assert PRESENTING_CSS in _styles(at), "switching examples keeps presenting"
    at.toggle(key=PRESENTING_KEY).set_value(False).run()
    assert PRESENTING_CSS not in _styles(at)


def test_starting_over_ends_presenting() -> None:
    at = _loaded(0)
    at.toggle(key=PRESENTING_KEY).set_value(True).run()
    at.sidebar.button(key="nav_reset").click().run()
    _click(at, "reset_confirm")
    assert answers(at) == Answers()
    assert PRESENTING_CSS not in _styles(at), "no bar, so no way to turn it off: it must be off"


def test_an_example_no_longer_shipped_is_still_marked_and_next_loads_the_first() -> None:
    from nervetriage.models import Origin
    from nervetriage.share import encode_link

    old = EXAMPLES[0].answers.model_copy(update={"origin": Origin(example="an-example-from-an-old-link")})
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["a"] = encode_link(old)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "an-example-from-an-old-link" in _banner(at)
    assert at.selectbox(key=PICK_KEY).value is None, "no shipped example to show as chosen"
    assert not [e for e in at.expander if e.label == TEXT.about]
    _click(at, "nt_coach_next")  # answers that are no shipped example as it loads: asked first
    _click(at, "replace_confirm")
    assert answers(at) == EXAMPLES[0].answers and EXAMPLES[0].title in _banner(at)
