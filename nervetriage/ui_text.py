"""Wording of the wizard's pages (content/ui.yaml), validated like the clinical content.

Pure data: no streamlit here, so a typo in the wording file fails a plain unit test with
the field named, rather than a page at run time.
"""

from __future__ import annotations

import functools
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from nervetriage.content import CONTENT_DIR, ContentError, read_yaml


class _Text(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WelcomeText(_Text):
    does: list[str]
    does_not: list[str]
    privacy: str
    disclaimer: str
    start: str
    example_heading: str
    example_help: str
    example_button: str
    example_label: str
    time: str


class WhereText(_Text):
    intro: str
    regions_label: str
    regions_placeholder: str
    side_label: str
    side_missing: str
    intensity_label: str
    story_heading: str
    sides: dict[str, str]


class AlongText(_Text):
    intro: str
    stiff_label: str
    pain_label: str
    neck_heading: str


class SelfCheckText(_Text):
    intro: str
    gate_heading: str
    gate_lead: str
    blocked: str
    confirm: str
    steps_heading: str
    choice_label: str
    choice_done: str
    choice_skip: str
    criteria_heading: str
    skipped: str


class SafetyText(_Text):
    clues_heading: str
    none_apply: str
    flags_heading: str
    mimics_heading: str
    unanswered: str


class TableColumns(_Text):
    what: str
    sign: str
    points: str
    odds: str
    evidence: str
    why: str


class EvidenceWords(_Text):
    """How each kind of figure in content/evidence.yaml is described to the person."""

    measured: str
    derived: str
    expert: str


RESULTS_PLACEHOLDERS = {"coverage": "{percent}", "answered_so_far": "{percent}", "from_answers": "{reason}", "more_nerves": "{names}"}


class ResultsText(_Text):
    urgent_heading: str
    band_heading: str
    means: str
    does_not_mean: str
    chart_heading: str
    chart_help: str
    chart_empty: str
    table_caption: str
    table_columns: TableColumns
    other_part: str
    evidence: EvidenceWords
    coverage: str
    answered_so_far: str
    deciding_heading: str
    not_enough_next: str
    from_answers: str

    @model_validator(mode="after")
    def _placeholders_kept(self) -> ResultsText:
        """The words in braces are filled in by the page; a wording edit must keep them."""
        for field, needed in RESULTS_PLACEHOLDERS.items():
            if needed not in getattr(self, field):
                raise ValueError(f"{field} must contain {needed}")
        return self
    nerves_heading: str
    nerves_none: str
    caveats_heading: str
    partial: str
    safety_unanswered: str
    next_heading: str
    avoid_heading: str
    score: str
    more_nerves: str


class SignText(_Text):
    position: str
    why: str


class Labels(_Text):
    yes: str
    no: str
    not_answered: str
    slider_unset: str
    back: str
    next: str
    to_results: str
    progress: str
    reset: str
    reset_title: str
    reset_body: str
    reset_confirm: str
    reset_cancel: str
    none_labels: dict[str, str]
    outcomes: dict[str, str]
    not_tried_hint: str


class LearnText(_Text):
    diagram_heading: str
    diagram_caption: str
    diagram_alt: str


PAGE_IDS = (
    "welcome",
    "where",
    "along",
    "sign1",
    "sign2",
    "sign3",
    "sign4",
    "sign5",
    "sign6",
    "selfcheck",
    "safety",
    "results",
    "learn",
    "physio",
    "journal",
)


class UiText(_Text):
    """Everything content/ui.yaml holds."""

    source: str
    app_title: str
    tagline: str
    nav: dict[str, str]
    sections: dict[str, str]
    welcome: WelcomeText
    where: WhereText
    along: AlongText
    selfcheck: SelfCheckText
    safety: SafetyText
    results: ResultsText
    sign: SignText
    labels: Labels
    learn: LearnText
    coming_soon: str

    def model_post_init(self, context: object, /) -> None:
        missing = [p for p in PAGE_IDS if p not in self.nav]
        if missing:
            raise ValueError(f"nav misses titles for {missing}")


def load_ui_text_from(path: Path) -> UiText:
    """Load and validate one ui.yaml file; errors name the file and field."""
    raw = read_yaml(path)
    try:
        return UiText.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise ContentError(f"{path.name}: field {where}: {first['msg']}") from exc


@functools.cache
def load_ui_text() -> UiText:
    """The shipped wording, loaded once per process."""
    return load_ui_text_from(CONTENT_DIR / "ui.yaml")
