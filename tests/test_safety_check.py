"""The safety check's groups and the answers' two lists (nervetriage/safety_check.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from nervetriage.content import load_content
from nervetriage.safety_check import answer_lists, group_answers

SAFETY = load_content().red_flags
GROUPS = SAFETY.groups
FLAG_IDS = [f.id for f in SAFETY.flags]
ITEM_IDS = [f.id for f in (*SAFETY.flags, *SAFETY.mimics)]

group_states = st.fixed_dictionaries({g.id: st.sampled_from(["yes", "no", None]) for g in GROUPS})
ticks = st.sets(st.sampled_from(ITEM_IDS))


def test_every_flag_and_mimic_is_asked_in_exactly_one_group() -> None:
    grouped = [i for g in GROUPS for i in g.items]
    assert sorted(grouped) == sorted(ITEM_IDS)


def test_the_emergency_items_are_asked_in_the_first_group() -> None:
    emergency = {f.id for f in SAFETY.flags if f.level == "emergency"}
    assert emergency <= set(GROUPS[0].items), "the most urgent question comes first"


@given(group_states, ticks)
def test_ticked_items_of_groups_not_answered_no_are_always_written(states: dict, ticked: set[str]) -> None:
    red_flags, mimics = answer_lists(GROUPS, states, ticked, FLAG_IDS)
    kept = {i for i in ticked if states[SAFETY.group_of(i).id] != "no"}
    if kept:
        assert set(red_flags or []) | set(mimics or []) == kept
        assert set(red_flags or []) <= set(FLAG_IDS) and not set(mimics or []) & set(FLAG_IDS)


@given(group_states, ticks)
def test_all_clear_is_written_only_when_every_group_is_answered_no(states: dict, ticked: set[str]) -> None:
    red_flags, mimics = answer_lists(GROUPS, states, ticked, FLAG_IDS)
    if red_flags == [] and mimics == []:
        assert all(v == "no" for v in states.values())
    if any(v is None for v in states.values()) and not ticked:
        assert (red_flags, mimics) == (None, None), "an unanswered group is never read as no"


@given(group_states, ticks)
def test_what_is_written_reads_back_as_the_same_ticks_and_yes_groups(states: dict, ticked: set[str]) -> None:
    red_flags, mimics = answer_lists(GROUPS, states, ticked, FLAG_IDS)
    back = group_answers(GROUPS, red_flags, mimics, said=states)
    for group in GROUPS:
        if set(red_flags or []).union(mimics or []) & set(group.items):
            assert back[group.id] == "yes"
        else:
            assert back[group.id] == states[group.id]


def test_restored_answers_without_the_session_read_as_the_lists_say() -> None:
    assert set(group_answers(GROUPS, None, None).values()) == {None}
    assert set(group_answers(GROUPS, [], []).values()) == {"no"}
    derived = group_answers(GROUPS, [], ["dvt"])
    assert derived["circulation"] == "yes" and derived["saddle_bladder"] == "no"


def test_a_group_said_yes_with_nothing_ticked_keeps_the_check_unanswered() -> None:
    states = {g.id: "no" for g in GROUPS} | {"bone": "yes"}
    assert answer_lists(GROUPS, states, set(), FLAG_IDS) == (None, None)
