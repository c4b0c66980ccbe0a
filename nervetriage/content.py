"""Clinical content as validated data.

Everything a physiotherapist may want to correct (questions, weights, regions, nerves,
red flags, advice) lives in ``content/`` as YAML or Markdown. This module describes its
shape and refuses content that does not fit, naming the file and the field.
"""

from __future__ import annotations

import functools
import string
import types
import typing
from collections import Counter
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"

Level = Literal["emergency", "urgent", "professional"]


class ContentError(ValueError):
    """Raised when a content file is missing, unreadable or does not validate."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ----------------------------------------------------------------------- sources


class Source(_Model):
    id: str
    citation: str
    url: str = ""


class SourcesFile(_Model):
    sources: list[Source]


# ----------------------------------------------------------------------- questions


class Question(_Model):
    """One widget's worth of question. ``field`` is a dotted path into ``Answers``."""

    field: str
    kind: Literal["checkbox", "rating", "choice", "multi", "yesno", "outcomes"]
    label: str
    help: str = ""
    options: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _options_for_choices(self) -> Question:
        if self.kind in ("choice", "multi", "outcomes") and not self.options:
            raise ValueError(f"question {self.field!r} of kind {self.kind} needs options")
        return self


class Sign(_Model):
    number: int = Field(ge=1, le=6)
    title: str  # the sign as the article states it (results, reports)
    question: str  # the page's heading: what the page asks, not the answer it looks for
    short: str
    explanation: str
    source: str
    questions: list[Question]


class SignsFile(_Model):
    signs: list[Sign]

    @model_validator(mode="after")
    def _six_signs(self) -> SignsFile:
        numbers = sorted(s.number for s in self.signs)
        if numbers != [1, 2, 3, 4, 5, 6]:
            raise ValueError(f"signs must be numbered 1 to 6 once each, found {numbers}")
        return self


class FollowUp(_Model):
    """A question that only matters once another is answered a certain way."""

    field: str
    after: Condition


class QuestionsFile(_Model):
    """Questions outside the six signs: how it started, the neck, the slump check."""

    steps: dict[str, list[Question]]
    follow_ups: list[FollowUp] = Field(default_factory=list)
    slump_gate: list[str]
    slump_steps: list[str]
    slump_criteria: list[Question]
    source: str = "uhan"


def _literal_values(annotation: Any) -> set[str]:
    """Every Literal value reachable in a type (dict keys only, not values), to check options."""
    origin = typing.get_origin(annotation)
    if origin is Literal:
        return {str(v) for v in typing.get_args(annotation)}
    args = typing.get_args(annotation)
    if origin is dict:
        args = args[:1]
    found: set[str] = set()
    for arg in args:
        found |= _literal_values(arg)
    return found


