"""Answers carried in a URL: the share link and the clinic's prepared link.

A token is ``<version>.<base64url(checksum + deflate(json))>``:

- the JSON is ``Answers`` without its default values, so an empty form is a few bytes;
- raw DEFLATE with a preset dictionary of the schema's words keeps it short enough for a
  chat message or an email (an example case: about 250 characters);
- the version prefix lets a future format refuse old links with a clear message instead
  of guessing;
- the checksum (4 bytes of BLAKE2b) catches a link that was cut short or altered while
  being copied. It is NOT a signature: there is no secret, anyone can make a valid link,
  and the server stores nothing. The answers are validated like any other input.

Everything that can go wrong while reading a token raises one exception type,
``LinkError``, whose message can be shown to the person as it is.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
import re
import zlib
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, urlencode, urlsplit

from pydantic import ValidationError

from nervetriage.models import Answers, Origin, RegionPain
from nervetriage.safetext import MAX_MESSAGE_CHARS, clip, visible
from nervetriage.units import megabytes

LINK_VERSION = 1
MAX_TOKEN_CHARS = 8000
# What a link may unpack to: the largest answers JSON the schema allows (every list full,
# every text at its limit in its widest characters: 1,960,608 bytes). A small link of very
# repetitive answers can unpack to that much; tests/test_limits.py checks it against the schema.
MAX_JSON_BYTES = 2_000_000
CHECKSUM_BYTES = 4
ANSWERS_PARAM = "a"
CLINIC_PARAM = "c"

_TOKEN_BODY = re.compile(r"^[A-Za-z0-9_-]*$")
_VERSION = re.compile(r"^[0-9]{1,4}$")
LinkKind = Literal["answers", "clinic"]

# A preset DEFLATE dictionary: the field names and ids answers are made of, so even the first
# "pins_and_needles" in a link costs a few bits. It is FROZEN for link format 1: a link made
# with one dictionary and read with another unpacks to garbage, so any change to these words
# needs a new LINK_VERSION (tests pin its hash). New ids still work, they just pack less well.
_DICTIONARY_V1_WORDS: tuple[str, ...] = (
    "2_to_6_weeks", "3_to_12_months", "6_to_12_weeks", "acute_compartment", "after_fall", "after_sprain", "back_of_knee",
    "back_of_thigh", "bladder_change", "bone_scan", "bone_stress", "both", "both_legs_weak", "bowel_sensation", "burning",
    "buttock", "calf", "cancer_history", "cannot_find", "changes_with_neck", "claudication", "clear_injury", "clinic",
    "clinic_note", "compression", "constant_night_pain", "ct", "date", "differs_from_other_side", "done", "dull_ache", "duration",
    "duration_minutes", "dvt", "electric", "elevation", "example", "exertional_compartment", "familiar_symptom",
    "femoral_neck_stress", "fever_unwell", "flare_ups", "flared", "foot_drop", "found_but_different", "found_reproduces",
    "front_hip_thigh", "front_of_knee", "gradual", "heel", "helped", "ice", "imaging", "immune_risk", "injection", "inner_ankle",
    "inner_knee", "inner_shin", "inner_thigh", "intensity", "journal", "left", "low_back", "lying", "major_trauma", "massage",
    "mid_back", "mild_wear", "mimics", "moves_around", "mri", "neck", "neck_changes_legs", "new_pain_over_50", "night", "no",
    "no_change", "normal", "not_sure", "not_tried", "note", "numbness", "onset", "origin", "orthotics_or_shoes", "outer_ankle",
    "outer_hip_thigh", "outer_knee", "outer_shin", "over_a_year", "pain", "pelvis", "pins_and_needles", "popliteal_entrapment",
    "qualities", "red_flags", "region", "regions", "rest", "rest_intensity", "result", "returns_when_running", "right",
    "running_minutes", "saddle_numbness", "same_run_differs", "sciatica_both_legs", "self_press", "sexual_dysfunction",
    "sharp_stabbing", "side", "sign1", "sign2", "sign3", "sign4", "sign5", "sign6", "site", "sites", "sitting", "slump", "sole",
    "stiffness", "strengthening", "stretching", "sudden", "surgery", "therapist_press", "tightness", "tingling", "top_of_foot",
    "treatments", "typical", "ultrasound", "under_2_weeks", "upper_back", "variability", "version", "walk_worse_than_hard_run",
    "warms_up_pattern", "weight_loss", "widespread_neuro", "worse", "worst", "xray", "yes",
)
_ZDICT_V1 = ",".join(f'"{w}":' for w in _DICTIONARY_V1_WORDS).encode("ascii") + b'true,false,null,{"region":"'


class LinkError(ValueError):
    """A link (or token) that cannot be read; the message is meant for the person (capped in length)."""

    def __init__(self, text: str) -> None:
        super().__init__(clip(text, MAX_MESSAGE_CHARS))


class LinkTooLong(LinkError):
    """The answers do not fit in a link: share the answers file instead."""


# --------------------------------------------------------------------------- encode


def _checksum(version: int, packed: bytes) -> bytes:
    return hashlib.blake2b(f"{version}.".encode() + packed, digest_size=CHECKSUM_BYTES).digest()


def answers_json(answers: Answers) -> str:
    """The compact JSON a link carries: only what differs from an empty form."""
    data = answers.model_dump(mode="json", exclude_defaults=True)
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False, sort_keys=True)


def encode_link(answers: Answers) -> str:
    """The token for ``answers``; raises ``LinkTooLong`` when it would exceed the limit."""
    packer = zlib.compressobj(level=9, wbits=-15, zdict=_ZDICT_V1)
    packed = packer.compress(answers_json(answers).encode("utf-8")) + packer.flush()
    body = base64.urlsafe_b64encode(_checksum(LINK_VERSION, packed) + packed).rstrip(b"=").decode("ascii")
    token = f"{LINK_VERSION}.{body}"
    if len(token) > MAX_TOKEN_CHARS:
        raise LinkTooLong(
            f"These answers are too long for a link ({len(token)} characters, the limit is {MAX_TOKEN_CHARS}): "
            "use the answers file instead."
        )
    return token


# --------------------------------------------------------------------------- decode


def _damaged_text(detail: str) -> str:
    return f"This link is damaged or incomplete: {detail} Ask the sender to copy the whole link again."


def _damaged(detail: str) -> LinkError:
    return LinkError(_damaged_text(detail))


def _unpack(packed: bytes) -> bytes:
    """Inflate with a ceiling, so a small link cannot unpack into gigabytes."""
    unpacker = zlib.decompressobj(wbits=-15, zdict=_ZDICT_V1)
    try:
        raw = unpacker.decompress(packed, MAX_JSON_BYTES + 1)
    except zlib.error as exc:
        raise _damaged("its contents cannot be unpacked.") from exc
    if len(raw) > MAX_JSON_BYTES or unpacker.unconsumed_tail:
        raise LinkError("This link unpacks to more data than any set of answers can hold, so it was not made by NerveTriage.")
    if not unpacker.eof:
        raise _damaged("its contents stop part-way through.")
    return raw


@functools.cache
def _schema_words() -> frozenset[str]:
    """Every field name and allowed value in the answers' JSON Schema: the only names a message may quote."""
    words: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for name, value in node.items():
                if name == "properties" and isinstance(value, dict):
                    words.update(str(k) for k in value)
                if name in ("enum", "const") or name == "propertyNames":
                    items = value if isinstance(value, list) else [value]
                    words.update(str(v) for v in items if isinstance(v, str))
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(Answers.model_json_schema())
    return frozenset(words)


