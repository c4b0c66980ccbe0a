"""The safety check asked as grouped yes/no questions (content/redflags.yaml ``groups``).

The answers keep what they always kept: the ticked red flags and mimics, or ``None`` while
the check is not answered. The groups' yes/no is how the page asks, and this module is the
one place that turns the two into each other:

- a ticked item is an answer (its group reads yes, and the lists are written at once, so an
  urgent one is acted on before the other groups are answered);
- "none of these apply" is every group answered no, and only that writes two empty lists;
- a group answered yes with nothing ticked yet leaves the check unanswered, never all clear.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

from nervetriage.content import SafetyGroup

GroupAnswer = Literal["yes", "no"]


def group_answers(
    groups: Iterable[SafetyGroup],
    red_flags: list[str] | None,
    mimics: list[str] | None,
    said: Mapping[str, GroupAnswer] | None = None,
) -> dict[str, GroupAnswer | None]:
    """Each group's answer: yes where one of its items is ticked; else what the person said
    to it on this page (``said``; a group not in it is unanswered).

    Without ``said`` (answers restored, loaded or opened from a link, so nobody here saw the
    groups asked) a group with nothing ticked reads no once the answers hold the check as
    answered, as lists, and unanswered while they are None.
    """
    ticked = set(red_flags or []) | set(mimics or [])
    answered = red_flags is not None or mimics is not None
    answers: dict[str, GroupAnswer | None] = {}
    for group in groups:
        if ticked.intersection(group.items):
            answers[group.id] = "yes"
        elif said is not None:
            answers[group.id] = said.get(group.id)
        else:
            answers[group.id] = "no" if answered else None
    return answers


def answer_lists(
    groups: Iterable[SafetyGroup],
    answers: Mapping[str, GroupAnswer | None],
    ticked: Iterable[str],
    flag_ids: Iterable[str],
) -> tuple[list[str] | None, list[str] | None]:
    """The (red_flags, mimics) to store for these group answers and ticked items.

    Items of a group answered no are dropped. Ticked items are written as they are; with
    nothing ticked, the lists are empty only once every group is answered no, else None.
    """
    groups = list(groups)
    flags = set(flag_ids)
    kept = {item for g in groups if answers.get(g.id) != "no" for item in g.items}
    chosen = sorted(set(ticked) & kept)
    if chosen:
        return [i for i in chosen if i in flags], [i for i in chosen if i not in flags]
    if groups and all(answers.get(g.id) == "no" for g in groups):
        return [], []
    return None, None
