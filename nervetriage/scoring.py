"""Turn ``Answers`` into an explained ``Assessment``.

Points come from ``content/signs.yaml`` and ``content/scoring.yaml``; this module only
knows how each kind of answer is counted. Every point added or taken away carries a
plain-language reason, so the result can always say why.
"""

from __future__ import annotations

from collections import defaultdict

from nervetriage.content import Content, Sign, load_content
from nervetriage.models import (
    URGENCY_ORDER,
    Adjustment,
    Answers,
    Assessment,
    Band,
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


def _label(content: Content, field: str, value: str) -> str:
    """The human label content gives an option, falling back to the raw value."""
    for sign in content.signs:
        for question in sign.questions:
            if question.field == field and value in question.options:
                return question.options[value].lower()
    return value.replace("_", " ")


def _sign_result(sign: Sign, answered: bool, points: float, reasons: list[str]) -> SignResult:
    """A sign's contribution, capped at its maximum from content."""
    return SignResult(
        number=sign.number,
        title=sign.title,
        answered=answered,
        points=round(min(points, sign.max_points), 2),
        max_points=sign.max_points,
        reasons=reasons,
    )


def _sign1(answers: Answers, content: Content) -> tuple[SignResult, list[Adjustment]]:
    t = content.scoring.text
    sign = content.sign(1)
    w = sign.weights
    s1 = answers.sign1
    points = 0.0
    reasons: list[str] = []
    counter: list[Adjustment] = []
    failed = [t for t, o in s1.treatments.items() if o == "no_change"]
    worse = [t for t, o in s1.treatments.items() if o == "worse"]
    helped = [t for t, o in s1.treatments.items() if o == "helped"]
    if s1.returns_when_running:
        # Rest easing the pain until running resumes is the article's nerve pattern, not a cure.
        helped = [t for t in helped if t not in EASES_NERVE_PAIN_TOO]
    if failed:
        points += w["no_change"] * len(failed)
        names = ", ".join(_label(content, "sign1.treatments", t) for t in failed)
        reasons.append(t("no_change", names=names))
    if worse:
        points += w["worse"] * len(worse)
        names = ", ".join(_label(content, "sign1.treatments", t) for t in worse)
        reasons.append(t("worse", names=names))
    if s1.returns_when_running:
        points += w["returns_when_running"]
        reasons.append(t("returns_when_running"))
    if helped:
        cut = min(w["helped_counter"] * len(helped), w["helped_counter_cap"])
        names = ", ".join(_label(content, "sign1.treatments", t) for t in helped)
        counter.append(
            Adjustment(
                id="treatment_helped",
                label=t("helped_label"),
                points=-cut,
                reason=t("helped", names=names),
            )
        )
    answered = bool(s1.treatments) or s1.returns_when_running is not None
    if answered and not reasons:
        reasons.append(t("sign1_nothing"))
    result = _sign_result(sign, answered, points, reasons)
    return result, counter


def _sign2(answers: Answers, content: Content, bilateral_only: bool) -> tuple[SignResult, list[Adjustment]]:
    t = content.scoring.text
    sign = content.sign(2)
    qualities = answers.sign2.qualities
    reasons: list[str] = []
    counter: list[Adjustment] = []
    points = 0.0
    if qualities:
        points = sum(sign.weights[q] for q in qualities)
        neural = [q for q in qualities if q in NEURAL_QUALITIES]
        if neural:
            names = ", ".join(_label(content, "sign2.qualities", q) for q in neural)
            reasons.append(t("neural_sensations", names=names))
        plain = [q for q in qualities if q not in NEURAL_QUALITIES]
        if plain:
            names = ", ".join(_label(content, "sign2.qualities", q) for q in plain)
            reasons.append(t("plain_sensations", names=names.capitalize()))
    elif qualities is not None:
        reasons.append(t("no_sensations"))
    if bilateral_only and qualities is not None and not (set(qualities) & NEURAL_QUALITIES):
        weight = content.scoring.modifiers["bilateral_soreness_counter"]
        counter.append(
            Adjustment(
                id="bilateral_soreness",
                label=t("bilateral_soreness_label"),
                points=-weight,
                reason=content.scoring.modifier_text["bilateral_soreness_counter"],
            )
        )
    result = _sign_result(sign, qualities is not None, points, reasons)
    return result, counter


def _sign3(answers: Answers, content: Content) -> tuple[SignResult, list[Adjustment]]:
    t = content.scoring.text
    sign = content.sign(3)
    w = sign.weights
    s3 = answers.sign3
    points = 0.0
    reasons: list[str] = []
    counter: list[Adjustment] = []
    if s3.variability:
        points += w["variability_per_point"] * s3.variability
        reasons.append(t("variability", value=s3.variability))
    if s3.same_run_differs:
        points += w["same_run_differs"]
        reasons.append(t("same_run_differs"))
    if s3.walk_worse_than_hard_run:
        points += w["walk_worse_than_hard_run"]
        reasons.append(t("walk_worse_than_hard_run"))
    if s3.moves_around:
        points += w["moves_around"]
        reasons.append(t("moves_around"))
    if s3.warms_up_pattern:
        counter.append(
            Adjustment(
                id="warms_up",
                label=t("warms_up_label"),
                points=-w["warms_up_counter"],
                reason=t("warms_up"),
            )
        )
    answered = any(
        v is not None
        for v in (s3.variability, s3.same_run_differs, s3.walk_worse_than_hard_run, s3.moves_around, s3.warms_up_pattern)
    )
    if answered and not reasons:
        reasons.append(t("sign3_nothing"))
    result = _sign_result(sign, answered, points, reasons)
    return result, counter


def _sign4(answers: Answers, content: Content) -> tuple[SignResult, list[Adjustment]]:
    t = content.scoring.text
    sign = content.sign(4)
    w = sign.weights
    s4 = answers.sign4
    points = 0.0
    reasons: list[str] = []
    counter: list[Adjustment] = []
    if s4.self_press == "cannot_find":
        points += w["cannot_find_self"]
        reasons.append(t("cannot_find_self"))
    if s4.therapist_press == "cannot_find":
        points += w["cannot_find_therapist"]
        reasons.append(t("cannot_find_therapist"))
    if "found_reproduces" in (s4.self_press, s4.therapist_press):
        counter.append(
            Adjustment(
                id="tender_spot",
                label=t("tender_spot_label"),
                points=-w["found_reproduces_counter"],
                reason=t("tender_spot"),
            )
        )
    answered = s4.self_press not in (None, "not_tried") or s4.therapist_press not in (None, "not_tried")
    if answered and not reasons:
        reasons.append(t("sign4_nothing"))
    result = _sign_result(sign, answered, points, reasons)
    return result, counter


def _sign5(answers: Answers, content: Content) -> SignResult:
    t = content.scoring.text
    sign = content.sign(5)
    w = sign.weights
    s5 = answers.sign5
    points = 0.0
    reasons: list[str] = []
    if s5.sitting:
        points += w["sitting"]
        reasons.append(t("sitting"))
    if s5.lying:
        points += w["lying"]
        reasons.append(t("lying"))
    if s5.night:
        points += w["night"]
        reasons.append(t("night"))
    if s5.rest_intensity:
        points += w["rest_intensity_per_point"] * s5.rest_intensity
        reasons.append(t("rest_intensity", value=s5.rest_intensity))
    answered = any(v is not None for v in (s5.sitting, s5.lying, s5.night, s5.rest_intensity))
    if answered and not reasons:
        reasons.append(t("sign5_nothing"))
    return _sign_result(sign, answered, points, reasons)


def _sign6(answers: Answers, content: Content) -> tuple[SignResult, list[Adjustment]]:
    t = content.scoring.text
    sign = content.sign(6)
    w = sign.weights
    s6 = answers.sign6
    points = 0.0
    reasons: list[str] = []
    counter: list[Adjustment] = []
    had_scan = bool(s6.imaging)
    if had_scan and s6.result == "normal":
        points += w["normal"]
        reasons.append(t("scan_normal"))
    elif had_scan and s6.result == "mild_wear":
        points += w["mild_wear"]
        reasons.append(t("scan_mild_wear"))
    elif had_scan and s6.result == "clear_injury":
        counter.append(
            Adjustment(
                id="clear_injury",
                label=t("clear_injury_label"),
                points=-w["clear_injury_counter"],
                reason=t("clear_injury"),
            )
        )
    if s6.imaging is not None and not s6.imaging:
        reasons.append(t("no_scans"))
    answered = s6.imaging is not None and (not s6.imaging or s6.result is not None)
    if answered and had_scan and not reasons:
        reasons.append(t("scan_elsewhere"))
    result = _sign_result(sign, answered, points, reasons)
    return result, counter


# --------------------------------------------------------------------- anatomy


def rank_nerves(regions: list[RegionPain], answers: Answers, content: Content) -> list[SuspectedNerve]:
    """Rank nerves by how many painful regions they serve, weighted by intensity."""
    t = content.scoring.text
    region_by_id = {r.id: r for r in content.regions}
    nerve_by_id = {n.id: n for n in content.nerves}
    weight: dict[str, float] = defaultdict(float)
    where: dict[str, dict[str, None]] = defaultdict(dict)  # ordered set of region ids per nerve
    sides: dict[str, set[Side]] = defaultdict(set)
    for pain in regions:
        region = region_by_id[pain.region]
        factor = 0.5 + pain.intensity / 10
        for nerve_id in region.nerves:
            weight[nerve_id] += 2 * factor
            where[nerve_id][region.id] = None
            sides[nerve_id].add(pain.side)
        for extra in region.also_consider:
            if extra.nerve not in region.nerves:  # a note on a listed nerve adds a reason, not weight
                weight[extra.nerve] += 1 * factor
            where[extra.nerve][region.id] = None
            sides[extra.nerve].add(pain.side)
    sitting = bool(answers.sign5.sitting)
    if sitting:
        for nerve_id in weight:
            if nerve_by_id[nerve_id].sitting_compression:
                weight[nerve_id] += 1
    result = []
    for nerve_id in sorted(weight, key=lambda n: (-weight[n], n)):
        nerve = nerve_by_id[nerve_id]
        reasons: list[str] = []
        for region_id in where[nerve_id]:
            region = region_by_id[region_id]
            if nerve_id in region.nerves:
                reasons.append(t("nerve_usual", region=region.label))
            notes = [extra.reason for extra in region.also_consider if extra.nerve == nerve_id]
            reasons.extend(t("nerve_also", region=region.label, reason=note) for note in notes)
        if sitting and nerve.sitting_compression:
            reasons.append(t("nerve_sitting"))
        side_set = sides[nerve_id]
        side_list: list[Side] = ["both"] if "both" in side_set or {"left", "right"} <= side_set else sorted(side_set)
        result.append(
            SuspectedNerve(
                id=nerve.id,
                name=nerve.name,
                roots=nerve.roots,
                weight=round(weight[nerve_id], 2),
                sides=side_list,
                regions=list(where[nerve_id]),
                reasons=reasons,
            )
        )
    return result


def is_bilateral(regions: list[RegionPain]) -> bool:
    """True when every painful region hurts on both sides (marked "both" or listed left and right)."""
    if not regions:
        return False
    sides: dict[str, set[str]] = defaultdict(set)
    for pain in regions:
        sides[pain.region] |= {"left", "right"} if pain.side == "both" else {pain.side}
    return all(s == {"left", "right"} for s in sides.values())


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


# --------------------------------------------------------------------- safety


def screen_safety(answers: Answers, content: Content) -> list[TriggeredFlag]:
    """Red flags, mimics and risky combinations, most urgent first."""
    found: list[TriggeredFlag] = []
    chosen = set(answers.red_flags or [])
    for flag in content.red_flags.flags:
        if flag.id in chosen:
            found.append(
                TriggeredFlag(
                    id=flag.id, kind="red_flag", level=flag.level, title=flag.title, action=flag.action, source=flag.source
                )
            )
    mimics = set(answers.mimics or [])
    for mimic in content.red_flags.mimics:
        if mimic.id in mimics:
            found.append(
                TriggeredFlag(
                    id=mimic.id, kind="mimic", level=mimic.level, title=mimic.title, action=mimic.action, source=mimic.source
                )
            )
    night = bool(answers.sign5.night) or bool(chosen & set(content.red_flags.night_pain_flags))
    for combo in content.red_flags.combinations:
        night_ok = night or not combo.requires_night_pain
        if night_ok and chosen & set(combo.any_of):
            found.append(
                TriggeredFlag(
                    id=combo.id, kind="combination", level=combo.level, title=combo.title, action=combo.action, source=combo.source
                )
            )
    found.sort(key=lambda f: -URGENCY_ORDER[f.level])
    return found


# --------------------------------------------------------------------- assess


def _band(score: int, content: Content) -> Band:
    band: Band = "unlikely"
    for info in sorted(content.scoring.bands, key=lambda b: b.min_score):
        if score >= info.min_score:
            band = info.id
    return band


def assess(answers: Answers, content: Content | None = None) -> Assessment:
    """Score validated answers against the article's six signs and screen for red flags."""
    if content is None:
        content = load_content()
    t = content.scoring.text
    mods = content.scoring.modifiers
    text = content.scoring.modifier_text
    lower_limb = list(answers.regions)
    bilateral_only = is_bilateral(lower_limb)
    neural_qualities = bool(set(answers.sign2.qualities or []) & NEURAL_QUALITIES)

    counter: list[Adjustment] = []
    s1, c1 = _sign1(answers, content)
    s2, c2 = _sign2(answers, content, bilateral_only)
    s3, c3 = _sign3(answers, content)
    s4, c4 = _sign4(answers, content)
    s5 = _sign5(answers, content)
    s6, c6 = _sign6(answers, content)
    signs = [s1, s2, s3, s4, s5, s6]
    counter = [*c1, *c2, *c3, *c4, *c6]

    modifiers: list[Adjustment] = []
    if answers.neck_changes_legs == "yes":
        modifiers.append(
            Adjustment(id="neck", label=t("neck_label"), points=mods["neck_yes"], reason=text["neck_yes"])
        )
    if answers.slump is not None and answers.slump.done:
        if answers.slump.positive:
            modifiers.append(
                Adjustment(id="slump", label=t("slump_positive_label"), points=mods["slump_positive"], reason=text["slump_positive"])
            )
        else:
            counter.append(
                Adjustment(id="slump", label=t("slump_negative_label"), points=-mods["slump_negative"], reason=text["slump_negative"])
            )
    crimps = [s for s in answers.sites if s.pain or s.stiffness]
    if crimps:
        labels = {site.id: site.label.lower() for site in content.sites}
        where = ", ".join(labels[s.site] for s in crimps)
        modifiers.append(
            Adjustment(
                id="sites",
                label=t("sites_label"),
                points=min(mods["site_each"] * len(crimps), mods["site_cap"]),
                reason=f"{text['sites']} {t('sites_reported', where=where)}",
            )
        )
    coherent, coherence_reason = fits_one_nerve(lower_limb, content)
    if coherent and neural_qualities:
        # A plausible map counts when there are nerve-like sensations to map (NeuPSIG "possible").
        modifiers.append(Adjustment(id="coherent", label=t("coherent_label"), points=mods["coherent"], reason=coherence_reason))
    elif coherent is False and len(lower_limb) >= 2 and not bilateral_only:
        counter.append(
            Adjustment(
                id="incoherent",
                label=t("incoherent_label"),
                points=-mods["incoherent_counter"],
                reason=text["incoherent_counter"],
            )
        )

    raw = sum(s.points for s in signs) + sum(m.points for m in modifiers) + sum(c.points for c in counter)
    score = max(0, min(100, round(raw)))
    band = _band(score, content)
    info = next(b for b in content.scoring.bands if b.id == band)

    flags = screen_safety(answers, content)
    urgency: Urgency = "none"
    for flag in flags:
        if URGENCY_ORDER[flag.level] > URGENCY_ORDER[urgency]:
            urgency = flag.level

    unanswered = [s.number for s in signs if not s.answered]
    caveats = list(content.scoring.caveats)
    if unanswered:
        caveats.insert(0, t("unanswered", signs=", ".join(map(str, unanswered))))
    if answers.red_flags is None:
        if answers.sign5.night:
            caveats.insert(0, t("night_safety_unanswered"))
        caveats.insert(0, t("safety_unanswered"))
    if bilateral_only or any(r.side == "both" for r in lower_limb):
        caveats.append(t("both_sides"))
    if bilateral_only and neural_qualities:
        caveats.append(t("whole_body"))
    if answers.duration == "under_2_weeks" and s5.points > 0:
        caveats.append(t("acute_rest_pain"))
    if answers.onset == "after_fall":
        caveats.append(t("after_fall"))

    return Assessment(
        score=score,
        band=band,
        band_label=info.label,
        band_meaning=info.meaning,
        signs=signs,
        modifiers=modifiers,
        counter_evidence=counter,
        nerves=rank_nerves(lower_limb, answers, content),
        sites=[s.site for s in crimps],
        coherent=coherent,
        coherence_reason=coherence_reason,
        red_flags=flags,
        urgency=urgency,
        urgency_message=content.red_flags.urgency_messages[urgency],
        unanswered=unanswered,
        partial=bool(unanswered) or answers.red_flags is None,
        caveats=caveats,
        origin=answers.origin,
    )
