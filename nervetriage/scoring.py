"""Turn ``Answers`` into an explained ``Assessment``.

The model is content/evidence.yaml: the odds of nerve involvement start at a prior and
every answered finding multiplies them by its likelihood ratio. An unanswered question
adds nothing, and when too little is answered to say anything the band is "not enough
answers yet" rather than a verdict. This module only knows how each kind of answer is
tested; the figures, their sources and the sentences are content.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from nervetriage.content import Condition, Content, Finding, Flag, When, load_content
from nervetriage.models import (
    URGENCY_ORDER,
    Adjustment,
    Answers,
    AppliedFinding,
    Assessment,
    Band,
    DecidingQuestion,
    NextStep,
    RegionPain,
    Side,
    SignResult,
    SuspectedNerve,
    TriggeredFlag,
    Urgency,
)

NEURAL_QUALITIES = frozenset({"pins_and_needles", "tingling", "numbness", "burning", "electric"})
# Treatments that, per the article, ease nerve pain for a while too: "helped" only counts
# against a nerve when the pain does not come back on running again.
EASES_NERVE_PAIN_TOO = frozenset({"rest"})
POINTS_PER_LN = 10.0
UNRATED_INTENSITY = 5  # how an area a clinic marked, not yet rated by the person, is weighed (the form's default)

# The answer fields a computed finding reads, for coverage and for "which questions decide it".
COMPUTED_FIELDS: dict[str, tuple[str, ...]] = {
    "treatments_failed": ("sign1.treatments",),
    "treatments_worse": ("sign1.treatments",),
    "treatments_short_relief": ("sign1.treatments",),
    "treatments_helped": ("sign1.treatments",),
    "no_rest_pain": ("sign5.sitting", "sign5.lying", "sign5.night"),
    "slump_positive": ("slump",),
    "slump_negative": ("slump",),
    "sites": ("sites",),
    "coherent": ("regions",),
    "incoherent": ("regions",),
    "bilateral_soreness": ("regions",),
}


# --------------------------------------------------------------------- reading answers


@functools.lru_cache(maxsize=512)
def _parts(path: str) -> tuple[str, ...]:
    return tuple(path.split("."))


class Reader:
    """The answers, read by dotted path, each path looked up once per assessment."""

    __slots__ = ("_gates", "_seen", "_sides", "answers", "region_ids")

    def __init__(self, answers: Answers, content: Content | None = None) -> None:
        self.answers = answers
        self._seen: dict[str, Any] = {}
        # A follow-up question's answer is ignored once the question it follows is answered
        # the other way (the page hides it then), so a stale answer cannot count.
        follow_ups = (content or load_content()).questions.follow_ups
        self._gates = {f.field: f.after for f in follow_ups}
        self.region_ids = frozenset(r.region for r in answers.regions)
        self._sides: dict[str, set[str]] | None = None

    @property
    def sides(self) -> dict[str, set[str]]:
        if self._sides is None:
            self._sides = _sides_by_region(self.answers.regions)
        return self._sides

    def get(self, path: str) -> Any:
        try:
            return self._seen[path]
        except KeyError:
            gate = self._gates.get(path)
            closed = gate is not None and evaluate(gate, self) is False
            value = self._seen[path] = None if closed else get_path(self.answers, path)
            return value


def get_path(answers: Answers, path: str) -> Any:
    """The value at a dotted path into the answers (None when any step is missing)."""
    value: Any = answers
    for part in _parts(path):
        if value is None:
            return None
        value = getattr(value, part, None)
    return value


EMPTY_IS_UNANSWERED = frozenset({"regions", "sites", "sign1.treatments"})


def is_answered(value: Any, path: str = "") -> bool:
    """None is "not answered"; so are an empty treatments table, sites list or region list,
    which the pages cannot tell apart from "not reached yet". An empty list elsewhere is an
    explicit "none of these"."""
    if value is None:
        return False
    if path in EMPTY_IS_UNANSWERED or isinstance(value, dict):
        return bool(value)
    if hasattr(value, "done"):  # the slump check
        return bool(value.done)
    return True


def _matches(cond: Condition, value: Any) -> bool:
    if cond.equals is not None:
        return bool(value == cond.equals and type(value) is type(cond.equals))
    if cond.has is not None:
        return isinstance(value, list | tuple) and cond.has in value
    if cond.has_any is not None:
        return isinstance(value, list | tuple) and bool(set(cond.has_any) & set(value))
    if cond.at_least is not None:
        return isinstance(value, int | float) and not isinstance(value, bool) and value >= cond.at_least
    return False


def _sides_by_region(regions: Iterable[RegionPain]) -> dict[str, set[str]]:
    sides: dict[str, set[str]] = defaultdict(set)
    for pain in regions:
        sides[pain.region] |= {"left", "right"} if pain.side == "both" else {pain.side}
    return sides


def evaluate(cond: Condition, source: Answers | Reader) -> bool | None:
    """True or False when the condition's answer is given, None when it is not answered."""
    reader = source if isinstance(source, Reader) else Reader(source)
    answers = reader.answers
    if cond.regions_any is not None:
        return not reader.region_ids.isdisjoint(cond.regions_any) if answers.regions else None
    if cond.both_sides_any is not None:
        if not answers.regions:
            return None
        sides = reader.sides
        return any(sides.get(r, set()) == {"left", "right"} for r in cond.both_sides_any)
    if cond.sites_any is not None:
        return any(s.site in cond.sites_any and (s.pain or s.stiffness) for s in answers.sites) if answers.sites else None
    answered = False
    for path in cond.fields:
        value = reader.get(path)
        if not is_answered(value):
            continue
        answered = True
        if _matches(cond, value):
            return True
    return False if answered else None


