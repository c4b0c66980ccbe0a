"""The two data types everything else is a view of: ``Answers`` in, ``Assessment`` out.

Every field of ``Answers`` is optional: ``None`` (or an empty collection) means "not
answered", so a half-filled form still validates and gets an honest partial result.
Identifiers that live in ``content/`` (regions, red flags, mimics) are checked against
the loaded content, so a tampered link or file cannot smuggle in an unknown id.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from nervetriage.safetext import excerpt

SCHEMA_VERSION: Literal[3] = 3
# Versions 2 and 3 only added fields and options (3: the client's name or initials, a
# clinic's contact address, regions a clinic marked and not yet rated, the day they were
# sent), so an older payload
# is a valid current one once its version number is raised (see ``migrate_answers``).
KNOWN_VERSIONS: frozenset[int] = frozenset({1, 2, 3})

Side = Literal["left", "right", "both"]
Duration = Literal["under_2_weeks", "2_to_6_weeks", "6_to_12_weeks", "3_to_12_months", "over_a_year"]
Onset = Literal["gradual", "sudden", "after_fall", "after_sprain", "after_one_run", "woke_up_with_it"]
Treatment = Literal[
    "rest",
    "ice",
    "compression",
    "elevation",
    "stretching",
    "strengthening",
    "massage",
    "physio_manual",
    "chiropractic",
    "injection",
    "orthotics_or_shoes",
    "surgery",
]
Outcome = Literal["helped", "no_change", "worse", "short_relief"]
Quality = Literal[
    "dull_ache",
    "sharp_stabbing",
    "tightness",
    "pins_and_needles",
    "tingling",
    "numbness",
    "burning",
    "electric",
    "cramping_twitching",
]
TenderSpot = Literal["found_reproduces", "found_spreads", "found_but_different", "cannot_find", "not_tried"]
Imaging = Literal["xray", "mri", "ultrasound", "ct", "bone_scan", "nerve_test"]
ImagingResult = Literal["normal", "mild_wear", "pressing_nerve", "different_area", "clear_injury", "unknown"]
Trigger = Literal[
    "waistband_belt",
    "tight_laces_boots",
    "long_standing",
    "cycling",
    "squatting_kneeling",
    "leg_crossing",
    "hard_seat",
    "downhill_or_hip_extension",
]
Weakness = Literal["foot_slap", "tripping", "gives_way", "weak_push_off"]
YesNoUnsure = Literal["yes", "no", "not_sure"]
Site = Literal["neck", "upper_back", "mid_back", "low_back", "pelvis"]
Urgency = Literal["emergency", "urgent", "professional", "none"]
Band = Literal["not_enough", "unlikely", "possible", "likely"]

Intensity = Annotated[int, Field(ge=0, le=10)]

# C0 and C1 control characters (and DEL) other than tab and newline: invisible, and JSON
# writes each as a 6-byte \u escape. Free text drops them on the way in; line breaks
# written as CR LF or a lone CR become one newline.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_free_text(value: Any) -> Any:
    """Free text without control characters (older links and files that hold some still load)."""
    if not isinstance(value, str):
        return value
    return _CONTROLS.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def one_line(value: Any) -> Any:
    """Free text for a one-line field (a name): control characters dropped, line breaks made spaces."""
    cleaned = clean_free_text(value)
    return " ".join(cleaned.split()) if isinstance(cleaned, str) else cleaned


# Free text a person typed; the length limit applies once it is cleaned. (The validator
# comes last so it runs first, and the limit stays the string's own, with its own message.)
ShortText = Annotated[str, Field(max_length=500), BeforeValidator(clean_free_text)]
ShorterText = Annotated[str, Field(max_length=200), BeforeValidator(clean_free_text)]

# Check-ins are dated from 1990 (no journal kept in this app is older) to tomorrow (a
# person a time zone ahead of the server is already there); anything else is a typo or a
# forgery, and would overflow date arithmetic at the ends of the calendar.
EARLIEST_JOURNAL_DATE = dt.date(1990, 1, 1)


def latest_journal_date() -> dt.date:
    """The latest date a check-in may carry: tomorrow, by the server's clock."""
    return dt.date.today() + dt.timedelta(days=1)


