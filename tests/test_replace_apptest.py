"""Nothing replaced without asking: an example, a link or a file over answers already given.

Each way in asks "Replace your answers?" when the person has answers of their own (or a
journal); "Keep mine" leaves everything as it was, "Replace my answers" loads the new ones.
With nothing answered yet they load directly, as before. A clinic link only adds to the
person's answers, so it asks only when it would change one (over an example's answers).
"""

from __future__ import annotations

import datetime as dt

from apptest_wizard import APP, answers, current_page, new_app, texts
from streamlit.testing.v1 import AppTest

from nervetriage.examples import get_example, load_examples
from nervetriage.models import Answers, JournalEntry, RegionPain, Sign5
from nervetriage.share import (
    answers_file_json,
    answers_from_clinic_link,
    clinic_answers,
    encode_link,
    has_answers,
    keeps_answers,
    merge_clinic_answers,
)
from nervetriage.ui.state import ANSWERS_KEY
from nervetriage.ui_text import load_ui_text

TEXT = load_ui_text().replace


def _mine() -> Answers:
    return Answers(regions=[RegionPain(region="calf", side="right", intensity=6)], sign5=Sign5(night=True), note="my own answers")


def _with(value: Answers) -> AppTest:
    at = new_app()
    at.session_state[ANSWERS_KEY] = value
    at.run()
    return at


def _asking(at: AppTest) -> bool:
    try:
        at.button(key="replace_confirm")
        at.button(key="replace_cancel")
    except KeyError:
        return False
    return True


def _plain(at: AppTest) -> str:
    return texts(at).replace("\\", "")


def _entry() -> JournalEntry:
    return JournalEntry(date=dt.date(2026, 11, 2), flare_ups=1, worst=3, typical=2, duration_minutes=30, running_minutes=90)


def _clinic() -> Answers:
    return clinic_answers("Riverside Running Physio", "See you Tuesday", [RegionPain(region="heel", side="right")])


# --------------------------------------------------------------------------- the rules


def test_any_answer_or_a_journal_counts_as_answers_but_an_origin_alone_does_not() -> None:
    assert not has_answers(Answers())
    assert not has_answers(clinic_answers("Riverside", "note"))
    assert has_answers(Answers(sign5=Sign5(sitting=False)))
    assert has_answers(Answers(red_flags=[]))
    entry = _entry()
    assert has_answers(Answers(journal=[entry]))


def test_adding_keeps_answers_and_changing_or_removing_does_not() -> None:
    mine = _mine()
    assert keeps_answers(mine, merge_clinic_answers(mine, _clinic()))
    assert keeps_answers(mine, mine.model_copy(update={"duration": "over_a_year"}))
    assert not keeps_answers(mine, mine.model_copy(update={"sign5": Sign5(night=False)}))
    assert not keeps_answers(mine, mine.model_copy(update={"regions": []}))
    assert not keeps_answers(Answers(red_flags=[]), Answers(red_flags=["foot_drop"])), "'none apply' is an answer"


def test_a_clinic_link_merges_into_own_answers_and_starts_afresh_over_an_example() -> None:
    mine = _mine()
    merged = answers_from_clinic_link(mine, _clinic())
    assert merged.note == "my own answers" and merged.origin is not None and merged.origin.clinic
    example = get_example("achilles-tendinopathy").fresh_answers()
    assert answers_from_clinic_link(example, _clinic()) == _clinic()


# --------------------------------------------------------------------------- examples


def _load_example(at: AppTest, example_id: str) -> AppTest:
    at.selectbox(key="welcome_example").set_value(example_id).run()
    at.button(key="welcome_load_example").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_loading_an_example_over_own_answers_asks_and_keep_mine_keeps_them() -> None:
    example = load_examples()[0]
    at = _load_example(_with(_mine()), example.id)
    assert _asking(at)
    assert TEXT.example.format(title=example.title) in _plain(at)
    assert answers(at) == _mine(), "nothing changes while the question is open"
    at.button(key="replace_cancel").click().run()
    assert not _asking(at)
    assert answers(at) == _mine()
    assert TEXT.kept in _plain(at)
    assert current_page(at) == "welcome"
    at.run()
    assert not _asking(at) and answers(at) == _mine()