def _label(content: Content, field: str, value: str) -> str:
    """The human label content gives an option, falling back to the raw value."""
    labels: dict[tuple[str, str], str] = _prepared(content)["labels"]
    return labels.get((field, value)) or value.replace("_", " ")


def _option_labels(content: Content) -> dict[tuple[str, str], str]:
    labels: dict[tuple[str, str], str] = {}
    for question in _all_questions(content):
        for value, label in question.options.items():
            labels.setdefault((question.field, value), label.lower())
    return labels


def _all_questions(content: Content) -> list[Any]:
    found = [q for sign in content.signs for q in sign.questions]
    found += [q for qs in content.questions.steps.values() for q in qs]
    return found + list(content.questions.slump_criteria)


# --------------------------------------------------------------------- anatomy


def is_bilateral(regions: list[RegionPain]) -> bool:
    """True when every painful region hurts on both sides (marked "both" or listed left and right)."""
    if not regions:
        return False
    return all(s == {"left", "right"} for s in _sides_by_region(regions).values())


def fits_one_nerve(regions: list[RegionPain], content: Content) -> tuple[bool | None, str]:
    """Whether the painful regions sit in one nerve family's territory, on one side."""
    t = content.scoring.text
    if not regions:
        return None, t("no_regions")
    side_set = {r.side for r in regions}
    if "both" in side_set or len(side_set) > 1:
        return False, t("sides_differ")
    nerve_by_id = {n.id: n for n in content.nerves}
    families: set[str] | None = None
    for region_id in dict.fromkeys(r.region for r in regions):
        region = content.region(region_id)
        ids = set(region.nerves) | {a.nerve for a in region.also_consider}
        fam = {nerve_by_id[n].family for n in ids}
        families = fam if families is None else families & fam
    if families:
        has_branches = {n.family for n in content.nerves if n.family != n.id}
        names = sorted(t("nerve_and_branches", name=nerve_by_id[f].name) if f in has_branches else nerve_by_id[f].name for f in families)
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
        return True, t("fits_one_nerve", names=listed)
    return False, t("no_shared_nerve")


def _provokers(answers: Answers, content: Content) -> dict[str, str]:
    """Answers that point at particular nerves (id -> the person's words for it)."""
    found: dict[str, str] = {}
    for trigger in answers.sign3.triggers or []:
        found[trigger] = _label(content, "sign3.triggers", trigger)
    for weak in answers.clues.weakness or []:
        found[weak] = _label(content, "clues.weakness", weak)
    if answers.onset in ("after_sprain", "after_fall", "woke_up_with_it"):
        found[answers.onset] = _label(content, "onset", answers.onset)
    if answers.clues.cough_sneeze == "yes":
        found["cough_sneeze"] = "cough or sneeze"
    if answers.sign3.exertional_numb_or_slap:
        found["exertional_numb_or_slap"] = "numbness or foot slap during runs"
    if answers.sign5.sitting:
        found["sitting"] = "sitting"
    return found


def _spine_evidence(answers: Answers) -> bool:
    low_back_site = any(s.site == "low_back" and (s.pain or s.stiffness) for s in answers.sites)
    low_back_region = any(r.region == "low_back" for r in answers.regions)
    return low_back_site or low_back_region or answers.clues.cough_sneeze == "yes"