def _unwrap_model(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside ``Model`` or ``Model | None``, if any."""
    candidates = [annotation]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        candidates = list(typing.get_args(annotation))
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def check_question_field(question: Question) -> str | None:
    """Why a question's ``field`` does not name an Answers field (or its options do not fit), else None."""
    from nervetriage.models import Answers

    model: type[BaseModel] | None = Answers
    annotation: Any = None
    for part in question.field.split("."):
        if model is None or part not in model.model_fields:
            return f"question field {question.field!r} is not a field of the answers"
        annotation = model.model_fields[part].annotation
        model = _unwrap_model(annotation)
    allowed = _literal_values(annotation)
    if question.options and allowed:
        unknown = sorted(set(question.options) - allowed)
        if unknown:
            return f"question {question.field!r} has options {unknown} that the answers do not accept"
    return None


# ----------------------------------------------------------------------- anatomy


class AlsoConsider(_Model):
    nerve: str
    reason: str
    source: str


class Region(_Model):
    """A painful area. ``nerves`` supply its skin and are the usual sources; ``also_consider``
    adds less specific ones; ``not_listed`` explains why a nerve someone may expect (the
    article's table names it) is not ranked here, because it has no skin in this area."""

    id: str
    label: str
    area: Literal["back", "pelvis", "hip", "thigh", "knee", "leg", "ankle", "foot"]
    views: list[Literal["front", "back"]]
    nerves: list[str] = Field(min_length=1)
    also_consider: list[AlsoConsider] = Field(default_factory=list)
    not_listed: list[AlsoConsider] = Field(default_factory=list)
    dermatomes: list[str] = Field(default_factory=list)
    source: str


class SiteInfo(_Model):
    id: Literal["neck", "upper_back", "mid_back", "low_back", "pelvis"]
    label: str
    explanation: str
    landmark: str
    source: str


class RegionsFile(_Model):
    regions: list[Region]
    sites: list[SiteInfo]


class Landmark(_Model):
    id: str
    label: str


class Nerve(_Model):
    id: str
    name: str
    roots: str
    family: str
    side_specific: bool = True
    course: list[str] = Field(min_length=2)
    course_text: str
    skin: str
    hotspots: str
    sitting_compression: bool = False
    # Answers that point at this nerve in particular (trigger, onset or weakness ids, and
    # "cough_sneeze" / "exertional_numb_or_slap"); used to rank, never to score.
    provoked_by: list[str] = Field(default_factory=list)
    # The nerve this one branches from (a trunk gets part of its branches' credit).
    parent: str | None = None
    # This entry also stands for its spinal roots: spine findings (low back pain or
    # stiffness, cough or sneeze) rank it higher.
    root_nerve: bool = False
    source: str


PROVOKERS: frozenset[str] = frozenset(
    {
        "waistband_belt", "tight_laces_boots", "long_standing", "cycling", "squatting_kneeling", "leg_crossing", "hard_seat",
        "downhill_or_hip_extension", "after_sprain", "after_fall", "woke_up_with_it", "foot_slap", "tripping", "gives_way",
        "weak_push_off", "cough_sneeze", "exertional_numb_or_slap", "sitting",
    }
)


class NervesFile(_Model):
    landmarks: list[Landmark]
    nerves: list[Nerve]


# ----------------------------------------------------------------------- evidence


FIELD_TESTS = ("equals", "has", "has_any", "at_least")
ANSWERS_TESTS = ("regions_any", "both_sides_any", "sites_any")


class Condition(_Model):
    """A test on one answer: ``field`` is a dotted path into Answers (or a list of paths,
    any of which may match). Exactly one of the tests is given."""

    field: str | list[str] | None = None
    equals: bool | int | str | None = None
    has: str | None = None
    has_any: list[str] | None = None
    at_least: float | None = None
    regions_any: list[str] | None = None
    both_sides_any: list[str] | None = None
    sites_any: list[str] | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        self.check_one_test()
        return self

    def check_one_test(self) -> None:
        tests = [t for t in (*FIELD_TESTS, *ANSWERS_TESTS) if getattr(self, t) is not None]
        if len(tests) != 1:
            raise ValueError(f"a condition needs exactly one test, found {tests or 'none'}")
        if (self.field is None) != (tests[0] in ANSWERS_TESTS):
            raise ValueError(f"a condition needs a field, except the tests {sorted(ANSWERS_TESTS)}, which must not have one")

    @functools.cached_property
    def fields(self) -> tuple[str, ...]:
        if self.field is None:
            return ()
        return (self.field,) if isinstance(self.field, str) else tuple(self.field)


COMPUTED_FINDINGS: frozenset[str] = frozenset(
    {
        "treatments_failed", "treatments_worse", "treatments_short_relief", "treatments_helped", "no_rest_pain",
        "slump_positive", "slump_negative", "sites", "coherent", "incoherent", "bilateral_soreness",
    }
)


class Finding(Condition):
    """One piece of evidence and its likelihood ratio. See content/evidence.yaml."""

    id: str
    sign: int | None = Field(default=None, ge=1, le=6)
    label: str
    computed: str | None = None
    sens: float | None = Field(default=None, gt=0, lt=1)
    spec: float | None = Field(default=None, gt=0, lt=1)
    lr: float | None = Field(default=None, gt=0)
    absent_lr: float | None = Field(default=None, gt=0)
    cap: int = Field(default=1, ge=1)
    group: str | None = None
    unless: list[Condition] = Field(default_factory=list)
    requires_scan: bool = False
    reason: str
    absent_reason: str = ""
    evidence: Literal["measured", "derived", "expert"]
    source: str

    @model_validator(mode="after")
    def _one_test(self) -> Finding:
        if self.computed is not None:
            if self.computed not in COMPUTED_FINDINGS:
                raise ValueError(f"finding {self.id!r}: unknown computed finding {self.computed!r}")
            if self.field is not None:
                raise ValueError(f"finding {self.id!r}: a computed finding has no field")
        else:
            self.check_one_test()
        has_study = self.sens is not None and self.spec is not None
        if (self.sens is None) != (self.spec is None):
            raise ValueError(f"finding {self.id!r}: give both sens and spec, or neither")
        if has_study == (self.lr is not None):
            raise ValueError(f"finding {self.id!r}: give either sens and spec, or lr")
        if has_study and self.absent_lr is not None:
            raise ValueError(f"finding {self.id!r}: absent_lr comes from sens and spec; do not give both")
        return self

    @property
    def lr_present(self) -> float:
        if self.sens is not None and self.spec is not None:
            return self.sens / (1 - self.spec)
        assert self.lr is not None
        return self.lr

    @property
    def lr_absent(self) -> float | None:
        if self.sens is not None and self.spec is not None:
            return (1 - self.sens) / self.spec
        return self.absent_lr


class EvidenceGroup(_Model):
    absent_field: str | None = None
    absent_lr: float | None = Field(default=None, gt=0)
    absent_reason: str = ""
    evidence: Literal["measured", "derived", "expert"]
    source: str


class Prior(_Model):
    probability: float = Field(gt=0, lt=1)
    source: str


class Coverage(_Model):
    threshold: float = Field(ge=0, le=1)
    min_answers: int = Field(ge=0)
    leaning: int = Field(ge=0, le=100)
    deciding: int = Field(ge=1, le=10)


class EvidenceFile(_Model):
    prior: Prior
    coverage: Coverage
    group_share: float = Field(gt=0, le=1)
    groups: dict[str, EvidenceGroup]
    findings: list[Finding]
    source: str

    @model_validator(mode="after")
    def _groups_known(self) -> EvidenceFile:
        problems = [f"finding {f.id!r}: unknown group {f.group!r}" for f in self.findings if f.group and f.group not in self.groups]
        twice = sorted(i for i, n in Counter(f.id for f in self.findings).items() if n > 1)
        if twice:
            problems.append(f"findings listed twice {twice}")
        if problems:
            raise ValueError("; ".join(problems))
        return self


class InferredAlert(_Model):
    """A flag or mimic raised from other answers: every condition in ``all`` and at least
    one in ``any`` (when given) must hold."""

    id: str
    all: list[Condition] = Field(default_factory=list)
    any: list[Condition] = Field(default_factory=list)
    reason: str
    source: str


# ----------------------------------------------------------------------- safety


class Flag(_Model):
    id: str
    level: Level
    title: str
    question: str
    action: str
    timeframe: str  # the one time frame its action gives ("now", "within 24 hours", ...)
    source: str

    @model_validator(mode="after")
    def _action_says_its_timeframe(self) -> Flag:
        if self.timeframe.lower() not in self.action.lower():
            raise ValueError(f"{self.id}: the action must say its time frame {self.timeframe!r}")
        return self


class Combination(_Model):
    id: str
    level: Level
    title: str
    action: str
    timeframe: str
    requires_night_pain: bool = True
    any_of: list[str]
    source: str


class SafetyGroup(_Model):
    """One yes/no question of the safety check, with the flags and mimics it stands for."""

    id: str
    question: str
    covers: str  # the items in a few plain words, shown under the question
    items: list[str] = Field(min_length=1)


class RedFlagsFile(_Model):
    intro: str
    flags: list[Flag]
    mimics: list[Flag]
    groups: list[SafetyGroup]
    combinations: list[Combination]
    night_pain_flags: list[str] = Field(default_factory=list)
    inferred: list[InferredAlert] = Field(default_factory=list)
    timeframe_order: list[str]
    urgency_messages: dict[Literal["emergency", "urgent", "professional", "none"], str]

    @model_validator(mode="after")
    def _each_item_in_one_group(self) -> RedFlagsFile:
        grouped = [item for group in self.groups for item in group.items]
        known = [f.id for f in (*self.flags, *self.mimics)]
        twice = sorted({i for i in grouped if grouped.count(i) > 1})
        missing = sorted(set(known) - set(grouped))
        unknown = sorted(set(grouped) - set(known))
        if twice or missing or unknown:
            raise ValueError(f"safety groups: in two groups {twice}, in none {missing}, unknown {unknown}")
        return self

    def group(self, group_id: str) -> SafetyGroup:
        return next(g for g in self.groups if g.id == group_id)

    def group_of(self, item_id: str) -> SafetyGroup:
        """The safety group that asks about the flag or mimic ``item_id``."""
        return next(g for g in self.groups if item_id in g.items)


class EmergencyNumber(_Model):
    id: str
    label: str
    number: str = Field(pattern=r"^[0-9]{2,4}$")


class EmergencyFile(_Model):
    source: str
    default: str
    numbers: list[EmergencyNumber]

    @model_validator(mode="after")
    def _default_listed(self) -> EmergencyFile:
        if self.default not in {n.id for n in self.numbers}:
            raise ValueError(f"default {self.default!r} is not one of the numbers")
        return self


# ----------------------------------------------------------------------- scoring & advice


class BandInfo(_Model):
    id: Literal["not_enough", "unlikely", "possible", "likely"]
    min_score: int = Field(ge=0, le=100)
    label: str
    meaning: str


_PLAIN_TEXTS = [
    "sign1_nothing", "no_sensations", "sign3_nothing", "sign4_nothing", "sign4_neutral", "sign5_nothing", "no_scans", "scan_elsewhere",
    "scan_unknown", "no_regions", "sides_differ", "no_shared_nerve", "nerve_sitting", "nerve_spine", "safety_unanswered",
    "night_safety_unanswered", "both_sides", "whole_body", "acute_rest_pain", "after_fall", "not_enough",
    "question_regions", "question_sites", "question_slump",
]
# Every sentence the scorer writes, with the {placeholders} it fills in.
SCORING_TEXTS: dict[str, frozenset[str]] = {
    **dict.fromkeys(_PLAIN_TEXTS, frozenset()),
    **dict.fromkeys(
        ["fits_one_nerve", "nerve_provoked", "tell_flags", "tell_reasons", "tell_where", "tell_duration", "tell_onset"],
        frozenset({"names"}),
    ),
    "nerve_usual": frozenset({"region"}),
    "nerve_branch": frozenset({"region", "branch"}),
    "nerve_and_branches": frozenset({"name"}),
    "nerve_also": frozenset({"region", "reason"}),
    "unanswered": frozenset({"signs"}),
    "unanswered_one": frozenset({"signs"}),
}


def _placeholders(template: str) -> set[str] | None:
    """The {names} a template uses, or None when its braces are malformed."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError:
        return None


class ScoringFile(_Model):
    bands: list[BandInfo]
    caveats: list[Caveat]
    texts: dict[str, str]
    source: str

    @model_validator(mode="after")
    def _bands_start_at_zero(self) -> ScoringFile:
        graded = sorted((b for b in self.bands if b.id != "not_enough"), key=lambda b: b.min_score)
        if [b.id for b in graded] != ["unlikely", "possible", "likely"] or graded[0].min_score != 0:
            raise ValueError("bands must be unlikely (from 0), possible, likely in rising order, plus not_enough")
        if sum(b.id == "not_enough" for b in self.bands) != 1:
            raise ValueError("bands must include not_enough once")
        if len({b.min_score for b in graded}) != len(graded):
            raise ValueError("bands must start at different scores")
        problems = []
        missing_texts = set(SCORING_TEXTS) - set(self.texts)
        if missing_texts:
            problems.append(f"texts miss {sorted(missing_texts)}")
        unknown_texts = set(self.texts) - set(SCORING_TEXTS)
        if unknown_texts:
            problems.append(f"texts has unknown {sorted(unknown_texts)}")
        for key, template in self.texts.items():
            if key in SCORING_TEXTS and _placeholders(template) != SCORING_TEXTS[key]:
                wanted = ", ".join("{" + p + "}" for p in sorted(SCORING_TEXTS[key])) or "no {placeholders}"
                problems.append(f"texts.{key} must use {wanted}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def text(self, key: str, **values: object) -> str:
        """One of the scorer's sentences, with its placeholders filled in."""
        return self.texts[key].format(**values)


BandId = Literal["not_enough", "unlikely", "possible", "likely"]
GRADED_BANDS: tuple[BandId, ...] = ("unlikely", "possible", "likely")


class When(_Model):
    """When a next step or caveat applies: the bands it fits, the most urgent result it may
    appear beside, and answers it needs (all ``requires`` hold) or rules out (no ``excludes``
    holds). An unanswered condition is not met. No self-care ever sits beside an urgent or
    emergency result, and none beside "not enough answers yet" unless it says so."""

    bands: list[BandId] = Field(default_factory=lambda: list(GRADED_BANDS))
    max_urgency: Literal["none", "professional", "urgent", "emergency"] = "professional"
    requires: list[Condition] = Field(default_factory=list)
    excludes: list[Condition] = Field(default_factory=list)


class Advice(_Model):
    id: str
    title: str
    text: str
    when: When = Field(default_factory=When)
    source: str


class Caution(_Model):
    """One line of the "go easy on" list, with when it applies."""

    text: str
    when: When = Field(default_factory=When)


class AdviceFile(_Model):
    advice: list[Advice]
    avoid_while_sensitive: list[Caution]
    avoid_when: When
    source: str


class Caveat(_Model):
    id: str
    text: str
    when: When = Field(default_factory=lambda: When(bands=["not_enough", *GRADED_BANDS], max_urgency="emergency"))


# ----------------------------------------------------------------------- the whole


class Content(_Model):
    sources: list[Source]
    signs: list[Sign]
    questions: QuestionsFile
    regions: list[Region]
    sites: list[SiteInfo]
    landmarks: list[Landmark]
    nerves: list[Nerve]
    red_flags: RedFlagsFile
    scoring: ScoringFile
    evidence: EvidenceFile
    advice: AdviceFile
    emergency: EmergencyFile
    learn_markdown: str

    @property
    def region_ids(self) -> frozenset[str]:
        return frozenset(r.id for r in self.regions)

    def region(self, region_id: str) -> Region:
        return next(r for r in self.regions if r.id == region_id)

    def nerve(self, nerve_id: str) -> Nerve:
        return next(n for n in self.nerves if n.id == nerve_id)

    def sign(self, number: int) -> Sign:
        return next(s for s in self.signs if s.number == number)

    @model_validator(mode="after")
    def _cross_references(self) -> Content:
        source_ids = {s.id for s in self.sources}
        nerve_ids = {n.id for n in self.nerves}
        landmark_ids = {lm.id for lm in self.landmarks}
        problems: list[str] = []

        def need_source(where: str, source: str) -> None:
            for part in source.split(","):
                if part.strip() not in source_ids:
                    problems.append(f"{where}: unknown source {part.strip()!r}")

        for sign in self.signs:
            need_source(f"signs.yaml sign {sign.number}", sign.source)
        for region in self.regions:
            need_source(f"regions.yaml region {region.id}", region.source)
            for nerve_id in region.nerves:
                if nerve_id not in nerve_ids:
                    problems.append(f"regions.yaml region {region.id}: unknown nerve {nerve_id!r}")
            for extra in [*region.also_consider, *region.not_listed]:
                need_source(f"regions.yaml region {region.id} also_consider", extra.source)
                if extra.nerve not in nerve_ids:
                    problems.append(f"regions.yaml region {region.id}: unknown nerve {extra.nerve!r}")
            ranked = set(region.nerves) | {a.nerve for a in region.also_consider}
            for extra in region.not_listed:
                if extra.nerve in ranked:
                    problems.append(f"regions.yaml region {region.id}: nerve {extra.nerve!r} is both ranked and not_listed")
        for site in self.sites:
            need_source(f"regions.yaml site {site.id}", site.source)
            if site.landmark not in landmark_ids:
                problems.append(f"regions.yaml site {site.id}: unknown landmark {site.landmark!r}")
        for nerve in self.nerves:
            need_source(f"nerves.yaml nerve {nerve.id}", nerve.source)
            for point in nerve.course:
                if point not in landmark_ids:
                    problems.append(f"nerves.yaml nerve {nerve.id}: unknown landmark {point!r}")
        flag_ids = {f.id for f in self.red_flags.flags}
        for item in [*self.red_flags.flags, *self.red_flags.mimics]:
            need_source(f"redflags.yaml {item.id}", item.source)
        for combo in self.red_flags.combinations:
            need_source(f"redflags.yaml combination {combo.id}", combo.source)
            for ref in combo.any_of:
                if ref not in flag_ids:
                    problems.append(f"redflags.yaml combination {combo.id}: unknown flag {ref!r}")
        frames = set(self.red_flags.timeframe_order)
        timed = [(f.id, f.timeframe) for f in [*self.red_flags.flags, *self.red_flags.mimics]]
        timed += [(c.id, c.timeframe) for c in self.red_flags.combinations]
        for item_id, frame in timed:
            if frame not in frames:
                problems.append(f"redflags.yaml {item_id}: time frame {frame!r} is not in timeframe_order")
        for ref in self.red_flags.night_pain_flags:
            if ref not in flag_ids:
                problems.append(f"redflags.yaml night_pain_flags: unknown flag {ref!r}")
        need_source("scoring.yaml", self.scoring.source)
        need_source("evidence.yaml", self.evidence.source)
        need_source("emergency.yaml", self.emergency.source)
        need_source("evidence.yaml prior", self.evidence.prior.source)
        for gid, group in self.evidence.groups.items():
            need_source(f"evidence.yaml group {gid}", group.source)
        region_ids = {r.id for r in self.regions}

        def check_condition(where: str, cond: Condition) -> None:
            for path in cond.fields:
                problem = check_question_field(Question(field=path, kind="checkbox", label=path))
                if problem:
                    problems.append(f"{where}: {problem}")
            for rid in [*(cond.regions_any or []), *(cond.both_sides_any or [])]:
                if rid not in region_ids:
                    problems.append(f"{where}: unknown region {rid!r}")

        for finding in self.evidence.findings:
            need_source(f"evidence.yaml finding {finding.id}", finding.source)
            check_condition(f"evidence.yaml finding {finding.id}", finding)
            for cond in finding.unless:
                check_condition(f"evidence.yaml finding {finding.id} unless", cond)
        mimic_ids = {m.id for m in self.red_flags.mimics}
        for alert in self.red_flags.inferred:
            need_source(f"redflags.yaml inferred {alert.id}", alert.source)
            if alert.id not in flag_ids | mimic_ids:
                problems.append(f"redflags.yaml inferred: unknown flag or mimic {alert.id!r}")
            for cond in [*alert.all, *alert.any]:
                check_condition(f"redflags.yaml inferred {alert.id}", cond)
        for nerve in self.nerves:
            unknown = sorted(set(nerve.provoked_by) - PROVOKERS)
            if unknown:
                problems.append(f"nerves.yaml nerve {nerve.id}: unknown provoked_by {unknown}")
        need_source("questions.yaml", self.questions.source)
        for advice in self.advice.advice:
            need_source(f"advice.yaml {advice.id}", advice.source)
        whens = [(f"advice.yaml {a.id}", a.when) for a in self.advice.advice]
        whens += [("advice.yaml avoid_when", self.advice.avoid_when)]
        whens += [(f"advice.yaml avoid_while_sensitive {i}", c.when) for i, c in enumerate(self.advice.avoid_while_sensitive)]
        whens += [(f"scoring.yaml caveat {c.id}", c.when) for c in self.scoring.caveats]
        for where, when in whens:
            for cond in [*when.requires, *when.excludes]:
                check_condition(where, cond)
        for where, ids in (
            ("sources.yaml sources", [s.id for s in self.sources]),
            ("regions.yaml regions", [r.id for r in self.regions]),
            ("regions.yaml sites", [s.id for s in self.sites]),
            ("nerves.yaml landmarks", [lm.id for lm in self.landmarks]),
            ("nerves.yaml nerves", [n.id for n in self.nerves]),
            ("redflags.yaml flags and mimics", [f.id for f in [*self.red_flags.flags, *self.red_flags.mimics]]),
            ("advice.yaml advice", [a.id for a in self.advice.advice]),
        ):
            twice = sorted(i for i, n in Counter(ids).items() if n > 1)
            if twice:
                problems.append(f"{where}: ids listed twice {twice}")
        for nerve in self.nerves:
            if nerve.parent is not None and nerve.parent not in nerve_ids:
                problems.append(f"nerves.yaml nerve {nerve.id}: parent {nerve.parent!r} is not a nerve id")
            if nerve.family not in nerve_ids:
                problems.append(f"nerves.yaml nerve {nerve.id}: family {nerve.family!r} is not a nerve id")
        questions = [(f"signs.yaml sign {sign.number}", q) for sign in self.signs for q in sign.questions]
        questions += [(f"questions.yaml steps.{step}", q) for step, qs in self.questions.steps.items() for q in qs]
        questions += [("questions.yaml slump_criteria", q) for q in self.questions.slump_criteria]
        for where, question in questions:
            problem = check_question_field(question)
            if problem:
                problems.append(f"{where}: {problem}")
        if problems:
            raise ValueError("; ".join(problems))
        return self


FILES: dict[str, str] = {
    "sources": "sources.yaml",
    "signs": "signs.yaml",
    "questions": "questions.yaml",
    "regions": "regions.yaml",
    "nerves": "nerves.yaml",
    "red_flags": "redflags.yaml",
    "scoring": "scoring.yaml",
    "evidence": "evidence.yaml",
    "advice": "advice.yaml",
    "emergency": "emergency.yaml",
}

_FILE_MODELS: dict[str, type[BaseModel]] = {
    "sources": SourcesFile,
    "signs": SignsFile,
    "questions": QuestionsFile,
    "regions": RegionsFile,
    "nerves": NervesFile,
    "red_flags": RedFlagsFile,
    "scoring": ScoringFile,
    "evidence": EvidenceFile,
    "advice": AdviceFile,
    "emergency": EmergencyFile,
}


def describe_content_error(error: ValidationError, filename: str) -> str:
    """One line per problem (the first ten), naming the file and the dotted field."""
    lines = []
    for item in error.errors()[:10]:
        where = ".".join(str(p) for p in item["loc"]) or "(top level)"
        lines.append(f"{filename}: field {where}: {item['msg']}")
    return "\n".join(lines)


def read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ContentError(f"{path.name}: file is missing") from exc
    except yaml.YAMLError as exc:
        raise ContentError(f"{path.name}: not valid YAML: {exc}") from exc


def load_content_from(directory: Path) -> Content:
    """Load and validate every content file in ``directory``."""
    parsed: dict[str, BaseModel] = {}
    for key, filename in FILES.items():
        raw = read_yaml(directory / filename)
        try:
            parsed[key] = _FILE_MODELS[key].model_validate(raw)
        except ValidationError as exc:
            raise ContentError(describe_content_error(exc, filename)) from exc
    learn = directory / "learn.md"
    if not learn.is_file():
        raise ContentError("learn.md: file is missing")
    regions = parsed["regions"]
    nerves = parsed["nerves"]
    assert isinstance(regions, RegionsFile) and isinstance(nerves, NervesFile)
    sources = parsed["sources"]
    signs = parsed["signs"]
    assert isinstance(sources, SourcesFile) and isinstance(signs, SignsFile)
    try:
        return Content(
            sources=sources.sources,
            signs=sorted(signs.signs, key=lambda s: s.number),
            questions=parsed["questions"],
            regions=regions.regions,
            sites=regions.sites,
            landmarks=nerves.landmarks,
            nerves=nerves.nerves,
            red_flags=parsed["red_flags"],
            scoring=parsed["scoring"],
            evidence=parsed["evidence"],
            advice=parsed["advice"],
            emergency=parsed["emergency"],
            learn_markdown=learn.read_text(encoding="utf-8"),
        )
    except ValidationError as exc:
        raise ContentError(describe_content_error(exc, "content cross-references")) from exc


@functools.cache
def load_content() -> Content:
    """The shipped content, loaded once per process."""
    return load_content_from(CONTENT_DIR)
