"""The pieces of the Results page: the urgent result, safety first, the summary (the band,
why, what to do next), then the detail: the chart, nerves, the areas a clinic marked, next steps.

Everything shown is read from the ``Assessment`` (and content); nothing is scored here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

import plotly.graph_objects as go
import streamlit as st

from nervetriage.bodymap import region_label
from nervetriage.content import load_content
from nervetriage.models import Answers, Assessment, RegionPain, TriggeredFlag
from nervetriage.safetext import literal
from nervetriage.scoring import UNRATED_INTENSITY
from nervetriage.ui.frame import flag_line
from nervetriage.ui.nav import ICONS, page_file, sign_page
from nervetriage.ui_text import load_ui_text
from nervetriage.urgent import emergency_number, urgent_flags

if TYPE_CHECKING:
    import pandas as pd

POSITIVE = "#1f6f78"
NEGATIVE = "#c0602a"
BAND_ICONS = {
    "not_enough": ":material/pending:",
    "unlikely": ":material/fitness_center:",
    "possible": ":material/help:",
    "likely": ":material/bolt:",
}
SENSITIVE_BANDS = ("possible", "likely")
REASON_ICONS = {"towards": ":material/trending_up:", "away": ":material/trending_down:"}
SUMMARY_REASONS = 3  # the summary's "Why": this many of the chart's rows
SUMMARY_STEPS = 3  # and its "What to do next": the first this many steps, by title


class Contribution(NamedTuple):
    """One row of the chart and its table."""

    what: str
    points: float
    why: str
    lead: str = ""  # its strongest reason alone, for the summary ("why" is all of them)


def contributions(assessment: Assessment) -> tuple[Contribution, ...]:
    """One row per sign, modifier and counter-evidence: what moved the score and why."""
    ui = load_ui_text()
    rows: list[Contribution] = []
    for sign in assessment.signs:
        short = ui.nav.get(sign_page(sign.number), f"Sign {sign.number}")
        why = " ".join(sign.reasons) if sign.answered else ui.labels.not_answered
        what = short if sign.answered else f"{short} ({ui.labels.not_answered})"
        rows.append(Contribution(what, round(sign.points, 1), why, _lead_reason(assessment, sign.number, sign.points, why)))
    for item in assessment.modifiers:
        rows.append(Contribution(item.label, round(item.points, 1), item.reason, item.reason))
    for item in assessment.counter_evidence:
        rows.append(Contribution(item.label, round(item.points, 1), item.reason, item.reason))
    return tuple(rows)


def _lead_reason(assessment: Assessment, sign: int, points: float, why: str) -> str:
    """The reason of the sign's finding that moved it most in the direction it moved; ``why``
    when it has none (each of a sign's reasons is one of its findings')."""
    same_way = [f for f in assessment.findings if f.sign == sign and f.points * points > 0]
    return max(same_way, key=lambda f: abs(f.points)).reason if same_way else why


def top_reasons(assessment: Assessment, count: int = SUMMARY_REASONS) -> tuple[Contribution, ...]:
    """The rows of the chart that moved the result most, for or against, strongest first
    (equal ones in the chart's order); rows that did not move it are left out."""
    rows = [row for row in contributions(assessment) if row.points != 0]
    return tuple(sorted(rows, key=lambda row: -abs(row.points))[:count])


def findings_frame(assessment: Assessment) -> pd.DataFrame:
    """One row per finding behind the bars: its part of the check, points, the factor it
    multiplies the odds by (the likelihood ratio), how well that figure is known, and why."""
    import pandas as pd  # only the table needs it (st.table imports pandas whatever it is given)

    ui = load_ui_text()
    text = ui.results
    cols = text.table_columns
    evidence = text.evidence.model_dump()
    rows = [
        (
            finding.label,
            ui.nav.get(sign_page(finding.sign), f"Sign {finding.sign}") if finding.sign else text.other_part,
            f"{round(finding.points, 1):+g}",  # as the bars label them (a float column would print 4 decimals)
            f"× {finding.lr:.2g}",
            evidence[finding.evidence],
            finding.reason,
        )
        for finding in assessment.findings
    ]
    columns = [cols.what, cols.sign, cols.points, cols.odds, cols.evidence, cols.why]
    return pd.DataFrame(rows, columns=columns).set_index(cols.what)


def coverage_percent(coverage: float) -> int:
    """The answered share of the evidence as a whole percentage; never 0 once anything counts."""
    percent = round(100 * coverage)
    return 1 if coverage > 0 and percent == 0 else percent


def contribution_figure(rows: tuple[Contribution, ...]) -> go.Figure:
    """Horizontal bars: right for evidence towards a nerve, left for counter-evidence.

    Read-only: the figure is shared by every rerun and session with the same rows.
    """
    return _contribution_figure(tuple((r.what, float(r.points)) for r in rows))


@functools.lru_cache(maxsize=64)
def _contribution_figure(rows: tuple[tuple[str, float], ...]) -> go.Figure:
    """Built once per distinct set of rows, from plain dicts without Plotly's per-property
    validation (~7 ms a rerun otherwise); tests check the result validates."""
    shown = rows[::-1]
    points = [p for _, p in shown]
    names = [_wrap(what) for what, _ in shown]
    lines = sum(name.count("<br>") + 1 for name in names)
    low, high = min([0.0, *points]), max([0.0, *points])
    pad = max(1.5, (high - low) * 0.15)  # room for the +/- value labels outside the bars
    x_range = [low - (pad if low < 0 else 0), high + pad]
    bar = {
        "type": "bar",
        "x": points,
        "y": names,
        "orientation": "h",
        "marker": {"color": [POSITIVE if p >= 0 else NEGATIVE for p in points]},
        "text": [f"{p:+g}" for p in points],
        "textposition": "outside",
        "cliponaxis": False,
        "hovertemplate": "%{y}: %{x:+g} points<extra></extra>",
    }
    layout = {
        "height": 80 + 22 * lines + 14 * len(shown),
        "margin": {"l": 10, "r": 30, "t": 10, "b": 30},
        "xaxis": {"title": {"text": "points"}, "zeroline": True, "zerolinecolor": "#1d2b2f", "fixedrange": True, "range": x_range},
        "yaxis": {"automargin": True, "fixedrange": True},
        "plot_bgcolor": "rgba(0,0,0,0)",
        "paper_bgcolor": "rgba(0,0,0,0)",
        "font": {"size": 13},
    }
    return go.Figure(data=[bar], layout=layout, _validate=False)


def _wrap(text: str, width: int = 24) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(lines)


URGENT_SEEN = "nt_urgent_seen"  # the urgent alerts the person chose to see the rest of the result past
COUNTRY = "nt_emergency_country"  # the chosen emergency number's id, for this session only
COUNTRY_WIDGET = "urgent:country"


def full_result_shown(assessment: Assessment) -> bool:
    """Whether the whole result shows: always without an emergency or urgent answer; with one,
    only once the person has asked for the rest. A new urgent answer brings the urgent-only
    result back."""
    if not assessment.urgent_only:
        return True
    seen = st.session_state.get(URGENT_SEEN)
    return isinstance(seen, tuple) and {f.id for f in urgent_flags(assessment)} <= set(seen)


def urgent_section(assessment: Assessment, after_handover: Callable[[], None] | None = None) -> None:
    """The urgent result: what to do now, the number to call, what to tell the clinician, and,
    small at the bottom, a way to see the rest. No band, score or advice (nothing else shows
    until the person asks for the rest)."""
    if not assessment.urgent_only:
        return
    text = load_ui_text().urgent
    flags = urgent_flags(assessment)
    with st.container(key="urgent_result"):
        st.subheader(text.heading, anchor=False)
        st.error(_what_to_do(flags), icon=":material/emergency:")
        _call_control(flags[0].level)
        st.subheader(text.handover_heading, anchor=False)
        st.caption(text.handover_help)
        with st.container(border=True, key="urgent_handover"):
            st.markdown("\n".join(f"- {line}" for line in assessment.handover))
        if after_handover is not None and not full_result_shown(assessment):
            after_handover()
    if full_result_shown(assessment):
        st.button(text.hide_button, key="urgent:hide", type="tertiary", icon=":material/unfold_less:", on_click=_hide_rest)
        st.divider()
        st.subheader(text.rest_heading, anchor=False)
        st.caption(text.rest_note)
        return
    st.space("medium")
    with st.expander(text.continue_label, icon=":material/schedule:"):
        st.caption(text.continue_body)
        st.button(text.continue_button, key="urgent:continue", on_click=_show_rest, args=(tuple(sorted(f.id for f in flags)),))


def _what_to_do(flags: list[TriggeredFlag]) -> str:
    """The lead alert's action in bold, why, then the other urgent alerts in a line each, with
    its action unless the lead's already says it (so no instruction is said twice)."""
    text = load_ui_text()
    lead, others = flags[0], flags[1:]
    lines = [f"**{lead.action}**", "", text.urgent.because.format(title=lead.title)]
    if lead.kind == "inferred" and lead.reason:
        lines += ["", "*" + text.results.from_answers.format(reason=lead.reason) + "*"]
    if others:
        lines += ["", f"**{text.urgent.others}**", ""]
    for flag in others:
        line = f"- **{flag.title}.**" + ("" if lead.action.startswith(flag.action) else f" {flag.action}")
        if flag.kind == "inferred" and flag.reason:
            line += " *" + text.results.from_answers.format(reason=flag.reason) + "*"
        lines.append(line)
    return "\n".join(lines)


def _call_control(level: str) -> None:
    """A tap-to-call button (a tel: link) for the emergency number of the chosen country."""
    text = load_ui_text().urgent
    numbers = {n.id: n for n in load_content().emergency.numbers}
    chosen = emergency_number(st.session_state.get(COUNTRY))
    st.markdown(text.call_lead.emergency if level == "emergency" else text.call_lead.urgent)
    st.session_state[COUNTRY_WIDGET] = chosen.id  # the widget is a view of the remembered choice
    left, right = st.columns([3, 2], vertical_alignment="bottom")
    left.selectbox(
        text.country_label,
        list(numbers),
        key=COUNTRY_WIDGET,
        format_func=lambda i: text.country_option.format(label=numbers[i].label, number=numbers[i].number),
        on_change=_remember_country,
    )
    right.link_button(
        text.call.format(number=chosen.number),
        f"tel:{chosen.number}",
        type="primary" if level == "emergency" else "secondary",
        icon=":material/call:",
        width="stretch",
    )
    st.caption(text.call_help)


def _remember_country() -> None:
    st.session_state[COUNTRY] = st.session_state.get(COUNTRY_WIDGET)


def _show_rest(flag_ids: tuple[str, ...]) -> None:
    st.session_state[URGENT_SEEN] = flag_ids


def _hide_rest() -> None:
    st.session_state.pop(URGENT_SEEN, None)


def safety_first(assessment: Assessment) -> None:
    """Flags below the urgent level (the frame's banner already shows urgent ones)."""
    others = [f for f in assessment.red_flags if f.level == "professional"]
    if not others:
        return
    lines = [assessment.urgency_message if assessment.urgency == "professional" else "", ""]
    lines += [flag_line(f) for f in others]
    st.warning("\n".join(lines).strip(), icon=":material/medical_services:")


def band_section(assessment: Assessment, safety_answered: bool = True) -> None:
    """The band and what it means. "Not enough answers yet" shows no score (it is no verdict):
    how much is answered, and links to the questions that would decide it."""
    text = load_ui_text().results
    icon = BAND_ICONS[assessment.band]
    percent = coverage_percent(assessment.coverage)
    with st.container(border=True, key="results_band"):
        if assessment.band == "not_enough":
            st.caption(f"{icon} {text.band_heading}")
        else:
            st.caption(f"{icon} {text.band_heading} · {text.score} {assessment.score} / 100")
        st.header(assessment.band_label, anchor=False)
        st.markdown(f"**{text.means}.** {assessment.band_meaning}")
        if assessment.band == "not_enough":
            st.markdown(text.answered_so_far.format(percent=percent))
            deciding_links(assessment, safety_answered)
        else:
            st.caption(text.coverage.format(percent=percent))
            st.caption(text.does_not_mean)


def why_section(assessment: Assessment) -> None:
    """The summary's "Why": the few answers that counted most, each in one plain sentence and
    marked towards or away from a nerve. None before a verdict ("not enough answers yet")."""
    rows = top_reasons(assessment)
    if assessment.band == "not_enough" or not rows:
        return
    text = load_ui_text().results
    st.subheader(text.why_heading, anchor=False)
    lines = []
    for row in rows:
        way = "towards" if row.points > 0 else "away"
        direction = text.why_towards if way == "towards" else text.why_away
        lines.append(f"- {REASON_ICONS[way]} " + text.why_line.format(what=row.what, direction=direction, why=row.lead))
    st.markdown("\n".join(lines))


def next_steps_summary(assessment: Assessment) -> None:
    """The summary's "What to do next": the first steps by their titles (all of them in full
    under "All next steps"); before a verdict, why there is no advice yet."""
    text = load_ui_text().results
    if assessment.band != "not_enough" and not assessment.next_steps:
        return
    st.subheader(text.next_heading, anchor=False)
    if assessment.band == "not_enough":
        st.info(text.not_enough_next, icon=":material/checklist:")
        return
    st.markdown("\n".join(f"- **{item.title}**" for item in assessment.next_steps[:SUMMARY_STEPS]))
    st.caption(text.next_more_avoid if assessment.avoid else text.next_more)


def deciding_links(assessment: Assessment, safety_answered: bool = True) -> None:
    """The unanswered questions that would decide the result most, each linked to its step."""
    text = load_ui_text().results
    if not assessment.deciding and safety_answered:
        return
    st.markdown(f"**{text.deciding_heading}**")
    for question in assessment.deciding:
        st.page_link(page_file(question.page), label=question.label, icon=ICONS.get(question.page, ":material/edit:"))
    if not safety_answered and not any(q.page == "safety" for q in assessment.deciding):
        st.page_link(page_file("safety"), label=text.safety_unanswered, icon=ICONS["safety"])


def partial_notice(assessment: Assessment, safety_answered: bool) -> None:
    """Say what is missing, with a link to each step that would fill it in.

    Not for "not enough answers yet": its band section already links the deciding questions.
    """
    if not assessment.partial or assessment.band == "not_enough":
        return
    text = load_ui_text().results
    content = load_content()
    with st.container(border=True):
        st.markdown(f"**{text.partial}**")
        for number in assessment.unanswered:
            st.page_link(page_file(sign_page(number)), label=f"Sign {number}: {content.sign(number).title}", icon=":material/edit:")
        if not safety_answered:
            st.page_link(page_file("safety"), label=text.safety_unanswered, icon=":material/health_and_safety:")


def chart_section(assessment: Assessment) -> None:
    text = load_ui_text().results
    st.subheader(text.chart_heading, anchor=False)
    if not assessment.findings:
        st.caption(text.chart_empty)
        return
    st.caption(text.chart_help)
    st.plotly_chart(
        contribution_figure(contributions(assessment)),
        key="results_chart",
        config={"displayModeBar": False, "responsive": True},
        width="stretch",
    )
    with st.expander(text.table_caption, icon=":material/table:"):
        st.table(findings_frame(assessment))


def nerves_section(assessment: Assessment) -> None:
    text = load_ui_text().results
    st.subheader(text.nerves_heading, anchor=False)
    if not assessment.nerves:
        st.write(text.nerves_none)
        return
    if assessment.coherent is not None:
        icon = ":material/check_circle:" if assessment.coherent else ":material/info:"
        st.markdown(f"{icon} {assessment.coherence_reason}")
    for nerve in assessment.nerves[:4]:
        sides = ", ".join(nerve.sides)
        with st.expander(f"{nerve.name} ({nerve.roots}) · {sides}"):
            st.markdown("\n".join(f"- {reason}" for reason in nerve.reasons))
    if len(assessment.nerves) > 4:
        rest = ", ".join(n.name for n in assessment.nerves[4:])
        st.caption(text.more_nerves.format(names=rest))


def _area(pain: RegionPain) -> str:
    """'Left heel (not rated)' or 'Left heel (6/10)'."""
    strength = load_ui_text().results.not_rated if pain.intensity is None else f"{pain.intensity}/10"
    return f"{region_label(pain.region, pain.side)} ({strength})"


def clinic_marks_lines(answers: Answers) -> list[str]:
    """Markdown lines on the painful areas that did not come from the person alone: those a
    clinic marked in advance (rated or not, with the clinic's name as literal text), those
    not rated yet, and how an unrated area counts. Empty when every area is the person's own
    and rated."""
    text = load_ui_text().results
    lines = []
    marked = [r for r in answers.regions if r.from_clinic]
    if marked:
        clinic = answers.origin.clinic if answers.origin is not None and answers.origin.clinic else None
        name = literal(clinic) if clinic else text.clinic_fallback
        lines.append(text.clinic_marked.format(clinic=name, areas=", ".join(_area(r) for r in marked)))
    own_unrated = [r for r in answers.regions if r.intensity is None and not r.from_clinic]
    if own_unrated:
        lines.append(text.unrated_areas.format(areas=", ".join(region_label(r.region, r.side) for r in own_unrated)))
    if any(r.intensity is None for r in answers.regions):
        lines.append(text.unrated_note.format(middle=UNRATED_INTENSITY))
    return lines


def clinic_marks_note(answers: Answers) -> None:
    """Under the results map: which areas the clinic marked and which are still unrated,
    with a link to rate them."""
    lines = clinic_marks_lines(answers)
    if not lines:
        return
    st.caption(" ".join(lines))
    if any(r.intensity is None for r in answers.regions):
        st.page_link(page_file("where"), label=load_ui_text().results.rate_link, icon=ICONS["where"])


def caveats_section(assessment: Assessment) -> None:
    st.subheader(load_ui_text().results.caveats_heading, anchor=False)
    st.markdown("\n".join(f"- {c}" for c in assessment.caveats))


def next_steps_section(assessment: Assessment) -> None:
    text = load_ui_text().results
    st.subheader(text.next_heading, anchor=False)
    if assessment.band == "not_enough":
        st.info(text.not_enough_next, icon=":material/checklist:")
        return
    for item in assessment.next_steps:
        with st.container(border=True):
            st.markdown(f"**{item.title}**")
            st.write(item.text)
    if assessment.avoid:
        st.markdown(f"**{text.avoid_heading}:**")
        st.markdown("\n".join(f"- {line}" for line in assessment.avoid))