def _place(loc: tuple[int | str, ...]) -> str:
    """Where an error is, in the schema's own names: an unknown key is never quoted back."""
    known = _schema_words()
    parts = [f"item {part + 1}" if isinstance(part, int) else part if part in known else "(an unknown field)" for part in loc]
    return " > ".join(parts) or "(top level)"


def _describe(error: ValidationError) -> str:
    """The first few problems, each a place in the schema's names and pydantic's (or our) reason, capped."""
    parts = []
    for item in error.errors(include_input=False, include_url=False)[:3]:
        reason = clip(visible(str(item["msg"]), keep_newlines=False), 90)
        parts.append(f"field {_place(tuple(item['loc']))}: {reason}")
    more = error.error_count() - len(parts)
    if more > 0:
        parts.append(f"and {more} more")
    return clip("; ".join(parts), 240)


@dataclass(frozen=True)
class _Wording:
    """What one kind of input (a link, an answers file) says when its bytes are not answers.

    ``not_json`` may name the place of a JSON syntax error with ``{where}``, ``invalid`` the
    fields at fault with ``{fields}``; the ``_plain`` variants are used when there is nothing to name.
    """

    error: type[ValueError]
    not_text: str
    not_json: str
    not_json_plain: str
    not_object: str
    invalid: str
    invalid_plain: str