def _region_credit(region_id: str, content: Content) -> list[tuple[str, float, str, float]]:
    """How one painful region credits nerves: (nerve, multiplier of the intensity factor, reason, specificity).

    Its usual nerves (its skin) count most, shared between them; "also consider" nerves
    less (a note on a usual nerve adds a reason, not weight); each ancestor of a usual
    nerve (a trunk) gets part of its credit, less the further up the tree.
    """
    t = content.scoring.text
    region = content.region(region_id)
    nerve_by_id = {n.id: n for n in content.nerves}
    order = {n.id: i for i, n in enumerate(content.nerves)}
    usual = list(region.nerves)
    plan: list[tuple[str, float, str, float]] = []
    for nerve_id in usual:
        share = 1 / len(usual)
        plan.append((nerve_id, 1.5 + share, t("nerve_usual", region=region.label), share))
    for extra in region.also_consider:
        plan.append((extra.nerve, 0.0 if extra.nerve in usual else 0.6, t("nerve_also", region=region.label, reason=extra.reason), 0.0))
    trunks: dict[str, tuple[float, str]] = {}
    for nerve_id in usual:
        parent, level = nerve_by_id[nerve_id].parent, 0.6
        while parent is not None and parent not in usual:
            if parent not in trunks or trunks[parent][0] < level:
                trunks[parent] = (level, nerve_by_id[nerve_id].name)
            parent, level = nerve_by_id[parent].parent, level * 0.6
    for trunk in sorted(trunks, key=order.__getitem__):
        level, branch = trunks[trunk]
        plan.append((trunk, level, t("nerve_branch", region=region.label, branch=branch.lower()), 0.0))
    return plan


def rank_nerves(regions: list[RegionPain], answers: Answers, content: Content) -> list[SuspectedNerve]:
    """Rank nerves by how much of the painful area they explain and how specifically.

    A region's usual nerves (its skin) count most, shared between them; "also consider"
    nerves count less; a trunk gets part of its branches' credit. A nerve that explains
    every painful area gets a bonus; what brings the pain on and spine findings add to the
    nerves they point at. Ties go to the nerve with more specific evidence, then the
    shorter course (the more local explanation), never to the name.
    """
    t = content.scoring.text
    ready = _prepared(content)
    nerve_by_id, order = ready["nerve_by_id"], ready["nerve_order"]
    weight: dict[str, float] = defaultdict(float)
    specific: dict[str, float] = defaultdict(float)
    explains: dict[str, set[str]] = defaultdict(set)
    reasons: dict[str, dict[str, None]] = defaultdict(dict)
    where: dict[str, dict[str, None]] = defaultdict(dict)
    sides: dict[str, set[Side]] = defaultdict(set)

    def credit(nerve_id: str, region_id: str, side: Side, amount: float, reason: str, spec: float = 0.0) -> None:
        weight[nerve_id] += amount
        specific[nerve_id] += spec
        explains[nerve_id].add(region_id)
        where[nerve_id][region_id] = None
        sides[nerve_id].add(side)
        reasons[nerve_id][reason] = None

    plans = ready["region_credit"]
    for pain in regions:
        # an area not rated yet (a clinic marked it) counts as a middling one: a missing
        # rating is neither evidence for nor against the nerves that supply it
        factor = 0.5 + (pain.intensity if pain.intensity is not None else UNRATED_INTENSITY) / 10
        for nerve_id, multiplier, reason, spec in plans[pain.region]:
            credit(nerve_id, pain.region, pain.side, multiplier * factor, reason, spec)

    painful = {p.region for p in regions}
    provokers = _provokers(answers, content)
    spine = _spine_evidence(answers)
    for nerve_id in list(weight):
        nerve = nerve_by_id[nerve_id]
        if painful:
            weight[nerve_id] += 2.0 * len(explains[nerve_id]) / len(painful)
        matched = [provokers[p] for p in nerve.provoked_by if p in provokers]
        if matched:
            weight[nerve_id] += min(len(matched), 3) * 0.8
            specific[nerve_id] += 0.1 * len(matched)
            reasons[nerve_id][t("nerve_provoked", names=", ".join(matched))] = None
        if spine and nerve.root_nerve:
            weight[nerve_id] += 1.5
            reasons[nerve_id][t("nerve_spine")] = None
        if answers.sign5.sitting and nerve.sitting_compression:
            weight[nerve_id] += 0.5
            reasons[nerve_id][t("nerve_sitting")] = None

    ranked = sorted(weight, key=lambda n: (-round(weight[n], 6), -specific[n], len(nerve_by_id[n].course), order[n]))
    result = []
    for nerve_id in ranked:
        nerve = nerve_by_id[nerve_id]
        side_set = sides[nerve_id]
        side_list: list[Side] = ["both"] if "both" in side_set or {"left", "right"} <= side_set else sorted(side_set)
        result.append(
            SuspectedNerve.model_construct(
                id=nerve.id,
                name=nerve.name,
                roots=nerve.roots,
                weight=round(weight[nerve_id], 2),
                sides=side_list,
                regions=list(where[nerve_id]),
                reasons=list(reasons[nerve_id]),
            )
        )
    return result


