"""Example runner stories: worked cases for the app, the tests and the command line.

Each case lives in ``content/examples/<id>.json`` as a short story in our own words plus
the answers that person would give and the band and urgency we expect. They are content,
so they are validated like the rest of it; a broken case is refused with the file and
field named. ``examples/<id>.json`` (top level) holds the bare answers of each case, so
``python -m nervetriage assess examples/<id>.json`` works; regenerate them with
``python -m nervetriage.examples``.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from nervetriage.content import CONTENT_DIR, ContentError, describe_content_error
from nervetriage.models import Answers, Band, Urgency

EXAMPLES_DIR = CONTENT_DIR / "examples"
ANSWERS_DIR = CONTENT_DIR.parent / "examples"


class ExampleError(ContentError):
    """An example file is missing, not JSON, or does not validate."""


class Example(BaseModel):
    """One runner's story with the answers they would give and the result we expect."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)
    title: str = Field(min_length=1, max_length=120)
    story: str = Field(min_length=1, max_length=800)
    expected_band: Band
    expected_urgency: Urgency
    answers: Answers

    @model_validator(mode="after")
    def _origin_names_this_example(self) -> Example:
        origin = self.answers.origin
        if origin is None or origin.example != self.id:
            raise ValueError(f"answers.origin.example must be {self.id!r}, so results say they come from this example")
        return self

    def fresh_answers(self) -> Answers:
        """A deep copy of the answers, so a caller can change them without touching the cache."""
        return self.answers.model_copy(deep=True)


def read_example_file(path: Path) -> dict[str, Any]:
    """The raw JSON object of one example file, or an ExampleError naming the file."""
    name = f"examples/{path.name}"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ExampleError(f"{name}: file is missing") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ExampleError(f"{name}: not valid JSON: {exc}") from exc
    if not isinstance(raw, dict):
        raise ExampleError(f"{name}: field (top level): must be a JSON object")
    return raw


def load_examples_from(directory: Path) -> list[Example]:
    """Load and validate every ``*.json`` example in ``directory``, sorted by file name."""
    examples: list[Example] = []
    for path in sorted(directory.glob("*.json")):
        name = f"examples/{path.name}"
        raw = read_example_file(path)
        try:
            example = Example.model_validate(raw)
        except ValidationError as exc:
            raise ExampleError(describe_content_error(exc, name)) from exc
        if example.id != path.stem:
            raise ExampleError(f"{name}: field id: {example.id!r} must match the file name {path.stem!r}")
        examples.append(example)
    if not examples:
        raise ExampleError(f"{directory}: no example files found")
    return examples


@functools.cache
def load_examples() -> list[Example]:
    """The shipped examples, loaded once per process. Use ``fresh_answers()`` before editing."""
    return load_examples_from(EXAMPLES_DIR)


def get_example(example_id: str) -> Example:
    """One shipped example by id; KeyError names the known ids."""
    for example in load_examples():
        if example.id == example_id:
            return example
    known = ", ".join(e.id for e in load_examples())
    raise KeyError(f"unknown example {example_id!r}; known: {known}")


def step_example(current_id: str | None, step: int, examples: list[Example] | None = None) -> Example:
    """The example ``step`` places after ``current_id`` in the list (negative: before), wrapping
    around at either end, so a coach can click through every case and come back to the first.

    An id not in the list (an example from an older link) counts as sitting just before the
    first: the next is the first example and the previous the last.
    """
    cases = load_examples() if examples is None else examples
    ids = [e.id for e in cases]
    position = ids.index(current_id) if current_id in ids else (-1 if step > 0 else 0)
    return cases[(position + step) % len(cases)]


def untouched_example(answers: Answers) -> bool:
    """True when ``answers`` are a shipped example exactly as it loads (the day it was dated
    aside): replacing them loses nothing the person entered, so switching from one example to
    another need not ask first."""
    example_id = answers.origin.example if answers.origin else None
    try:
        example = get_example(example_id) if example_id else None
    except (KeyError, ContentError):
        return False
    return example is not None and answers.model_copy(update={"dated": example.answers.dated}) == example.answers


def answers_file_text(example_id: str, directory: Path = EXAMPLES_DIR) -> str:
    """The answers-only JSON for the command line, taken verbatim from the example file."""
    raw = read_example_file(directory / f"{example_id}.json")
    return json.dumps(raw["answers"], indent=2, ensure_ascii=False) + "\n"


def write_answers_files(target: Path = ANSWERS_DIR) -> list[Path]:
    """Regenerate ``examples/<id>.json`` (answers only) from ``content/examples``."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for example in load_examples():
        path = target / f"{example.id}.json"
        path.write_text(answers_file_text(example.id), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_answers_files():
        print(written_path)
