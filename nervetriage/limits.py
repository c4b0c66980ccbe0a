"""How large the app's own exports can get, worked out from the schema's maxima.

The import limits (``share.MAX_FILE_BYTES`` for an answers file, ``share.MAX_JSON_BYTES``
for what a link may unpack to, ``journal.MAX_CSV_BYTES`` for a journal CSV) and
``server.maxUploadSize`` in ``.streamlit/config.toml`` must accept anything the app
writes, or a person's own download is refused when they bring it back. ``worst_case_answers``
builds the largest answers the schema allows (every list full, every text at its maximum
length in whichever character its export writes widest) and ``worst_case_sizes`` measures
them with the real exporters. The limits themselves are plain constants, so importing the
app does no work and a refusal message always names the same figure; ``tests/test_limits.py``
checks each covers its worst case (and stays close to it), so a schema change that grows
an export fails the tests with the new size.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from nervetriage.content import load_content
from nervetriage.journal import MAX_CSV_BYTES, entries_to_csv
from nervetriage.models import (
    EARLIEST_JOURNAL_DATE,
    MAX_CONTACT_CHARS,
    Answers,
    Duration,
    Imaging,
    ImagingResult,
    JournalEntry,
    Onset,
    Origin,
    Outcome,
    Quality,
    Side,
    Site,
    TenderSpot,
    Treatment,
    Trigger,
    Weakness,
    YesNoUnsure,
)
from nervetriage.share import MAX_FILE_BYTES, answers_file_json, answers_json
from nervetriage.units import megabytes as megabytes  # the pages' import of it

Serialiser = Callable[[Answers], bytes]

# Characters that might serialise widest: a 4-byte UTF-8 emoji, control characters (JSON
# writes them as 6-byte \u escapes unless the model drops them), the characters JSON or
# CSV escape by doubling, line breaks, and plain letters.
CANDIDATES: tuple[str, ...] = (
    "\U0001f9b6", "\x01", "\x00", "\x1f", "\x7f", "\x85", "\u2028", '"', "\\", "\n", "\t", "\r", ",", "=", "a",
)
# Streamlit refuses an upload whose whole request (the file plus its multipart framing:
# boundaries, headers, the file name) exceeds server.maxUploadSize; this covers the framing.
MULTIPART_ALLOWANCE = 16 * 1024
MIB = 1024 * 1024

_TEXT_MODELS: dict[str, type[BaseModel]] = {"": Answers, "origin": Origin, "journal": JournalEntry}


def answers_file_bytes(answers: Answers) -> bytes:
    """The answers file as downloaded."""
    return answers_file_json(answers).encode("utf-8")


def link_json_bytes(answers: Answers) -> bytes:
    """The JSON a link carries (packed), i.e. what decoding a link unpacks to."""
    return answers_json(answers).encode("utf-8")


def journal_csv_bytes(answers: Answers) -> bytes:
    """The journal CSV as downloaded."""
    return entries_to_csv(answers.journal).encode("utf-8")


def max_text_length(path: str) -> int:
    """The schema's maximum length of a free-text field (``note``, ``origin.clinic``, ``journal.note``...)."""
    owner, _, name = path.rpartition(".")
    return _max_length(_TEXT_MODELS[owner], name)


def _max_length(model: type[BaseModel], name: str) -> int:
    for item in model.model_fields[name].metadata:
        limit = getattr(item, "max_length", None)
        if isinstance(limit, int):
            return limit
    # an optional text (``Annotated[str, ...] | None``) keeps its limit inside the union
    prop = model.model_json_schema()["properties"][name]
    for option in [prop, *prop.get("anyOf", [])]:
        if isinstance(option.get("maxLength"), int):
            return int(option["maxLength"])
    raise ValueError(f"{model.__name__}.{name} has no maximum length")


def _longest(literal: Any) -> str:
    return max(get_args(literal), key=len)


def _probe(path: str, text: str) -> Answers:
    """Answers with nothing but ``text`` in the field at ``path``."""
    owner, _, name = path.rpartition(".")
    if owner == "journal":
        entry = {"date": EARLIEST_JOURNAL_DATE.isoformat(), "flare_ups": 0, "worst": 0, "typical": 0, "duration_minutes": 0,
                 "running_minutes": 0, name: text}
        return Answers.model_validate({"journal": [entry]})
    if owner == "origin":
        return Answers.model_validate({"origin": {name: text}})
    return Answers.model_validate({name: text})


@functools.cache
def widest_text(path: str, serialise: Serialiser) -> str:
    """The text at its maximum length that ``serialise`` writes widest, after the model has
    cleaned it (a character the model drops or trims counts for nothing)."""
    length = max_text_length(path)
    best, best_size = "", -1
    for char in CANDIDATES:
        try:
            size = len(serialise(_probe(path, char * length)))
        except ValidationError:
            continue
        if size > best_size:
            best, best_size = char * length, size
    return best