# --------------------------------------------------------------------- safety


def _flag_info(content: Content, flag_id: str) -> tuple[str, Any]:
    for flag in content.red_flags.flags:
        if flag.id == flag_id:
            return "red_flag", flag
    return "mimic", next(m for m in content.red_flags.mimics if m.id == flag_id)


def screen_safety(source: Answers | Reader, content: Content) -> list[TriggeredFlag]:
    """Red flags and mimics ticked or inferred from other answers, and risky combinations, most urgent first."""
    reader = source if isinstance(source, Reader) else Reader(source, content)
    answers = reader.answers
    found: dict[str, TriggeredFlag] = {}
    chosen = set(answers.red_flags or [])
    mimics = set(answers.mimics or [])
    ticked_kinds: tuple[tuple[Literal["red_flag", "mimic"], list[Flag], set[str]], ...] = (
        ("red_flag", content.red_flags.flags, chosen),
        ("mimic", content.red_flags.mimics, mimics),
    )
    for kind, items, ticked in ticked_kinds:
        for item in items:
            if item.id in ticked:
                found[item.id] = TriggeredFlag.model_construct(
                    id=item.id, kind=kind, level=item.level, title=item.title, action=item.action, source=item.source,
                    timeframe=item.timeframe,
                )
    for rule in content.red_flags.inferred:
        if rule.id in found:
            continue
        if not all(evaluate(c, reader) for c in rule.all):
            continue
        if rule.any and not any(evaluate(c, reader) for c in rule.any):
            continue
        _, item = _flag_info(content, rule.id)
        found[rule.id] = TriggeredFlag.model_construct(
            id=rule.id, kind="inferred", level=item.level, title=item.title, action=item.action, source=rule.source, reason=rule.reason,
            timeframe=item.timeframe,
        )
    night = bool(answers.sign5.night) or bool(chosen & set(content.red_flags.night_pain_flags))
    for combo in content.red_flags.combinations:
        night_ok = night or not combo.requires_night_pain
        if night_ok and chosen & set(combo.any_of):
            found[combo.id] = TriggeredFlag.model_construct(
                id=combo.id, kind="combination", level=combo.level, title=combo.title, action=combo.action, source=combo.source,
                timeframe=combo.timeframe,
            )
    # Most urgent first; within a level the most pressing time frame (content's order), so
    # "see a doctor today" never sits behind "within a few days".
    frames: dict[str, int] = _prepared(content)["timeframes"]
    return sorted(found.values(), key=lambda f: (-URGENCY_ORDER[f.level], frames.get(f.timeframe, len(frames))))


# --------------------------------------------------------------------- evidence


@dataclass(frozen=True)
class _Hit:
    """A finding that applies, before correlated findings are discounted."""

    finding: Finding
    ln: float
    reason: str
    absent: bool = False


def _names(content: Content, field: str, values: Iterable[str]) -> str:
    return ", ".join(_label(content, field, v) for v in values)


def _computed(finding: Finding, answers: Answers, content: Content, ctx: dict[str, Any]) -> _Hit | None:
    kind = finding.computed
    lr = finding.lr_present
    s1 = answers.sign1
    if kind in ("treatments_failed", "treatments_worse", "treatments_short_relief", "treatments_helped"):
        outcome = {"treatments_failed": "no_change", "treatments_worse": "worse", "treatments_short_relief": "short_relief"}.get(
            kind or "", "helped"
        )
        chosen = [t for t, o in s1.treatments.items() if o == outcome]
        if kind == "treatments_helped" and s1.returns_when_running:
            chosen = [t for t in chosen if t not in EASES_NERVE_PAIN_TOO]
        if not chosen:
            return None
        n = min(len(chosen), finding.cap)
        return _Hit(finding, n * math.log(lr), finding.reason.format(names=_names(content, "sign1.treatments", chosen)))
    if kind == "no_rest_pain":
        s5 = answers.sign5
        given = [v for v in (s5.sitting, s5.lying, s5.night) if v is not None]
        quiet = (s5.rest_intensity or 0) <= 1
        if len(given) >= 2 and not any(given) and quiet:
            return _Hit(finding, math.log(lr), finding.reason)
        return None
    if kind == "slump_positive" and answers.slump is not None and answers.slump.positive:
        return _Hit(finding, math.log(lr), finding.reason)
    if kind == "slump_negative" and answers.slump is not None and answers.slump.negative:
        return _Hit(finding, math.log(lr), finding.reason)
    if kind == "sites":
        crimps = [s for s in answers.sites if s.pain or s.stiffness]
        if not crimps:
            return None
        labels = {site.id: site.label.lower() for site in content.sites}
        n = min(len(crimps), finding.cap)
        return _Hit(finding, n * math.log(lr), finding.reason.format(names=", ".join(labels[s.site] for s in crimps)))
    if kind == "coherent" and ctx["coherent"] and ctx["neural"] and len({r.region for r in answers.regions}) >= 2:
        # A plausible map counts when there are nerve-like sensations to map (NeuPSIG "possible");
        # one area always "fits" some nerve, so it takes two or more to say anything.
        return _Hit(finding, math.log(lr), ctx["coherence_reason"])
    if kind == "incoherent" and ctx["coherent"] is False and len(answers.regions) >= 2 and not ctx["bilateral"]:
        return _Hit(finding, math.log(lr), finding.reason)
    if kind == "bilateral_soreness" and ctx["bilateral"] and answers.sign2.qualities is not None and not ctx["neural"]:
        return _Hit(finding, math.log(lr), finding.reason)
    return None