_UNREADABLE_LINK = _damaged_text("its contents are not readable answers.")
_LINK_WORDING = _Wording(
    error=LinkError,
    not_text=_UNREADABLE_LINK,
    not_json=_UNREADABLE_LINK,
    not_json_plain=_UNREADABLE_LINK,
    not_object=_UNREADABLE_LINK,
    invalid="This link's answers are not valid ({fields}).",
    invalid_plain="This link's answers are not valid.",
)


def _answers_from_json(raw: bytes, encoding: str, wording: _Wording) -> Answers:
    """Bytes that should hold one JSON object of answers, validated; any problem raises ``wording.error``.

    The one path from JSON to ``Answers`` for links and files alike, so both refuse the
    same inputs; only the wording (and the exception type) differs.
    """
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise wording.error(wording.not_text) from exc
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise wording.error(wording.not_json.format(where=f"{exc.msg} at line {exc.lineno}, column {exc.colno}")) from exc
    except (ValueError, RecursionError) as exc:
        raise wording.error(wording.not_json_plain) from exc
    if not isinstance(parsed, dict):
        raise wording.error(wording.not_object)
    try:
        return Answers.model_validate(parsed)
    except ValidationError as exc:
        raise wording.error(wording.invalid.format(fields=_describe(exc))) from exc
    except (ValueError, TypeError, RecursionError) as exc:
        raise wording.error(wording.invalid_plain) from exc


def decode_link(token: str) -> Answers:
    """The answers inside ``token``; any problem raises ``LinkError`` with a clear message."""
    if not isinstance(token, str):
        raise LinkError("This link carries no answers.")
    token = token.strip()
    if not token:
        raise LinkError("This link carries no answers.")
    if len(token) > MAX_TOKEN_CHARS:
        raise LinkError(f"This link is longer than any NerveTriage link can be ({len(token)} characters): it was altered or is not ours.")
    version_text, dot, body = token.partition(".")
    if not dot or not _VERSION.match(version_text):
        raise _damaged("it does not start the way a NerveTriage link does.")
    version = int(version_text)
    if version != LINK_VERSION:
        raise LinkError(
            f"This link was made by a different version of NerveTriage (link format {version}); "
            f"this version reads format {LINK_VERSION}. Ask the sender for the answers file instead."
        )
    if not _TOKEN_BODY.match(body):
        raise _damaged("it contains characters a NerveTriage link never has.")
    try:
        data = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError) as exc:
        raise _damaged("part of it is missing.") from exc
    if len(data) <= CHECKSUM_BYTES:
        raise _damaged("it is too short.")
    check, packed = data[:CHECKSUM_BYTES], data[CHECKSUM_BYTES:]
    if check != _checksum(version, packed):
        raise _damaged("its check code does not match, so part of it was lost or changed.")
    return _answers_from_json(_unpack(packed), "utf-8", _LINK_WORDING)