def longest_contact() -> str:
    """The longest contact address the schema takes: a 64-character local part and a domain that fills 254."""
    domain = "b" * 63 + "." + "c" * 63 + "." + "d" * (MAX_CONTACT_CHARS - 64 - 1 - 128)
    return "a" * 64 + "@" + domain


def worst_case_answers(serialise: Serialiser = answers_file_bytes, journal_entries: int | None = None) -> Answers:
    """The largest answers the schema allows, as ``serialise`` measures them.

    Every list is full (the journal to ``journal_entries`` check-ins, all of them by
    default), every text at its maximum length in its widest character, every choice its
    longest option and every number its widest value. Ids that live in content (regions,
    red flags, mimics) are the content's own, longest first.
    """
    content = load_content()
    count = _max_length(Answers, "journal") if journal_entries is None else journal_entries

    def text(path: str) -> str:
        return widest_text(path, serialise)

    def longest_first(ids: list[str], limit: int) -> list[str]:
        return sorted(ids, key=lambda i: (-len(i), i))[:limit]

    pairs = [(region, side) for region in longest_first(list(content.region_ids), len(content.region_ids)) for side in get_args(Side)]
    flags = longest_first([f.id for f in content.red_flags.flags], _max_length(Answers, "red_flags"))
    mimics = longest_first([m.id for m in content.red_flags.mimics], _max_length(Answers, "mimics"))
    journal = [
        {
            "date": (EARLIEST_JOURNAL_DATE + dt.timedelta(weeks=i)).isoformat(),
            "flare_ups": 100,
            "worst": 10,
            "typical": 10,
            "duration_minutes": 10_080,
            "running_minutes": 10_080,
            "helped": text("journal.helped"),
            "flared": text("journal.flared"),
            "note": text("journal.note"),
        }
        for i in range(count)
    ]
    # Unset booleans are None, so False ("false") is their widest answer; those that
    # default to False are only written when True.
    data: dict[str, Any] = {
        # an unrated clinic mark ("intensity": null, "from_clinic": true) is a region's widest form
        "regions": [{"region": r, "side": s, "intensity": None, "from_clinic": True}
                    for r, s in pairs[: _max_length(Answers, "regions")]],
        "sites": [{"site": site, "stiffness": True, "pain": True} for site in get_args(Site)],
        "duration": _longest(Duration),
        "onset": _longest(Onset),
        "sign1": {"treatments": dict.fromkeys(get_args(Treatment), _longest(Outcome)), "returns_when_running": False},
        "sign2": {"qualities": list(get_args(Quality)), "outline_patch": False},
        "sign3": {
            "variability": 10,
            "same_run_differs": False,
            "walk_worse_than_hard_run": False,
            "moves_around": False,
            "warms_up_pattern": False,
            "triggers": list(get_args(Trigger)),
            "exertional": False,
            "exertional_numb_or_slap": False,
            "compartment_tight": False,
            "cold_pale_foot": False,
            "grows_run_by_run": False,
        },
        "sign4": {
            "self_press": _longest(TenderSpot),
            "therapist_press": _longest(TenderSpot),
            "tap_tingling": False,
            "bone_tender": False,
            "hop_pain": False,
        },
        "sign5": {"sitting": False, "lying": False, "night": False, "rest_intensity": 10},
        "sign6": {"imaging": list(get_args(Imaging)), "result": _longest(ImagingResult)},
        "neck_changes_legs": _longest(YesNoUnsure),
        "clues": {
            "cough_sneeze": _longest(YesNoUnsure),
            "weakness": list(get_args(Weakness)),
            "calf_swollen": False,
            "clot_risk": False,
            "limp": False,
        },
        "slump": {"done": True, "familiar_symptom": True, "changes_with_neck": True, "differs_from_other_side": True},
        "red_flags": flags,
        "mimics": mimics,
        "note": text("note"),
        "client": text("client"),
        "dated": EARLIEST_JOURNAL_DATE.isoformat(),
        "origin": {"example": text("origin.example"), "clinic": text("origin.clinic"), "clinic_note": text("origin.clinic_note"),
                   "contact": longest_contact()},
        "journal": journal,
    }
    return Answers.model_validate(data)


@dataclass(frozen=True)
class WorstCase:
    """Bytes of the largest answers file, link JSON and journal CSV the app can write."""

    answers_file: int
    answers_file_lines: int  # each may gain a CR when an editor re-saves the file
    link_json: int
    journal_csv: int


def worst_case_sizes() -> WorstCase:
    """Measure the worst case with the exporters the app uses."""
    data = answers_file_bytes(worst_case_answers(answers_file_bytes))
    return WorstCase(
        answers_file=len(data),
        answers_file_lines=data.count(b"\n"),
        link_json=len(link_json_bytes(worst_case_answers(link_json_bytes))),
        journal_csv=len(journal_csv_bytes(worst_case_answers(journal_csv_bytes))),
    )


def upload_megabytes() -> int:
    """The smallest ``server.maxUploadSize`` (MiB) that lets the largest answers file and CSV through."""
    return math.ceil((max(MAX_FILE_BYTES, MAX_CSV_BYTES) + MULTIPART_ALLOWANCE) / MIB)