def _field_hit(finding: Finding, reader: Reader, content: Content) -> _Hit | None:
    if finding.requires_scan and not reader.get("sign6.imaging"):
        return None
    result = evaluate(finding, reader)
    if result is None:
        return None
    if result and any(evaluate(c, reader) for c in finding.unless):
        return None
    if result:
        reason = finding.reason
        if "{value}" in reason:
            reason = reason.format(value=reader.get(finding.fields[0]))
        elif "{names}" in reason:
            value = reader.get(finding.fields[0]) or []
            picked = [v for v in value if v in (finding.has_any or [])]
            reason = reason.format(names=_names(content, finding.fields[0], picked))
        return _Hit(finding, math.log(finding.lr_present), reason)
    absent = finding.lr_absent
    if absent is None:
        return None
    return _Hit(finding, math.log(absent), finding.absent_reason or finding.reason, absent=True)


def _discount(hits: list[_Hit], share: float) -> list[tuple[_Hit, float]]:
    """Correlated findings (same group, same direction): the strongest in full, the rest at ``share``."""
    out: list[tuple[_Hit, float]] = []
    grouped: dict[tuple[str, bool], list[_Hit]] = defaultdict(list)
    for hit in hits:
        if hit.finding.group and not hit.absent:
            grouped[(hit.finding.group, hit.ln > 0)].append(hit)
        else:
            out.append((hit, hit.ln))
    for members in grouped.values():
        members.sort(key=lambda h: -abs(h.ln))
        out.append((members[0], members[0].ln))
        out.extend((h, h.ln * share) for h in members[1:])
    return out


def _group_absences(reader: Reader, content: Content, hits: list[_Hit]) -> list[AppliedFinding]:
    """A group answered with none of its findings present (e.g. no nerve-like sensation)."""
    found = []
    present_groups = {h.finding.group for h in hits if h.finding.group and h.ln > 0}
    for gid, group in content.evidence.groups.items():
        if group.absent_field is None or group.absent_lr is None or gid in present_groups:
            continue
        if not is_answered(reader.get(group.absent_field)):
            continue
        sign = next((f.sign for f in content.evidence.findings if f.group == gid), None)
        ln = math.log(group.absent_lr)
        found.append(
            AppliedFinding.model_construct(
                id=f"{gid}_absent", sign=sign, label=group.absent_reason.split(" (")[0].rstrip("."), lr=round(group.absent_lr, 3),
                points=round(POINTS_PER_LN * ln, 1), reason=group.absent_reason, evidence=group.evidence, source=group.source,
            )
        )
    return found


def _field_of(finding: Finding) -> tuple[str, ...]:
    return COMPUTED_FIELDS[finding.computed] if finding.computed else tuple(finding.fields) or ("regions",)


# Computed findings that also look at other answers than their own question.
_ALSO_READS: dict[str, tuple[str, ...]] = {
    "treatments_helped": ("sign1.returns_when_running",),
    "no_rest_pain": ("sign5.rest_intensity",),
    "coherent": ("sign2.qualities",),
    "bilateral_soreness": ("sign2.qualities",),
}


def reads(finding: Finding) -> tuple[str, ...]:
    """Every answer field a finding depends on: its own, its exceptions' and the scan it needs."""
    paths = list(_field_of(finding)) + [p for c in finding.unless for p in (c.fields or ["regions"])]
    if finding.computed:
        paths += _ALSO_READS.get(finding.computed, ())
    if finding.requires_scan:
        paths.append("sign6.imaging")
    gates = {f.field: f.after for f in load_content().questions.follow_ups}
    paths += [p for path in list(paths) if path in gates for p in gates[path].fields]
    return tuple(dict.fromkeys(paths))


_PREPARED: dict[int, tuple[Content, dict[str, Any]]] = {}


