"""The example runner stories load, give the result they promise, and stay in sync."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from owntext import article_fingerprints, fingerprints

from nervetriage.examples import (
    ANSWERS_DIR,
    EXAMPLES_DIR,
    ExampleError,
    answers_file_text,
    get_example,
    load_examples,
    load_examples_from,
    write_answers_files,
)
from nervetriage.scoring import assess

EXAMPLES = load_examples()
IDS = [e.id for e in EXAMPLES]


def test_at_least_six_examples_span_every_band_and_urgency() -> None:
    assert len(EXAMPLES) >= 6
    assert {e.expected_band for e in EXAMPLES} == {"unlikely", "possible", "likely"}
    assert {"emergency", "urgent", "professional", "none"} <= {e.expected_urgency for e in EXAMPLES}


@pytest.mark.parametrize("example_id", IDS)
def test_example_gives_the_expected_band_and_urgency(example_id: str) -> None:
    example = get_example(example_id)
    result = assess(example.answers)
    assert (result.band, result.urgency) == (example.expected_band, example.expected_urgency)
    assert result.origin is not None and result.origin.example == example_id


@pytest.mark.parametrize("example_id", IDS)
def test_example_story_is_short_and_in_our_own_words(example_id: str) -> None:
    example = get_example(example_id)
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", example.story.strip()) if s]
    assert 2 <= len(sentences) <= 3, sentences
    text = f"{example.title} {example.story}"
    assert not fingerprints(text) & article_fingerprints()


def test_the_classic_stories_are_there() -> None:
    by_id = {e.id: e for e in EXAMPLES}
    assert by_id["achilles-tendinopathy"].expected_band == "unlikely"
    assert by_id["heel-fascia-or-baxter"].expected_band == "possible"
    assert by_id["ultra-fall-top-of-foot"].expected_band == "likely"
    assert by_id["saddle-numbness"].expected_urgency == "emergency"
    assert by_id["bilateral-shin-soreness"].answers.mimics == ["exertional_compartment"]
    assert by_id["calf-clot-mimic"].expected_urgency == "urgent"


def test_the_likely_story_points_to_the_right_nerve() -> None:
    result = assess(get_example("ultra-fall-top-of-foot").answers)
    assert result.nerves[0].id == "superficial_fibular"
    assert result.coherent is True
    assert {"neck_changes_legs", "sites"} <= {m.id for m in result.modifiers}


def test_the_belt_story_points_to_the_lateral_femoral_cutaneous_nerve() -> None:
    result = assess(get_example("race-belt-thigh").answers)
    assert result.nerves[0].id == "lateral_femoral_cutaneous"


def test_unknown_example_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="achilles-tendinopathy"):
        get_example("no-such-runner")


def test_fresh_answers_leave_the_cached_example_alone() -> None:
    example = get_example("achilles-tendinopathy")
    copy = example.fresh_answers()
    copy.regions.clear()
    copy.sign5.sitting = True
    assert get_example("achilles-tendinopathy").answers.regions
    assert get_example("achilles-tendinopathy").answers.sign5.sitting is False


# --------------------------------------------------------------------- answers-only copies for the CLI


def test_answers_files_for_the_cli_are_in_sync() -> None:
    shipped = sorted(p.stem for p in ANSWERS_DIR.glob("*.json"))
    assert shipped == sorted(IDS), "run: python -m nervetriage.examples"
    for example_id in IDS:
        on_disk = (ANSWERS_DIR / f"{example_id}.json").read_text(encoding="utf-8")
        assert on_disk == answers_file_text(example_id), f"examples/{example_id}.json is stale: run python -m nervetriage.examples"


def test_write_answers_files_writes_what_the_sync_test_expects(tmp_path: Path) -> None:
    written = write_answers_files(tmp_path)
    assert sorted(p.stem for p in written) == sorted(IDS)
    raw = json.loads((tmp_path / f"{IDS[0]}.json").read_text(encoding="utf-8"))
    assert raw["origin"]["example"] == IDS[0]


# --------------------------------------------------------------------- the loader refuses bad examples


@pytest.fixture
def examples_copy(tmp_path: Path) -> Path:
    target = tmp_path / "examples"
    shutil.copytree(EXAMPLES_DIR, target)
    return target


def _rewrite(path: Path, change: dict[str, object]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(change)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_loader_names_file_and_field_of_a_bad_region(examples_copy: Path) -> None:
    path = examples_copy / "calf-clot-mimic.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["answers"]["regions"][0]["region"] = "elbow"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ExampleError, match=r"examples/calf-clot-mimic.json: field answers.regions.0.region"):
        load_examples_from(examples_copy)


def test_loader_names_a_bad_expected_band(examples_copy: Path) -> None:
    _rewrite(examples_copy / "saddle-numbness.json", {"expected_band": "certain"})
    with pytest.raises(ExampleError, match=r"saddle-numbness.json: field expected_band"):
        load_examples_from(examples_copy)


def test_loader_requires_origin_to_name_the_example(examples_copy: Path) -> None:
    path = examples_copy / "race-belt-thigh.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["answers"]["origin"] = {"example": "someone-else"}
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ExampleError, match=r"race-belt-thigh.json: .*origin.example must be 'race-belt-thigh'"):
        load_examples_from(examples_copy)


def test_loader_requires_id_to_match_the_file_name(examples_copy: Path) -> None:
    shutil.move(examples_copy / "race-belt-thigh.json", examples_copy / "belt.json")
    with pytest.raises(ExampleError, match=r"belt.json: field id"):
        load_examples_from(examples_copy)


def test_loader_reports_broken_json(examples_copy: Path) -> None:
    (examples_copy / "achilles-tendinopathy.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ExampleError, match=r"achilles-tendinopathy.json: not valid JSON"):
        load_examples_from(examples_copy)


def test_loader_refuses_unknown_fields(examples_copy: Path) -> None:
    _rewrite(examples_copy / "achilles-tendinopathy.json", {"diagnosis": "tendinopathy"})
    with pytest.raises(ExampleError, match=r"achilles-tendinopathy.json: field diagnosis"):
        load_examples_from(examples_copy)