def test_loading_an_example_over_own_answers_and_replacing_shows_the_example() -> None:
    example = load_examples()[0]
    at = _load_example(_with(_mine()), example.id)
    at.button(key="replace_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert answers(at) == example.answers
    assert current_page(at) == "results"
    assert not _asking(at)


def test_a_journal_alone_is_asked_about_too() -> None:
    entry = _entry()
    at = _load_example(_with(Answers(journal=[entry])), load_examples()[0].id)
    assert _asking(at)


def test_loading_the_same_unchanged_example_again_does_not_ask() -> None:
    example = load_examples()[0]
    at = _load_example(new_app(), example.id)
    assert not _asking(at) and answers(at) == example.answers
    at.switch_page("pages/welcome.py").run()
    _load_example(at, example.id)
    assert not _asking(at) and current_page(at) == "results"


# --------------------------------------------------------------------------- links


def _open_link(at: AppTest, param: str, token: str) -> AppTest:
    at.query_params[param] = token
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_results_link_over_own_answers_asks_and_keep_mine_keeps_them() -> None:
    at = _open_link(_with(_mine()), "a", encode_link(get_example("race-belt-thigh").fresh_answers()))
    assert _asking(at)
    assert TEXT.link in _plain(at)
    assert answers(at) == _mine()
    at.button(key="replace_cancel").click().run()
    assert answers(at) == _mine() and TEXT.kept in _plain(at)
    at.run()  # AppTest keeps the ?a= param: the link is not asked about again
    assert not _asking(at) and answers(at) == _mine()


def test_a_results_link_over_own_answers_replaced_lands_on_results() -> None:
    shared = get_example("race-belt-thigh").fresh_answers()
    at = _open_link(_with(_mine()), "a", encode_link(shared))
    at.button(key="replace_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert answers(at) == shared
    assert current_page(at) == "results"
    assert "Answers restored from the shared link." in _plain(at)


def test_a_clinic_link_over_own_answers_merges_without_asking() -> None:
    at = _open_link(_with(_mine()), "c", encode_link(_clinic()))
    assert not _asking(at)
    got = answers(at)
    assert got.note == "my own answers" and got.sign5.night is True
    assert {(r.region, r.side) for r in got.regions} == {("calf", "right"), ("heel", "right")}


def test_a_clinic_link_over_an_example_asks_and_keep_or_replace_do_what_they_say() -> None:
    example = get_example("achilles-tendinopathy").fresh_answers()
    at = _open_link(_with(example), "c", encode_link(_clinic()))
    assert _asking(at) and TEXT.clinic in _plain(at)
    at.button(key="replace_cancel").click().run()
    assert answers(at) == example

    at = _open_link(_with(example), "c", encode_link(_clinic()))
    at.button(key="replace_confirm").click().run()
    assert answers(at) == _clinic()
    assert "A note from Riverside Running Physio" in _plain(at)


def test_a_link_on_an_empty_form_still_loads_directly() -> None:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["a"] = encode_link(_mine())
    at.run()
    assert not _asking(at) and answers(at) == _mine() and current_page(at) == "results"


# --------------------------------------------------------------------------- files


def _upload(at: AppTest, name: str, value: Answers) -> AppTest:
    at.file_uploader(key="nt_upload").set_value((name, answers_file_json(value).encode(), "application/json"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_uploading_over_own_answers_asks_and_keep_mine_keeps_them() -> None:
    at = _upload(_with(_mine()), "theirs.json", get_example("race-belt-thigh").fresh_answers())
    assert _asking(at)
    assert TEXT.file.format(name="theirs.json") in _plain(at)
    assert "Answers restored" not in _plain(at)
    at.button(key="replace_cancel").click().run()
    assert answers(at) == _mine()
    assert TEXT.file_kept.format(name="theirs.json") in _plain(at)
    at.run()
    assert not _asking(at) and answers(at) == _mine(), "the file still in the uploader is not asked about again"


def test_uploading_over_own_answers_and_replacing_restores_the_file() -> None:
    theirs = get_example("race-belt-thigh").fresh_answers()
    at = _upload(_with(_mine()), "theirs.json", theirs)
    at.button(key="replace_confirm").click().run()
    assert answers(at) == theirs
    assert "Answers restored from theirs.json." in _plain(at)
    assert current_page(at) == "welcome"
