"""Hypothesis strategies for ``Answers``: every field, within the model's own limits.

Built as plain dicts and validated by the model, so the strategy cannot drift from the
schema silently: a dict the model refuses fails the test that draws it.
"""

from __future__ import annotations

from typing import Any, get_args

from hypothesis import strategies as st

from nervetriage.content import load_content
from nervetriage.models import (
    EARLIEST_JOURNAL_DATE,
    Answers,
    Duration,
    Imaging,
    ImagingResult,
    Onset,
    Outcome,
    Quality,
    Side,
    Site,
    TenderSpot,
    Treatment,
    Trigger,
    Weakness,
    YesNoUnsure,
    latest_journal_date,
)

_CONTENT = load_content()
REGION_IDS = sorted(_CONTENT.region_ids)
FLAG_IDS = sorted(f.id for f in _CONTENT.red_flags.flags)
MIMIC_IDS = sorted(m.id for m in _CONTENT.red_flags.mimics)


def _choice(literal: Any) -> st.SearchStrategy[str]:
    return st.sampled_from(list(get_args(literal)))


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def texts(max_size: int) -> st.SearchStrategy[str]:
    """Any Unicode a person can type (no lone surrogates: the model refuses them)."""
    return st.text(st.characters(exclude_categories=("Cs",)), max_size=max_size)


intensity = st.integers(0, 10)
BOOLEAN_SIGN3 = ("exertional", "exertional_numb_or_slap", "compartment_tight", "cold_pale_foot", "grows_run_by_run")

region_pains = st.lists(
    st.fixed_dictionaries(
        {"region": st.sampled_from(REGION_IDS), "side": _choice(Side), "intensity": _maybe(intensity)},
        optional={"from_clinic": st.booleans()},
    ),
    max_size=12,
    unique_by=lambda r: (r["region"], r["side"]),
)

site_reports = st.lists(
    st.fixed_dictionaries({"site": _choice(Site), "stiffness": st.booleans(), "pain": st.booleans()}),
    max_size=5,
    unique_by=lambda s: s["site"],
)


_ATOM = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-", min_size=1, max_size=12)
_LABEL = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
# Plain addresses of the kind models.check_contact accepts (a dot-atom local part, letter-digit-hyphen labels)
emails = st.builds(
    lambda local, labels, tld: f"{'.'.join(local)}@{'.'.join(labels)}.{tld}",
    st.lists(_ATOM, min_size=1, max_size=3),
    st.lists(_LABEL, min_size=1, max_size=3),
    st.from_regex(r"[a-z]{2,6}", fullmatch=True),
)


@st.composite
def journal_entries(draw: st.DrawFn) -> dict[str, Any]:
    worst = draw(intensity)
    return {
        "date": draw(st.dates(EARLIEST_JOURNAL_DATE, latest_journal_date())).isoformat(),
        "flare_ups": draw(st.integers(0, 100)),
        "worst": worst,
        "typical": draw(st.integers(0, worst)),
        "duration_minutes": draw(st.integers(0, 10_080)),
        "running_minutes": draw(st.integers(0, 10_080)),
        "helped": draw(texts(200)),
        "flared": draw(texts(200)),
        "note": draw(texts(500)),
    }


def answers_dicts(max_journal: int = 6) -> st.SearchStrategy[dict[str, Any]]:
    """Raw answer dicts the model accepts; ``Answers.model_validate`` turns them into answers."""
    optional = {
        "regions": region_pains,
        "sites": site_reports,
        "duration": _maybe(_choice(Duration)),
        "onset": _maybe(_choice(Onset)),
        "sign1": st.fixed_dictionaries(
            {},
            optional={
                "treatments": st.dictionaries(_choice(Treatment), _choice(Outcome), max_size=10),
                "returns_when_running": _maybe(st.booleans()),
            },
        ),
        "sign2": st.fixed_dictionaries(
            {}, optional={"qualities": _maybe(st.lists(_choice(Quality), max_size=9)), "outline_patch": _maybe(st.booleans())}
        ),
        "sign3": st.fixed_dictionaries(
            {},
            optional={
                "variability": _maybe(intensity),
                "same_run_differs": _maybe(st.booleans()),
                "walk_worse_than_hard_run": _maybe(st.booleans()),
                "moves_around": _maybe(st.booleans()),
                "warms_up_pattern": _maybe(st.booleans()),
                "triggers": _maybe(st.lists(_choice(Trigger), max_size=8)),
                **{name: _maybe(st.booleans()) for name in BOOLEAN_SIGN3},
            },
        ),
        "sign4": st.fixed_dictionaries(
            {},
            optional={
                "self_press": _maybe(_choice(TenderSpot)),
                "therapist_press": _maybe(_choice(TenderSpot)),
                **{name: _maybe(st.booleans()) for name in ("tap_tingling", "bone_tender", "hop_pain")},
            },
        ),
        "sign5": st.fixed_dictionaries(
            {},
            optional={
                "sitting": _maybe(st.booleans()),
                "lying": _maybe(st.booleans()),
                "night": _maybe(st.booleans()),
                "rest_intensity": _maybe(intensity),
            },
        ),
        "sign6": st.fixed_dictionaries(
            {}, optional={"imaging": _maybe(st.lists(_choice(Imaging), max_size=5)), "result": _maybe(_choice(ImagingResult))}
        ),
        "neck_changes_legs": _maybe(_choice(YesNoUnsure)),
        "clues": st.fixed_dictionaries(
            {},
            optional={
                "cough_sneeze": _maybe(_choice(YesNoUnsure)),
                "weakness": _maybe(st.lists(_choice(Weakness), max_size=4)),
                **{name: _maybe(st.booleans()) for name in ("calf_swollen", "clot_risk", "limp")},
            },
        ),
        "slump": _maybe(
            st.fixed_dictionaries(
                {
                    "done": st.booleans(),
                    "familiar_symptom": st.booleans(),
                    "changes_with_neck": st.booleans(),
                    "differs_from_other_side": st.booleans(),
                }
            )
        ),
        "red_flags": _maybe(st.lists(st.sampled_from(FLAG_IDS), max_size=4)),
        "mimics": _maybe(st.lists(st.sampled_from(MIMIC_IDS), max_size=3)),
        "note": texts(500),
        "client": texts(40).map(lambda t: " ".join(t.split())),
        "dated": _maybe(st.dates(EARLIEST_JOURNAL_DATE, latest_journal_date()).map(lambda d: d.isoformat())),
        "origin": _maybe(
            st.fixed_dictionaries(
                {},
                optional={"example": _maybe(texts(60)), "clinic": _maybe(texts(80)), "clinic_note": _maybe(texts(500)),
                          "contact": _maybe(emails)},
            )
        ),
        "journal": st.lists(journal_entries(), max_size=max_journal, unique_by=lambda r: r["date"]),
    }
    return st.fixed_dictionaries({}, optional=optional)


def answers(max_journal: int = 6) -> st.SearchStrategy[Answers]:
    """Valid ``Answers``, from empty to every field filled."""
    return answers_dicts(max_journal).map(Answers.model_validate)