def _prepared(content: Content) -> dict[str, Any]:
    """What assess() needs from content that does not depend on the answers, made once."""
    cached = _PREPARED.get(id(content))
    if cached is not None and cached[0] is content:
        return cached[1]
    prepared = {
        "max_points": _max_points(content),
        "pages": _question_pages(content),
        "order": {f.id: i for i, f in enumerate(content.evidence.findings)},
        "prior_log_odds": math.log(content.evidence.prior.probability / (1 - content.evidence.prior.probability)),
        "bands": {b.id: b for b in content.scoring.bands},
        "region_by_id": {r.id: r for r in content.regions},
        "nerve_by_id": {n.id: n for n in content.nerves},
        "nerve_order": {n.id: i for i, n in enumerate(content.nerves)},
        "region_credit": {r.id: _region_credit(r.id, content) for r in content.regions},
        "labels": _option_labels(content),
        "weights": _question_weights(content),
        "timeframes": {frame: i for i, frame in enumerate(content.red_flags.timeframe_order)},
    }
    _PREPARED[id(content)] = (content, prepared)
    return prepared


def question_weights(content: Content) -> dict[str, float]:
    """How far each answer field can move the log odds at most: the weight of the question
    (shared, made once per content: callers must not change it)."""
    weights: dict[str, float] = _prepared(content)["weights"]
    return weights


def _question_weights(content: Content) -> dict[str, float]:
    # Per field, the furthest its answers can move the log odds up and down: correlated
    # findings (a group) count as the scorer counts them, the strongest in full.
    share = content.evidence.group_share
    up: dict[str, dict[str | None, list[float]]] = defaultdict(lambda: defaultdict(list))
    down: dict[str, float] = defaultdict(float)
    for finding in content.evidence.findings:
        ln_present = math.log(finding.lr_present) * finding.cap
        ln_absent = math.log(finding.lr_absent) if finding.lr_absent else 0.0
        for path in _field_of(finding):
            for ln in (ln_present, ln_absent):
                if ln > 0:
                    up[path][finding.group or finding.id].append(ln)
                else:
                    down[path] = min(down[path], ln)
    for group in content.evidence.groups.values():
        if group.absent_field and group.absent_lr:
            down[group.absent_field] = min(down[group.absent_field], math.log(group.absent_lr))
    info: dict[str, float] = {}
    for path in set(up) | set(down):
        rising = 0.0
        for lns in up[path].values():
            lns = sorted(lns, reverse=True)
            rising += lns[0] + share * sum(lns[1:])
        info[path] = max(rising, -down[path])
    return info


def _question_pages(content: Content) -> dict[str, tuple[str, str]]:
    """Answer field -> (page id, question label), for links to the questions that would decide it."""
    pages: dict[str, tuple[str, str]] = {}
    for sign in content.signs:
        for q in sign.questions:
            pages.setdefault(q.field, (f"sign{sign.number}", q.label))
    step_pages = {"story": "where", "along_the_nerve": "along", "safety_clues": "safety"}
    for step, qs in content.questions.steps.items():
        for q in qs:
            pages.setdefault(q.field, (step_pages.get(step, step), q.label))
    pages.setdefault("regions", ("where", content.scoring.text("question_regions")))
    pages.setdefault("sites", ("along", content.scoring.text("question_sites")))
    pages.setdefault("slump", ("selfcheck", content.scoring.text("question_slump")))
    return pages


def _coverage(reader: Reader, content: Content) -> tuple[float, int, list[DecidingQuestion]]:
    info = question_weights(content)
    total = sum(info.values())
    answered = {path for path in info if is_answered(reader.get(path), path)}
    share = sum(info[p] for p in answered) / total if total else 1.0
    pages = _prepared(content)["pages"]
    # A follow-up question is only worth asking once the question it follows is answered yes.
    gated = {q.field for q in content.questions.follow_ups if not evaluate(q.after, reader)}
    open_questions = sorted((p for p in info if p not in answered and p in pages and p not in gated), key=lambda p: (-info[p], p))
    seen: set[str] = set()
    deciding = []
    for path in open_questions:
        page, label = pages[path]
        if label in seen:
            continue
        seen.add(label)
        deciding.append(DecidingQuestion(field=path, page=page, label=label))
        if len(deciding) >= content.evidence.coverage.deciding:
            break
    return round(share, 3), len(answered), deciding


def _band(score: int, content: Content) -> Band:
    band: Band = "unlikely"
    for info in sorted((b for b in content.scoring.bands if b.id != "not_enough"), key=lambda b: b.min_score):
        if score >= info.min_score:
            band = info.id
    return band