MAX_CONTACT_CHARS = 254  # the longest address SMTP carries (RFC 5321)
MAX_CLIENT_CHARS = 40
# A plain email address: a dot-atom local part of the characters mail providers accept, and
# a domain of letter-digit-hyphen labels ending in a letter label (no IP literals, no quoted
# local parts). Nothing here can end a mailto: address or start a header (no ?, &, %, =,
# space, comma, quote or line break), so the address is safe in a mailto: link as it is.
_EMAIL = re.compile(
    r"^[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"
)


def check_contact(value: str) -> str:
    """``value`` as a contact address (trimmed), or ValueError saying what is wrong."""
    address = value.strip()
    if len(address) > MAX_CONTACT_CHARS:
        raise ValueError(f"an email address has at most {MAX_CONTACT_CHARS} characters")
    if not _EMAIL.fullmatch(address) or len(address.split("@", 1)[0]) > 64:
        raise ValueError("the contact must be a plain email address, such as name@clinic.example")
    return address


URGENCY_ORDER: dict[str, int] = {"none": 0, "professional": 1, "urgent": 2, "emergency": 3}


def _region_enum(schema: dict[str, Any]) -> None:
    """Publish the known region ids in the JSON Schema, so files can be checked without Python."""
    from nervetriage.content import load_content

    schema["enum"] = sorted(load_content().region_ids)


def _flag_enum(schema: dict[str, Any]) -> None:
    from nervetriage.content import load_content

    schema["enum"] = sorted(f.id for f in load_content().red_flags.flags)


def _mimic_enum(schema: dict[str, Any]) -> None:
    from nervetriage.content import load_content

    schema["enum"] = sorted(m.id for m in load_content().red_flags.mimics)


FlagId = Annotated[str, Field(max_length=60, json_schema_extra=_flag_enum)]
MimicId = Annotated[str, Field(max_length=60, json_schema_extra=_mimic_enum)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=True)


class RegionPain(_Strict):
    """One painful area: a region id from content/regions.yaml, a side and 0-10 intensity.

    ``intensity`` is None while the person has not rated it: an area a clinic marked in
    advance (``from_clinic``) arrives unrated, so no strength is claimed that nobody gave.
    """

    region: str = Field(max_length=60, json_schema_extra=_region_enum)
    side: Side
    intensity: Intensity | None = 5
    from_clinic: bool = False

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        from nervetriage.content import load_content

        if value not in load_content().region_ids:
            raise ValueError(f"unknown region {excerpt(value, 24)}")
        return value


class SiteReport(_Strict):
    """A site along the nerve's course (neck to pelvis) that is stiff or painful."""

    site: Site
    stiffness: bool = False
    pain: bool = False


class Sign1(_Strict):
    """No response to conventional care."""

    treatments: dict[Treatment, Outcome] = Field(default_factory=dict)
    returns_when_running: bool | None = None


class Sign2(_Strict):
    """What the symptoms feel like, and whether an odd-feeling patch can be outlined."""

    qualities: list[Quality] | None = None
    outline_patch: bool | None = None

    @field_validator("qualities")
    @classmethod
    def _unique(cls, value: list[Quality] | None) -> list[Quality] | None:
        return None if value is None else sorted(set(value))


class Sign3(_Strict):
    """Variable, out of proportion to load; the soft-tissue pattern counts against."""

    variability: Intensity | None = None
    same_run_differs: bool | None = None
    walk_worse_than_hard_run: bool | None = None
    moves_around: bool | None = None
    warms_up_pattern: bool | None = None
    triggers: list[Trigger] | None = None
    exertional: bool | None = None
    exertional_numb_or_slap: bool | None = None
    compartment_tight: bool | None = None
    cold_pale_foot: bool | None = None
    grows_run_by_run: bool | None = None

    @field_validator("triggers")
    @classmethod
    def _unique(cls, value: list[Trigger] | None) -> list[Trigger] | None:
        return None if value is None else sorted(set(value))