def token_from_text(text: str) -> tuple[LinkKind, str]:
    """Accept a bare token or a whole pasted URL (``...?a=`` or ``...?c=``)."""
    text = text.strip()
    if len(text) > MAX_TOKEN_CHARS + 2000:  # room for any address in front of the longest token
        raise LinkError(f"This is longer than any NerveTriage link ({len(text)} characters); copy just the link.")
    if "?" in text or text.startswith(("http://", "https://")):
        try:
            query = parse_qs(urlsplit(text).query)
        except ValueError as exc:  # e.g. an unclosed "[" in the host part
            raise LinkError("This is not a web address that can be read; copy the whole link again.") from exc
        if query.get(ANSWERS_PARAM):
            return "answers", query[ANSWERS_PARAM][0]
        if query.get(CLINIC_PARAM):
            return "clinic", query[CLINIC_PARAM][0]
        raise LinkError("This address carries no NerveTriage answers (no ?a= or ?c= part).")
    return "answers", text


# --------------------------------------------------------------------------- links


@dataclass(frozen=True)
class ShareLink:
    """What the Results page offers: a URL, or the reason there is none.

    ``journal_dropped`` means the full answers did not fit, so ``url`` carries them
    without the recovery journal; the message says to send the file for the journal.
    """

    url: str | None
    too_long: bool
    journal_dropped: bool
    message: str


def _url(base_url: str, param: str, token: str) -> str:
    return f"{base_url}?{urlencode({param: token})}"


def build_share_link(answers: Answers, base_url: str) -> ShareLink:
    """The results link for ``answers`` at ``base_url`` (e.g. ``http://host/results``)."""
    try:
        token = encode_link(answers)
        return ShareLink(_url(base_url, ANSWERS_PARAM, token), too_long=False, journal_dropped=False, message="")
    except LinkTooLong as exc:
        if not answers.journal:
            return ShareLink(None, too_long=True, journal_dropped=False, message=str(exc))
    try:
        token = encode_link(answers.model_copy(update={"journal": []}))
    except LinkTooLong as exc:
        return ShareLink(None, too_long=True, journal_dropped=False, message=str(exc))
    return ShareLink(
        _url(base_url, ANSWERS_PARAM, token),
        too_long=True,
        journal_dropped=True,
        message=(
            f"The recovery journal ({len(answers.journal)} entries) is too long for a link, so this link carries the "
            "answers without it. Download the answers file to share the journal too."
        ),
    )


MAX_CLINIC_NOTE = 500
MAX_CLINIC_NAME = 80


def clinic_marks(regions: list[RegionPain]) -> list[RegionPain]:
    """A clinic's preset areas as marks: flagged as the clinic's, with no intensity.

    Only the client can say how strong an area is, so whatever strength a link carries
    (links made before version 3 carried the form's default, 5) is dropped on the way in.
    """
    return [r.model_copy(update={"intensity": None, "from_clinic": True}) for r in regions]


def clinic_answers(clinic: str, note: str, regions: list[RegionPain] | None = None, contact: str = "") -> Answers:
    """The starting answers a clinic's prepared link carries (validated like any input)."""
    origin = Origin(clinic=clinic.strip() or None, clinic_note=note.strip() or None, contact=contact.strip() or None)
    return Answers(origin=origin, regions=clinic_marks(list(regions or [])))


def build_clinic_link(clinic: str, note: str, base_url: str, regions: list[RegionPain] | None = None,
                      contact: str = "") -> str:
    """The link a physio sends a client: opens the welcome page with the clinic's note (and where to reply)."""
    return _url(base_url, CLINIC_PARAM, encode_link(clinic_answers(clinic, note, regions, contact)))