def _sign_answered(number: int, reader: Reader, content: Content) -> bool:
    """Any of the sign's questions answered ("not tried" does not answer a pressing question)."""
    for question in content.sign(number).questions:
        value = reader.get(question.field)
        if is_answered(value) and value != "not_tried":
            return True
    return False


def _max_points(content: Content) -> dict[int, float]:
    best: dict[int, float] = defaultdict(float)
    share = content.evidence.group_share
    by_group: dict[tuple[int, str], list[float]] = defaultdict(list)
    for f in content.evidence.findings:
        if f.sign is None or f.lr_present <= 1:
            continue
        ln = math.log(f.lr_present) * f.cap
        if f.group:
            by_group[(f.sign, f.group)].append(ln)
        else:
            best[f.sign] += ln
    for (sign, _), lns in by_group.items():
        lns.sort(reverse=True)
        best[sign] += lns[0] + share * sum(lns[1:])
    return {n: round(POINTS_PER_LN * v, 1) for n, v in best.items()}


def assess(answers: Answers, content: Content | None = None) -> Assessment:
    """Weigh validated answers as evidence for a sensitive nerve and screen them for red flags."""
    if content is None:
        content = load_content()
    t = content.scoring.text
    regions = list(answers.regions)
    bilateral = is_bilateral(regions)
    qualities = answers.sign2.qualities
    neural = bool(set(qualities or []) & NEURAL_QUALITIES)
    coherent, coherence_reason = fits_one_nerve(regions, content)
    ctx = {"bilateral": bilateral, "neural": neural, "coherent": coherent, "coherence_reason": coherence_reason}

    reader = Reader(answers, content)
    hits: list[_Hit] = []
    for finding in content.evidence.findings:
        hit = _computed(finding, answers, content, ctx) if finding.computed else _field_hit(finding, reader, content)
        if hit is not None and hit.ln != 0:
            hits.append(hit)
    applied = [
        AppliedFinding.model_construct(
            id=hit.finding.id, sign=hit.finding.sign, label=hit.finding.label, lr=round(math.exp(ln), 3),
            points=round(POINTS_PER_LN * ln, 1), reason=hit.reason, evidence=hit.finding.evidence, source=hit.finding.source,
        )
        for hit, ln in _discount(hits, content.evidence.group_share)
    ]
    applied += _group_absences(reader, content, hits)
    ready = _prepared(content)
    order = ready["order"]
    applied.sort(key=lambda a: (a.sign or 9, order.get(a.id, -1)))

    prior = content.evidence.prior.probability
    log_odds = ready["prior_log_odds"] + sum(math.log(a.lr) for a in applied)
    score = max(0, min(100, round(100 / (1 + math.exp(-log_odds)))))
    coverage, answered_count, deciding = _coverage(reader, content)
    band = _band(score, content)
    needed = content.evidence.coverage
    too_few = coverage < needed.threshold or answered_count < needed.min_answers
    if too_few and score < needed.leaning:
        band = "not_enough"  # missing answers are never evidence against a nerve
    info = ready["bands"][band]

    max_points = ready["max_points"]
    signs: list[SignResult] = []
    for sign in content.signs:
        mine = [a for a in applied if a.sign == sign.number]
        answered = _sign_answered(sign.number, reader, content)
        reasons = [a.reason for a in mine]
        if answered and not reasons:
            reasons.append(_nothing_text(sign.number, answers, t))
        signs.append(
            SignResult.model_construct(
                number=sign.number, title=sign.title, answered=answered or bool(mine),
                points=round(sum(a.points for a in mine), 1), max_points=max_points.get(sign.number, 0.0), reasons=reasons,
            )
        )
    outside = [Adjustment.model_construct(id=a.id, label=a.label, points=a.points, reason=a.reason) for a in applied if a.sign is None]
    modifiers = [m for m in outside if m.points >= 0]
    counter = [m for m in outside if m.points < 0]

    flags = screen_safety(reader, content)
    urgency: Urgency = "none"
    for flag in flags:
        if URGENCY_ORDER[flag.level] > URGENCY_ORDER[urgency]:
            urgency = flag.level

    unanswered = [s.number for s in signs if not s.answered]
    caveats = _caveats(answers, content, band, urgency, reader, unanswered, bilateral, neural, signs)
    urgent_only = URGENCY_ORDER[urgency] >= URGENCY_ORDER["urgent"]
    next_steps: list[NextStep] = []
    avoid: list[str] = []
    if not urgent_only:
        next_steps = [
            NextStep.model_construct(id=a.id, title=a.title, text=a.text)
            for a in content.advice.advice
            if applies(a.when, band, urgency, reader)
        ]
        if applies(content.advice.avoid_when, band, urgency, reader):
            avoid = [c.text for c in content.advice.avoid_while_sensitive if applies(c.when, band, urgency, reader)]
    crimps = [s.site for s in answers.sites if s.pain or s.stiffness]
    return Assessment(
        score=score,
        band=band,
        band_label=info.label,
        band_meaning=info.meaning,
        log_odds=round(log_odds, 3),
        prior=prior,
        coverage=coverage,
        coverage_needed=content.evidence.coverage.threshold,
        deciding=deciding,
        findings=applied,
        signs=signs,
        modifiers=modifiers,
        counter_evidence=counter,
        nerves=rank_nerves(regions, answers, content),
        sites=crimps,
        coherent=coherent,
        coherence_reason=coherence_reason,
        red_flags=flags,
        urgency=urgency,
        urgency_message=content.red_flags.urgency_messages[urgency],
        urgent_only=urgent_only,
        handover=handover(answers, flags, content) if flags else [],
        next_steps=next_steps,
        avoid=avoid,
        unanswered=unanswered,
        partial=bool(unanswered) or answers.red_flags is None or band == "not_enough",
        caveats=caveats,
        origin=answers.origin,
    )