class Sign4(_Strict):
    """Whether a tender spot that reproduces the pain can be found."""

    self_press: TenderSpot | None = None
    therapist_press: TenderSpot | None = None
    tap_tingling: bool | None = None
    bone_tender: bool | None = None
    hop_pain: bool | None = None


class Sign5(_Strict):
    """Pain at rest: the article's strongest sign."""

    sitting: bool | None = None
    lying: bool | None = None
    night: bool | None = None
    rest_intensity: Intensity | None = None


class Sign6(_Strict):
    """Imaging that finds nothing, or only mild wear and tear."""

    imaging: list[Imaging] | None = None
    result: ImagingResult | None = None

    @field_validator("imaging")
    @classmethod
    def _unique(cls, value: list[Imaging] | None) -> list[Imaging] | None:
        return None if value is None else sorted(set(value))


class Slump(_Strict):
    """The optional seated slump self-check.

    Positive, as in the neurodynamic literature, when it brings on the person's familiar
    symptom and that symptom changes with the neck (structural differentiation); a
    difference from the other side supports it but is not required. It is negative only
    when it was done and brought on nothing familiar; anything in between is "partly"
    positive and counts for nothing either way.
    """

    done: bool = False
    familiar_symptom: bool = False
    changes_with_neck: bool = False
    differs_from_other_side: bool = False

    @property
    def positive(self) -> bool:
        return self.done and self.familiar_symptom and self.changes_with_neck

    @property
    def negative(self) -> bool:
        return self.done and not self.familiar_symptom


class Clues(_Strict):
    """Findings outside the article's six signs that the case reports needed (all optional)."""

    cough_sneeze: YesNoUnsure | None = None
    weakness: list[Weakness] | None = None
    calf_swollen: bool | None = None
    clot_risk: bool | None = None
    limp: bool | None = None

    @field_validator("weakness")
    @classmethod
    def _unique(cls, value: list[Weakness] | None) -> list[Weakness] | None:
        return None if value is None else sorted(set(value))


class Origin(_Strict):
    """Where these answers came from: an example case or a clinic's prepared link."""

    example: Annotated[str, BeforeValidator(clean_free_text), Field(max_length=60)] | None = None
    clinic: Annotated[str, BeforeValidator(clean_free_text), Field(max_length=80)] | None = None
    clinic_note: Annotated[str, BeforeValidator(clean_free_text), Field(max_length=500)] | None = None
    # Where the client may send the result back: an email address, checked by ``check_contact``.
    contact: Annotated[str, BeforeValidator(clean_free_text), Field(max_length=MAX_CONTACT_CHARS)] | None = None

    @field_validator("contact")
    @classmethod
    def _contact_is_an_address(cls, value: str | None) -> str | None:
        return None if value is None or not value else check_contact(value)


class JournalEntry(_Strict):
    """One weekly check-in of the recovery journal."""

    date: dt.date
    flare_ups: int = Field(ge=0, le=100)
    worst: Intensity
    typical: Intensity
    duration_minutes: int = Field(ge=0, le=10_080)
    running_minutes: int = Field(ge=0, le=10_080)
    helped: ShorterText = ""
    flared: ShorterText = ""
    note: ShortText = ""

    @field_validator("date")
    @classmethod
    def _sane_date(cls, value: dt.date) -> dt.date:
        earliest = EARLIEST_JOURNAL_DATE
        if value < earliest:
            raise ValueError(f"date {value.isoformat()} is before {earliest.isoformat()}, the earliest a check-in can be dated")
        latest = latest_journal_date()
        if value > latest:
            raise ValueError(f"date {value.isoformat()} is in the future (the latest allowed is {latest.isoformat()})")
        return value

    @model_validator(mode="after")
    def _typical_not_above_worst(self) -> JournalEntry:
        if self.typical > self.worst:
            raise ValueError("typical intensity cannot be above the worst intensity")
        return self


