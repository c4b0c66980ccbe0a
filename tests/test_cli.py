"""``python -m nervetriage schema|assess``: JSON out, and a clear exit 2 for bad input."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from nervetriage.cli import MAX_INPUT_BYTES, main
from nervetriage.examples import ANSWERS_DIR, get_example, load_examples
from nervetriage.models import SCHEMA_VERSION, Assessment

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_FILES = sorted(ANSWERS_DIR.glob("*.json"))


def run_cli(*args: str, stdin: str | bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """The real command, in a fresh interpreter, as a user would run it."""
    data = stdin.encode() if isinstance(stdin, str) else stdin
    return subprocess.run(
        [sys.executable, "-m", "nervetriage", *args], input=data, capture_output=True, cwd=ROOT, timeout=60, check=False
    )


def assert_refused(result: subprocess.CompletedProcess[bytes], *needles: str) -> str:
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert result.stdout == b""
    assert "Traceback" not in stderr
    for needle in needles:
        assert needle in stderr
    return stderr


def test_schema_prints_a_valid_json_schema() -> None:
    result = run_cli("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert {"regions", "sign1", "sign5", "red_flags"} <= set(schema["properties"])


def test_schema_is_version_3_with_its_new_fields(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["properties"]["version"]["const"] == SCHEMA_VERSION == 3
    assert {"client", "dated"} <= set(schema["properties"])
    assert "contact" in schema["$defs"]["Origin"]["properties"]
    assert {"intensity", "from_clinic"} <= set(schema["$defs"]["RegionPain"]["properties"])
    defs = schema["$defs"]
    assert {"calf_swollen", "clot_risk", "limp", "weakness", "cough_sneeze"} <= set(defs["Clues"]["properties"])
    assert {"exertional", "compartment_tight", "grows_run_by_run"} <= set(defs["Sign3"]["properties"])
    assert {"bone_tender", "hop_pain", "tap_tingling"} <= set(defs["Sign4"]["properties"])
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid({"version": 3, "clues": {"calf_swollen": True}, "regions": [
        {"region": "heel", "side": "left", "intensity": None, "from_clinic": True}]})
    assert not validator.is_valid({"version": 4})


def test_every_example_validates_against_the_printed_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    validator = jsonschema.Draft202012Validator(json.loads(capsys.readouterr().out))
    for path in EXAMPLE_FILES:
        validator.validate(json.loads(path.read_text(encoding="utf-8")))


def test_schema_lists_the_known_region_and_flag_ids(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    validator = jsonschema.Draft202012Validator(json.loads(capsys.readouterr().out))
    assert validator.is_valid({"regions": [{"region": "calf", "side": "left"}], "red_flags": ["foot_drop"], "mimics": ["dvt"]})
    assert not validator.is_valid({"regions": [{"region": "elbow", "side": "left"}]})
    assert not validator.is_valid({"red_flags": ["dragons"]})
    assert not validator.is_valid({"mimics": ["gout"]})


def test_examples_ship_for_the_command_line() -> None:
    assert len(EXAMPLE_FILES) == len(load_examples()) >= 6


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_assess_prints_a_full_assessment_for_each_example(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["assess", str(path)]) == 0
    out = capsys.readouterr().out
    assessment = Assessment.model_validate_json(out)
    example = get_example(path.stem)
    assert (assessment.band, assessment.urgency) == (example.expected_band, example.expected_urgency)
    assert len(assessment.signs) == 6 and assessment.caveats and assessment.urgency_message
    raw = json.loads(out)
    assert set(raw) == set(Assessment.model_fields)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_assess_runs_on_an_example_file_from_the_command_line(path: Path) -> None:
    """``python -m nervetriage assess examples/<case>.json``, as the README shows it."""
    result = run_cli("assess", str(path.relative_to(ROOT)))
    assert result.returncode == 0, result.stderr.decode()
    raw = json.loads(result.stdout)
    assessment = Assessment.model_validate(raw)
    assert assessment.band == get_example(path.stem).expected_band
    # the evidence model's outputs are all there
    assert 0 < raw["coverage"] <= 1 and raw["coverage_needed"] > 0 and 0 < raw["prior"] < 1
    assert isinstance(raw["log_odds"], float)
    assert raw["findings"], "an example answers enough for findings to count"
    for finding in raw["findings"]:
        assert {"id", "sign", "label", "lr", "points", "reason", "evidence", "source"} <= set(finding)
        assert finding["points"] == pytest.approx(10 * math.log(finding["lr"]), abs=0.2)
    for question in raw["deciding"]:
        assert set(question) == {"field", "page", "label"}


def test_assess_prints_inferred_alerts_with_their_reason() -> None:
    result = run_cli("assess", "-", stdin=json.dumps({"clues": {"calf_swollen": True}}))
    assert result.returncode == 0, result.stderr.decode()
    [flag] = [f for f in json.loads(result.stdout)["red_flags"] if f["kind"] == "inferred"]
    assert flag["id"] == "dvt" and flag["reason"] and flag["level"] == "urgent"


def test_a_version_1_answers_file_is_read_as_the_current_version(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    path.write_text(json.dumps({"version": 1, "regions": [{"region": "calf", "side": "left", "intensity": 4}]}), encoding="utf-8")
    result = run_cli("assess", str(path))
    assert result.returncode == 0, result.stderr.decode()
    Assessment.model_validate_json(result.stdout)
    assert_refused(run_cli("assess", "-", stdin='{"version": 4}'), "field version")


def test_assess_reads_stdin_with_a_dash() -> None:
    text = (ANSWERS_DIR / "ultra-fall-top-of-foot.json").read_text(encoding="utf-8")
    result = run_cli("assess", "-", stdin=text)
    assert result.returncode == 0, result.stderr.decode()
    assert Assessment.model_validate_json(result.stdout).band == "likely"


def test_assess_accepts_empty_answers() -> None:
    result = run_cli("assess", "-", stdin="{}")
    assert result.returncode == 0
    assessment = Assessment.model_validate_json(result.stdout)
    assert assessment.partial and assessment.unanswered == [1, 2, 3, 4, 5, 6]
    # nothing answered is no evidence either way: no verdict, and the questions that would decide it
    assert assessment.band == "not_enough" and assessment.coverage == 0 and assessment.findings == []
    assert assessment.deciding and all(q.label and q.page for q in assessment.deciding)


def test_bad_json_exits_2_without_a_traceback() -> None:
    assert_refused(run_cli("assess", "-", stdin='{"regions": ['), "not valid JSON", "line 1")


def test_unknown_region_is_named() -> None:
    stdin = json.dumps({"regions": [{"region": "elbow", "side": "left"}]})
    assert_refused(run_cli("assess", "-", stdin=stdin), "field regions.0.region", "unknown region “elbow”")


def test_out_of_range_intensity_is_named(tmp_path: Path) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"regions": [{"region": "calf", "side": "left", "intensity": 11}]}), encoding="utf-8")
    assert_refused(run_cli("assess", str(path)), "field regions.0.intensity", "less than or equal to 10")


def test_nested_bad_value_is_named_by_its_path() -> None:
    stdin = json.dumps({"sign5": {"rest_intensity": -1}, "sign2": {"qualities": ["itchy"]}})
    stderr = assert_refused(run_cli("assess", "-", stdin=stdin), "field sign5.rest_intensity", "field sign2.qualities.0")
    assert stderr.startswith("error: ")


def test_unknown_field_is_named() -> None:
    assert_refused(run_cli("assess", "-", stdin='{"diagnosis": "nerve"}'), "field diagnosis", "Extra inputs are not permitted")


def test_unknown_red_flag_is_named() -> None:
    assert_refused(run_cli("assess", "-", stdin='{"red_flags": ["dragons"]}'), "field red_flags", "unknown red flag “dragons”")


def test_missing_file_exits_2(tmp_path: Path) -> None:
    assert_refused(run_cli("assess", str(tmp_path / "nope.json")), "nope.json: no such file")


def test_a_folder_is_not_an_answers_file(tmp_path: Path) -> None:
    assert_refused(run_cli("assess", str(tmp_path)), "not a file")


def test_answers_must_be_a_json_object() -> None:
    assert_refused(run_cli("assess", "-", stdin="[1, 2, 3]"), "must be a JSON object")


def test_deeply_nested_json_exits_2() -> None:
    assert_refused(run_cli("assess", "-", stdin="[" * 100_000 + "]" * 100_000), "nested far too deeply")


def test_oversized_input_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    path.write_text('{"note": "' + "x" * MAX_INPUT_BYTES + '"}', encoding="utf-8")
    assert_refused(run_cli("assess", str(path)), "larger than")
    assert_refused(run_cli("assess", "-", stdin=path.read_bytes()), "larger than")


def test_bytes_that_are_not_utf8_exit_2() -> None:
    assert_refused(run_cli("assess", "-", stdin=b"\xff\xfe{\x00"), "not valid JSON")


def test_missing_command_is_a_usage_error() -> None:
    result = run_cli()
    assert result.returncode == 2
    assert b"usage" in result.stderr and b"Traceback" not in result.stderr


def test_in_process_main_reports_errors_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"sign3": {"variability": "very"}}', encoding="utf-8")
    assert main(["assess", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "field sign3.variability" in captured.err