def _nothing_text(number: int, answers: Answers, t: Any) -> str:
    if number == 2 and answers.sign2.qualities == []:
        return str(t("no_sensations"))
    if number == 6:
        s6 = answers.sign6
        if s6.imaging == []:
            return str(t("no_scans"))
        if s6.result == "different_area":
            return str(t("scan_elsewhere"))
        if s6.result == "unknown" or s6.result is None:
            return str(t("scan_unknown"))
    if number == 4 and not {answers.sign4.self_press, answers.sign4.therapist_press} & {"found_reproduces", "found_but_different"}:
        return str(t("sign4_neutral"))
    keys = {1: "sign1_nothing", 2: "no_sensations", 3: "sign3_nothing", 4: "sign4_nothing", 5: "sign5_nothing", 6: "scan_elsewhere"}
    return str(t(keys[number]))


def applies(when: When, band: str, urgency: str, reader: Reader) -> bool:
    """Whether a next step, caution or caveat fits this result and these answers."""
    if band not in when.bands or URGENCY_ORDER[urgency] > URGENCY_ORDER[when.max_urgency]:
        return False
    if not all(evaluate(c, reader) for c in when.requires):
        return False
    return not any(evaluate(c, reader) for c in when.excludes)


def handover(answers: Answers, flags: list[TriggeredFlag], content: Content) -> list[str]:
    """What to tell the clinician: what was raised and why, where it hurts, for how long."""
    t = content.scoring.text
    lines = [t("tell_flags", names="; ".join(f.title.lower() if i else f.title for i, f in enumerate(flags)))]
    reasons = [f.reason for f in flags if f.reason]
    if reasons:
        lines.append(t("tell_reasons", names=" ".join(reasons)))
    if answers.regions:
        labels = {r.id: r.label.lower() for r in content.regions}
        sides = {"left": "left", "right": "right", "both": "both sides"}
        where = ", ".join(f"{labels[r.region]} ({sides[r.side]})" for r in answers.regions)
        lines.append(t("tell_where", names=where))
    if answers.duration:
        lines.append(t("tell_duration", names=_label(content, "duration", answers.duration)))
    if answers.onset:
        lines.append(t("tell_onset", names=_label(content, "onset", answers.onset)))
    return lines


def _caveats(
    answers: Answers,
    content: Content,
    band: str,
    urgency: str,
    reader: Reader,
    unanswered: list[int],
    bilateral: bool,
    neural: bool,
    signs: list[SignResult],
) -> list[str]:
    t = content.scoring.text
    caveats = [c.text for c in content.scoring.caveats if applies(c.when, band, urgency, reader)]
    if band == "not_enough":
        caveats.insert(0, t("not_enough"))
    if len(unanswered) == 1:
        caveats.insert(0, t("unanswered_one", signs=unanswered[0]))
    elif unanswered:
        caveats.insert(0, t("unanswered", signs=", ".join(map(str, unanswered))))
    if answers.red_flags is None:
        if answers.sign5.night:
            caveats.insert(0, t("night_safety_unanswered"))
        caveats.insert(0, t("safety_unanswered"))
    if answers.red_flags is None and (bilateral or any(r.side == "both" for r in answers.regions)):
        caveats.append(t("both_sides"))
    if bilateral and neural:
        caveats.append(t("whole_body"))
    rest = next(s for s in signs if s.number == 5)
    if answers.duration == "under_2_weeks" and rest.points > 0:
        caveats.append(t("acute_rest_pain"))
    if answers.onset == "after_fall":
        caveats.append(t("after_fall"))
    return caveats