def migrate_answers(data: Any) -> Any:
    """Bring an older answers payload up to the current version (links and files both use it).

    Versions 1 and 2 -> 3: every older field and option still exists with the same meaning
    (a region without an intensity was, and is, rated 5), so only the number changes. A
    payload without a version is read as the current one. Unknown versions are left as they
    are, so validation names them.
    """
    version = data.get("version") if isinstance(data, dict) else None
    if isinstance(version, int) and not isinstance(version, bool) and version in KNOWN_VERSIONS and version < SCHEMA_VERSION:
        return {**data, "version": SCHEMA_VERSION}
    return data


class Answers(_Strict):
    """Everything the person told us. The one source of truth for pages, links and files."""

    version: Literal[3] = SCHEMA_VERSION
    regions: list[RegionPain] = Field(default_factory=list, max_length=80)
    sites: list[SiteReport] = Field(default_factory=list, max_length=5)
    duration: Duration | None = None
    onset: Onset | None = None
    sign1: Sign1 = Field(default_factory=Sign1)
    sign2: Sign2 = Field(default_factory=Sign2)
    sign3: Sign3 = Field(default_factory=Sign3)
    sign4: Sign4 = Field(default_factory=Sign4)
    sign5: Sign5 = Field(default_factory=Sign5)
    sign6: Sign6 = Field(default_factory=Sign6)
    neck_changes_legs: YesNoUnsure | None = None
    clues: Clues = Field(default_factory=Clues)
    slump: Slump | None = None
    red_flags: list[FlagId] | None = Field(default=None, max_length=60)
    mimics: list[MimicId] | None = Field(default=None, max_length=60)
    note: ShortText = ""
    # The client's name or initials, if they choose to give them (for the clinic's records).
    client: Annotated[str, Field(max_length=MAX_CLIENT_CHARS), BeforeValidator(one_line)] = ""
    # The day these answers were sent on (stamped on a results link, an answers file or a PDF),
    # so the clinician sees when the client answered, not when the link was opened.
    dated: dt.date | None = None
    origin: Origin | None = None
    journal: list[JournalEntry] = Field(default_factory=list, max_length=520)

    @model_validator(mode="before")
    @classmethod
    def _migrate(cls, data: Any) -> Any:
        return migrate_answers(data)

    @field_validator("dated")
    @classmethod
    def _sane_dated(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and not EARLIEST_JOURNAL_DATE <= value <= latest_journal_date():
            raise ValueError(f"the date sent, {value.isoformat()}, is not between 1990 and tomorrow")
        return value

    @field_validator("regions")
    @classmethod
    def _one_entry_per_region_side(cls, value: list[RegionPain]) -> list[RegionPain]:
        seen: set[tuple[str, str]] = set()
        for item in value:
            key = (item.region, item.side)
            if key in seen:
                raise ValueError(f"region {item.region!r} ({item.side}) is listed twice")
            seen.add(key)
        return value

    @field_validator("journal")
    @classmethod
    def _one_check_in_per_date(cls, value: list[JournalEntry]) -> list[JournalEntry]:
        # Messages about outside input are clipped, so the first clash and its date come first.
        first: dict[dt.date, int] = {}
        clashes = []
        for number, entry in enumerate(value, start=1):
            if entry.date in first:
                clashes.append(f"check-ins {first[entry.date]} and {number} share the date {entry.date.isoformat()}")
            else:
                first[entry.date] = number
        if clashes:
            more = f" (and {len(clashes) - 1} more)" if len(clashes) > 1 else ""
            raise ValueError(f"{clashes[0]}{more}; the journal keeps one per date")
        return value

    @field_validator("sites")
    @classmethod
    def _one_entry_per_site(cls, value: list[SiteReport]) -> list[SiteReport]:
        names = [s.site for s in value]
        if len(names) != len(set(names)):
            raise ValueError("a site along the nerve is listed twice")
        return value

    @field_validator("red_flags")
    @classmethod
    def _known_flags(cls, value: list[str] | None) -> list[str] | None:
        from nervetriage.content import load_content

        if value is None:
            return None
        known = {f.id for f in load_content().red_flags.flags}
        for flag in value:
            if flag not in known:
                raise ValueError(f"unknown red flag {excerpt(flag, 24)}")
        return sorted(set(value))

    @field_validator("mimics")
    @classmethod
    def _known_mimics(cls, value: list[str] | None) -> list[str] | None:
        from nervetriage.content import load_content

        if value is None:
            return None
        known = {m.id for m in load_content().red_flags.mimics}
        for mimic in value:
            if mimic not in known:
                raise ValueError(f"unknown mimic {excerpt(mimic, 24)}")
        return sorted(set(value))


# --------------------------------------------------------------------------- results


class SignResult(BaseModel):
    """How one of the six signs moved the score, in plain words."""

    number: int
    title: str
    answered: bool
    points: float
    max_points: float
    reasons: list[str] = Field(default_factory=list)


class Adjustment(BaseModel):
    """A modifier outside the six signs (neck, slump, crimps, coherence) or counter-evidence."""

    id: str
    label: str
    points: float
    reason: str


class SuspectedNerve(BaseModel):
    """A nerve whose territory covers painful regions, with the regions and reasons, for the map and report."""

    id: str
    name: str
    roots: str
    weight: float
    sides: list[Side]
    regions: list[str]
    reasons: list[str]


class TriggeredFlag(BaseModel):
    """A red flag, mimic or risky combination the answers raised, with what to do about it.

    ``inferred`` alerts were not ticked: other answers together raise them, and ``reason``
    says which."""

    id: str
    kind: Literal["red_flag", "mimic", "combination", "inferred"]
    level: Urgency
    title: str
    action: str
    source: str
    reason: str = ""
    timeframe: str = ""


class NextStep(BaseModel):
    """One piece of advice that fits this result and these answers."""

    id: str
    title: str
    text: str


class AppliedFinding(BaseModel):
    """One piece of evidence that moved the odds: its likelihood ratio (after correlated
    findings were discounted), the points shown (10 x ln LR), why, and how well it is known."""

    id: str
    sign: int | None
    label: str
    lr: float
    points: float
    reason: str
    evidence: Literal["measured", "derived", "expert"]
    source: str


class DecidingQuestion(BaseModel):
    """An unanswered question that could change the result most, and the step that asks it."""

    field: str
    page: str
    label: str


class Assessment(BaseModel):
    """The explained result of ``assess``. Urgency, when not "none", outranks the band."""

    score: int = Field(ge=0, le=100)
    band: Band
    band_label: str
    band_meaning: str
    log_odds: float
    prior: float
    coverage: float = Field(ge=0, le=1)
    coverage_needed: float
    deciding: list[DecidingQuestion]
    findings: list[AppliedFinding]
    signs: list[SignResult]
    modifiers: list[Adjustment]
    counter_evidence: list[Adjustment]
    nerves: list[SuspectedNerve]
    sites: list[Site]
    coherent: bool | None
    coherence_reason: str
    red_flags: list[TriggeredFlag]
    urgency: Urgency
    urgency_message: str
    # An emergency or urgent answer: the result is only about getting care (no band, score
    # or self-care anywhere it is shown).
    urgent_only: bool = False
    handover: list[str] = Field(default_factory=list)  # what to tell the clinician
    next_steps: list[NextStep] = Field(default_factory=list)
    avoid: list[str] = Field(default_factory=list)
    unanswered: list[int]
    partial: bool
    caveats: list[str]
    origin: Origin | None = None
