"""Wording of the wizard's pages (content/ui.yaml), validated like the clinical content.

Pure data: no streamlit here, so a typo in the wording file fails a plain unit test with
the field named, rather than a page at run time.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar, get_args

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from nervetriage.content import CONTENT_DIR, ContentError, read_yaml
from nervetriage.models import Urgency


class _Text(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    #: field -> the placeholder(s) in braces the page fills in: a wording edit must keep them
    placeholders: ClassVar[Mapping[str, str | tuple[str, ...]]] = {}

    @model_validator(mode="after")
    def _placeholders_kept(self) -> _Text:
        for field, needed in self.placeholders.items():
            for placeholder in (needed,) if isinstance(needed, str) else needed:
                if placeholder not in getattr(self, field):
                    raise ValueError(f"{field} must contain {placeholder}")
        return self


class WelcomeText(_Text):
    does: list[str]
    does_not: list[str]
    order: str
    privacy: str
    disclaimer: str
    start: str
    example_heading: str
    example_help: str
    example_button: str
    example_label: str
    time: str


WHERE_PLACEHOLDERS = {"marked_by": "{clinic}", "marked_by_rated": "{clinic}", "unrated_note": "{middle}"}
MAP_PLACEHOLDERS = {"area_name": ("{area}", "{state}"), "added": ("{area}",), "removed": ("{area}",), "site_label": ("{site}",)}
MAP_MODES = ("whole", "legs_front", "legs_back")


class MapText(_Text):
    """The tappable body map's words: the component's JavaScript shows them as plain text."""

    caption: str
    chosen: str
    nothing: str
    group_label: str
    help: str
    modes_label: str
    modes: dict[str, str]
    area_name: str
    state_on: str
    state_off: str
    added: str
    removed: str
    site_label: str
    loading: str
    failed: str
    refused: str

    placeholders = MAP_PLACEHOLDERS

    @model_validator(mode="after")
    def _complete(self) -> MapText:
        if set(self.modes) != set(MAP_MODES):
            raise ValueError(f"modes must name exactly {list(MAP_MODES)}")
        return self


class WhereText(_Text):
    intro: str
    regions_label: str
    regions_placeholder: str
    side_label: str
    side_missing: str
    intensity_label: str
    story_heading: str
    # an area a clinic marked and the person has not rated yet (see ``RegionPain.from_clinic``)
    marked_by: str
    marked_by_rated: str
    unrated: str
    clinic_fallback: str
    unrated_note: str
    sides: dict[str, str]
    map: MapText

    placeholders = WHERE_PLACEHOLDERS


class AlongText(_Text):
    intro: str
    stiff_label: str
    pain_label: str
    neck_heading: str


class SelfCheckText(_Text):
    intro: str
    locked_heading: str
    locked_body: str
    locked_link: str
    locked_skip: str
    blocked_heading: str
    blocked: str
    gate_heading: str
    told_none: str
    told_some: str
    told_some_note: str
    gate_lead: str
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
    which: str
    which_missing: str
    unanswered: str
    all_clear: str
    ticked: str


REPLACE_PLACEHOLDERS = {"example": "{title}", "file": "{name}", "file_kept": "{name}"}


class ReplaceText(_Text):
    """The question asked before a way in (example, link, file) would replace answers already given."""

    title: str
    example: str
    link: str
    clinic: str
    file: str
    keep_tip: str
    confirm: str
    cancel: str
    kept: str
    file_kept: str

    placeholders = REPLACE_PLACEHOLDERS


class StorageText(_Text):
    """What the page says about the answers kept in the browser (nervetriage/storage.py)."""

    remember: str
    remember_help: str
    shared_warning: str
    forget: str
    forgotten: str
    restored_tab: str
    restored_device: str
    unavailable: str
    bad_copy: str
    conflict: str
    use_other: str
    keep_mine: str
    kept_mine: str
    took_other: str


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


RESULTS_PLACEHOLDERS: dict[str, str | tuple[str, ...]] = {
    "coverage": "{percent}", "answered_so_far": "{percent}", "from_answers": "{reason}", "more_nerves": "{names}",
    "clinic_marked": "{areas}", "unrated_areas": "{areas}", "unrated_note": "{middle}",
    "why_line": ("{what}", "{direction}", "{why}"),
}


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

    placeholders = RESULTS_PLACEHOLDERS
    nerves_heading: str
    nerves_none: str
    caveats_heading: str
    partial: str
    safety_unanswered: str
    next_heading: str
    avoid_heading: str
    score: str
    more_nerves: str
    # the areas a clinic marked in advance, and those not rated yet
    clinic_marked: str
    clinic_fallback: str
    not_rated: str
    unrated_areas: str
    unrated_note: str
    rate_link: str
    # the summary at the top (band, why, what to do), then the detail in parts opened on request
    why_heading: str
    why_towards: str
    why_away: str
    why_line: str
    next_more: str
    next_more_avoid: str
    share_jump: str
    detail_chart: str
    detail_nerves: str
    detail_next: str
    detail_caveats: str

    @model_validator(mode="after")
    def _clinic_named(self) -> ResultsText:
        if "{clinic}" not in self.clinic_marked:
            raise ValueError("clinic_marked must contain {clinic}")
        return self


URGENT_PLACEHOLDERS = {"because": "{title}", "country_option": "{number}", "call": "{number}"}
REPORT_PLACEHOLDERS = {"heading": "{level}", "number": "{number}", "elsewhere": "{numbers}", "inferred": "{reason}"}


class UrgentCallLead(_Text):
    """The line before the call button, by the level of the most urgent alert."""

    emergency: str
    urgent: str


class UrgentReportText(_Text):
    """The urgent PDF: only what to do now, the number, what raised it, what to tell."""

    heading: str
    number: str
    elsewhere: str
    alerts_heading: str
    inferred: str
    note_heading: str
    left_out: str

    placeholders = REPORT_PLACEHOLDERS


class UrgentText(_Text):
    """The urgent result (Results and the PDF) once an emergency or urgent answer is given."""

    heading: str
    pdf_caption: str
    because: str
    others: str
    call_lead: UrgentCallLead
    country_label: str
    country_option: str
    call: str
    call_help: str
    banner_link: str
    handover_heading: str
    handover_help: str
    continue_label: str
    continue_body: str
    continue_button: str
    rest_heading: str
    rest_note: str
    hide_button: str
    report: UrgentReportText

    placeholders = URGENT_PLACEHOLDERS


class SignText(_Text):
    why: str


class Labels(_Text):
    yes: str
    no: str
    not_answered: str
    rating_unset: str
    rating_clear: str
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
    how_did_it_go: str
    outcome_unset: str

    placeholders = {"progress": ("{n}", "{total}", "{page}"), "rating_clear": ("{value}",),
                    "how_did_it_go": ("{treatment}",)}


class LearnText(_Text):
    diagram_heading: str
    diagram_caption: str
    diagram_alt: str


COACH_PLACEHOLDERS = {"banner": ("{title}",), "expected": ("{band}", "{urgency}"), "expected_urgent": ("{urgency}",)}
URGENCIES = get_args(Urgency)


class CoachText(_Text):
    """The example bar a coach demos with: switch example cases, say what each should show, present."""

    banner: str
    previous: str
    next: str
    pick_label: str
    pick_placeholder: str
    about: str
    expected_heading: str
    expected: str
    expected_urgent: str  # an emergency or urgent result: Results leads with what to do, no band
    urgency: dict[str, str]
    presenting: str
    presenting_help: str

    placeholders = COACH_PLACEHOLDERS

    @model_validator(mode="after")
    def _every_urgency(self) -> CoachText:
        if set(self.urgency) != set(URGENCIES):
            raise ValueError(f"urgency must name exactly {list(URGENCIES)}")
        return self


# The step order. The safety check comes straight after "where it hurts", so anything that
# needs a doctor is found before the signs; the self-check comes after the signs and is
# only offered once the safety check is answered (pages/selfcheck.py).
PAGE_IDS = (
    "welcome",
    "where",
    "safety",
    "along",
    "sign1",
    "sign2",
    "sign3",
    "sign4",
    "sign5",
    "sign6",
    "selfcheck",
    "results",
    "learn",
    "physio",
    "clinician",
    "journal",
)


class UiText(_Text):
    """Everything content/ui.yaml holds."""

    source: str
    app_title: str
    tagline: str
    nav: dict[str, str]
    headings: dict[str, str]
    sections: dict[str, str]
    parts: dict[str, str]
    part_position: str
    welcome: WelcomeText
    where: WhereText
    along: AlongText
    selfcheck: SelfCheckText
    safety: SafetyText
    replace: ReplaceText
    storage: StorageText
    results: ResultsText
    urgent: UrgentText
    sign: SignText
    labels: Labels
    learn: LearnText
    coach: CoachText
    coming_soon: str

    placeholders = {"part_position": ("{n}", "{total}")}

    def model_post_init(self, context: object, /) -> None:
        missing = [p for p in PAGE_IDS if p not in self.nav]
        if missing:
            raise ValueError(f"nav misses titles for {missing}")
        unknown = [p for p in self.headings if p not in PAGE_IDS]
        if unknown:
            raise ValueError(f"headings for pages that do not exist: {unknown}")

    def heading(self, page_id: str) -> str:
        """A page's heading: its question where it has one, else its name in the menu."""
        return self.headings.get(page_id, self.nav[page_id])


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