def merge_clinic_answers(current: Answers, clinic: Answers) -> Answers:
    """Apply a clinic link on top of answers already entered: the clinic's origin, plus its preset regions."""
    have = {(r.region, r.side) for r in current.regions}
    regions = (list(current.regions) + [r for r in clinic_marks(clinic.regions) if (r.region, r.side) not in have])[:80]
    merged = current.model_dump()
    merged["regions"] = [r.model_dump() for r in regions]
    merged["origin"] = clinic.origin.model_dump() if clinic.origin else None
    return Answers.model_validate(merged)


def answers_from_clinic_link(current: Answers, clinic: Answers) -> Answers:
    """What opening a clinic link makes of the answers in hand.

    The person's own answers get the clinic's note and preset regions added. An example's
    invented answers are not merged: sent back to a clinic they would pass for the person's
    own, so the clinic link starts afresh in their place (and the app asks first).
    """
    if current.origin is not None and current.origin.example:
        return clinic.model_copy(update={"regions": clinic_marks(clinic.regions)})
    return merge_clinic_answers(current, clinic)


# --------------------------------------------------------------------------- replacing answers


def _given(answers: Answers) -> dict[str, object]:
    """The answers a person gives (and their journal), without the format version, the origin and the date sent."""
    return answers.model_dump(exclude={"version", "origin", "dated"})


def has_answers(answers: Answers) -> bool:
    """True once anything is answered or journalled: a way in must then ask before replacing it."""
    return _given(answers) != _given(Answers())


def keeps_answers(before: Answers, after: Answers) -> bool:
    """True when ``after`` leaves every answer given in ``before`` as it was.

    Filling in an unanswered question or adding to a list (a clinic's preset region) keeps
    them; a different value, or an item gone from a list, does not. An answered empty list
    ("none of these apply") must stay empty.
    """
    return _kept(_given(before), _given(after), _given(Answers()))


def _kept(before: object, after: object, default: object) -> bool:
    if before == default:
        return True
    if isinstance(before, dict) and isinstance(after, dict):
        defaults = default if isinstance(default, dict) else {}
        return all(_kept(value, after.get(key), defaults.get(key)) for key, value in before.items())
    if isinstance(before, list) and isinstance(after, list) and before:
        return all(item in after for item in before)
    return before == after


# --------------------------------------------------------------------------- answers files

# Covers the largest answers file the app writes (2,007,488 bytes, 6,355 lines), even after an
# editor adds a byte-order mark and CR LF line ends; tests/test_limits.py checks it against the schema.
MAX_FILE_BYTES = 2_100_000


class AnswersFileError(ValueError):
    """An answers file that cannot be used; the message names the problem (and the field), capped in length."""

    def __init__(self, text: str) -> None:
        super().__init__(clip(text, MAX_MESSAGE_CHARS))


_FILE_WORDING = _Wording(
    error=AnswersFileError,
    not_text="This is not a text file, so it is not a NerveTriage answers file.",
    not_json="This is not valid JSON ({where}).",
    not_json_plain="This is not valid JSON.",
    not_object="An answers file holds one JSON object ({...}); this one holds something else.",
    invalid="Some answers are not valid: {fields}.",
    invalid_plain="Some answers are not valid.",
)


def answers_file_json(answers: Answers) -> str:
    """The answers file a person downloads: the same JSON the command line reads, its version first."""
    data = {"version": answers.version, **answers.model_dump(mode="json", exclude_defaults=True)}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def read_answers_file(data: bytes, declared_size: int | None = None) -> Answers:
    """Validate an uploaded answers file; refuses large, non-JSON or invalid files with a clear message."""
    size = max(len(data), declared_size or 0)
    if size > MAX_FILE_BYTES:
        raise AnswersFileError(
            f"The file is too large: an answers file is at most {megabytes(MAX_FILE_BYTES)}."
        )
    if not data.strip():
        raise AnswersFileError("The file is empty.")
    return _answers_from_json(data, "utf-8-sig", _FILE_WORDING)
