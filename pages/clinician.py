"""Clinician summary: a client's answers on one screen, in the third person, with its PDF.

Everything shown comes from ``nervetriage.handover.clinician_summary`` (the PDF draws the
same summary). "Not answered" is always shown apart from "No".
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from nervetriage.bodymap import build_results_figure
from nervetriage.handover import Row, clinician_summary, file_stem, load_clinician_content
from nervetriage.models import Answers
from nervetriage.safetext import literal, visible
from nervetriage.scoring import assess
from nervetriage.share import has_answers
from nervetriage.ui import sharing
from nervetriage.ui.frame import ensure_frame
from nervetriage.ui.nav import page_file
from nervetriage.ui.state import get_answers

ensure_frame()
st.set_page_config(layout="wide")  # one screen at a glance: the blocks side by side need the width

words = load_clinician_content()
text = words.page
answers = get_answers()
st.title(text.heading)

STYLES = {  # "not answered" grey and italic, "not done" grey, "yes" bold, "no" plain
    "not_answered": "color: #6b7280; font-style: italic",
    "not_done": "color: #6b7280",
    "yes": "font-weight: 600",
}


def table(rows: tuple[Row, ...]) -> Styler:
    """A block as a full-width two-column table, each answer styled by its status."""
    columns = text.findings_columns
    frame = pd.DataFrame({columns["item"]: [visible(r.label) for r in rows], columns["answer"]: [visible(r.value) for r in rows]})
    styles = [STYLES.get(r.status, "") for r in rows]
    return frame.style.hide(axis="index").apply(lambda _column: styles, subset=[columns["answer"]])


def show(answers: Answers) -> None:
    """The whole summary of ``answers`` (a client's, opened from their link)."""
    assessment = assess(answers)
    today = dt.date.today()
    summary = clinician_summary(answers, assessment, today)

    # --- identity
    with st.container(border=True, key="nt_clinician_identity"):
        left, middle, right = st.columns(3)
        left.markdown(f"**{text.identity}**  \n{literal(summary.client_shown)}")
        dated = summary.made_on.strftime("%d %b %Y") if summary.dated else text.dated_unknown.format(date=today.strftime("%d %b %Y"))
        middle.markdown(f"**{text.dated}**  \n{literal(dated)}")
        clinic = summary.clinic or words.words["not_given"]
        right.markdown(f"**{text.clinic}**  \n{literal(clinic)}")
        if sharing.opened_from_link():
            st.caption(text.from_link)

    # --- result, red flags first when they are positive
    st.subheader(text.result_heading, anchor=False)
    if summary.alerts:
        st.error("**" + literal(text.alerts_heading) + "**\n\n" + "\n".join(f"- {literal(a)}" for a in summary.alerts),
                 icon=":material/emergency:")
    flag = summary.red_flags
    flag_line = f"**{literal(flag.label)}:** {literal(flag.value)}"
    if flag.status == "yes":
        st.error(flag_line, icon=":material/report:")
    elif flag.status == "not_answered":
        st.warning(flag_line, icon=":material/help:")
    else:
        st.success(flag_line, icon=":material/check_circle:")
    score = (text.score.format(score=summary.score, coverage=summary.coverage) if summary.score is not None
             else text.coverage_only.format(coverage=summary.coverage))
    st.markdown(f"### {literal(summary.result)}\n{literal(score)}")
    if not summary.urgent_only:
        st.markdown(f"**{literal(text.findings_heading)}**")
        if summary.findings:
            columns = text.findings_columns
            lines = [f"| {columns['label']} | {columns['lr']} | {columns['points']} | {columns['tone']} |", "|:--|--:|--:|:--|"]
            for finding in summary.findings:
                tone = text.tone[finding.tone]
                points = f"{finding.points:+.1f}".replace("-", "−")
                lines.append(f"| {literal(finding.label)} | {finding.lr:.2f} | {points} | {literal(tone)} |")
            st.markdown("\n".join(lines))
        else:
            st.caption(text.no_findings)

    # --- the answers, block by block
    st.caption(text.legend)
    PER_ROW = 2
    for start in range(0, len(summary.blocks), PER_ROW):
        row_blocks = summary.blocks[start : start + PER_ROW]
        for column, block in zip(st.columns(PER_ROW), row_blocks, strict=False):
            with column, st.container(border=True, key=f"nt_clinician_{block.id}"):
                st.markdown(f"**{literal(block.title)}**")
                st.table(table(block.rows))

    # --- areas and nerves
    st.subheader(text.areas_heading, anchor=False)
    left, right = st.columns([3, 2])
    with left:
        if summary.regions:
            st.markdown("\n".join(f"- {literal(line)}" for line in summary.regions))
        else:
            st.caption(text.no_areas)
        if summary.nerves:
            st.markdown(f"**{literal(text.nerves)}**\n\n" + "\n".join(f"{n}. {literal(line)}" for n, line in
                                                                       enumerate(summary.nerves, start=1)))
    with right:
        if summary.regions or summary.nerves:
            st.plotly_chart(build_results_figure(answers, assessment, dermatomes=False), key="bodymap_clinician",
                            config={"displayModeBar": False, "responsive": True}, width="stretch")

    # --- journal and note
    st.subheader(text.journal_heading, anchor=False)
    if summary.journal:
        st.markdown("\n".join(f"- {literal(line)}" for line in summary.journal))
    else:
        st.caption(text.no_journal)
    if summary.note:
        st.markdown(f"**{literal(text.note_heading)}**")
        st.text(visible(summary.note))

    st.caption(literal(summary.screen_note))
    st.divider()


    def _build() -> bytes:
        from nervetriage.clinician_report import build_clinician_report

        return build_clinician_report(answers, assessment, today=today)


    left, right = st.columns(2)
    with left:
        sharing.pdf_button(answers, _build, file_name=f"{file_stem('clinician', answers.client, summary.made_on)}.pdf",
                           key="clinician_pdf", prepare=text.pdf_prepare, download=text.pdf_download)
        st.caption(text.pdf_caption)
    with right:
        st.page_link(page_file("results"), label=text.client_view, icon=":material/insights:")


if has_answers(answers):
    show(answers)
else:  # no st.stop(): the frame still has to run after the page (the browser bridge, the footer)
    st.info(text.empty, icon=":material/clinical_notes:")
    st.page_link(page_file("physio"), label=text.empty_link, icon=":material/link:")
