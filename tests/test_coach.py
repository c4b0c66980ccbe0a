"""The coach's example bar without Streamlit running: stepping through the examples, what each should show."""

from __future__ import annotations

import datetime as dt

import pytest

from nervetriage.content import load_content
from nervetriage.examples import Example, load_examples, step_example, untouched_example
from nervetriage.models import Answers, SiteReport
from nervetriage.scoring import assess
from nervetriage.ui.coach import banner_text, expected_result
from nervetriage.ui_text import load_ui_text

EXAMPLES = load_examples()
IDS = [e.id for e in EXAMPLES]
TEXT = load_ui_text().coach


@pytest.mark.parametrize("position", range(len(EXAMPLES)), ids=IDS)
def test_next_is_the_following_example_and_the_last_wraps_to_the_first(position: int) -> None:
    assert step_example(IDS[position], +1).id == IDS[(position + 1) % len(IDS)]


@pytest.mark.parametrize("position", range(len(EXAMPLES)), ids=IDS)
def test_previous_is_the_one_before_and_the_first_wraps_to_the_last(position: int) -> None:
    assert step_example(IDS[position], -1).id == IDS[position - 1]


@pytest.mark.parametrize("example_id", IDS)
def test_next_then_previous_comes_back(example_id: str) -> None:
    assert step_example(step_example(example_id, +1).id, -1).id == example_id


def test_clicking_next_visits_every_example_once_and_returns_to_the_start() -> None:
    seen = [IDS[0]]
    for _ in IDS:
        seen.append(step_example(seen[-1], +1).id)
    assert seen[:-1] == IDS and seen[-1] == IDS[0]


def test_an_unknown_example_steps_to_the_first_or_the_last() -> None:
    assert step_example("an-example-from-an-old-link", +1).id == IDS[0]
    assert step_example("an-example-from-an-old-link", -1).id == IDS[-1]
    assert step_example(None, +1).id == IDS[0]


def test_a_list_of_one_steps_to_itself() -> None:
    only = EXAMPLES[:1]
    assert step_example(only[0].id, +1, only) is only[0] and step_example(only[0].id, -1, only) is only[0]


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_expected_result_names_the_band_and_safety_the_screen_shows(example: Example) -> None:
    labels = {b.id: b.label for b in load_content().scoring.bands}
    shown = expected_result(example)
    assert TEXT.urgency[example.expected_urgency] in shown
    # and it is what the app actually shows for these answers
    result = assess(example.answers)
    assert (result.band, result.urgency) == (example.expected_band, example.expected_urgency)
    if result.urgency in ("emergency", "urgent"):  # Results leads with what to do and shows no band
        assert not any(label in shown for label in labels.values())
    else:
        assert f"**{labels[example.expected_band]}**" in shown and result.band_label in shown
    assert "{" not in shown


def test_each_urgency_reads_differently() -> None:
    assert len(set(TEXT.urgency.values())) == len(TEXT.urgency)


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_the_banner_names_the_example_and_says_the_answers_are_invented(example: Example) -> None:
    line = banner_text(example.id).replace("\\", "").replace("\u200b", "")  # as Markdown shows it
    assert f"Example case:** {example.title}" in line
    assert "invented answers" in line


def test_an_unknown_example_is_still_marked_as_one_by_its_id() -> None:
    assert "an-example-from-an-old-link" in banner_text("an-example-from-an-old-link").replace("\\", "")


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_an_example_as_loaded_is_untouched_and_any_change_makes_it_the_persons(example: Example) -> None:
    loaded = example.fresh_answers()
    assert untouched_example(loaded)
    assert untouched_example(loaded.model_copy(update={"dated": dt.date(2026, 1, 2)}))  # the day sent is no answer
    assert not untouched_example(loaded.model_copy(update={"sites": [*loaded.sites, SiteReport(site="neck", pain=True)]}))
    assert not untouched_example(loaded.model_copy(update={"origin": None}))


def test_answers_of_no_shipped_example_are_never_untouched() -> None:
    assert not untouched_example(Answers())
    stray = EXAMPLES[0].fresh_answers()
    assert stray.origin is not None
    assert not untouched_example(stray.model_copy(update={"origin": stray.origin.model_copy(update={"example": "gone"})}))
