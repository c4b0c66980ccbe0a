"""Physio: prepare a link for a client (clinic name, a short note, optional preset areas)."""

from __future__ import annotations

import streamlit as st
from pydantic import ValidationError

from nervetriage.content import load_content
from nervetriage.models import RegionPain
from nervetriage.safetext import keep_within, message
from nervetriage.share import MAX_CLINIC_NAME, MAX_CLINIC_NOTE, LinkError, build_clinic_link, decode_link, token_from_text
from nervetriage.ui.frame import ensure_frame
from nervetriage.ui.sharing import app_url
from nervetriage.ui_text import load_ui_text

ensure_frame()

LINK_KEY = "physio:link"
CUT_KEY = "physio:cut"  # fields cut to their limit on the last submit: {widget key: kept text}
NOTICES_KEY = "physio:cut_notices"
content = load_content()
labels = {r.id: r.label for r in content.regions}
sides = load_ui_text().where.sides

st.title("Prepare a link for a client")
st.write(
    "Send a client a link that opens NerveTriage with your clinic's name and a short note on the welcome page. "
    "You can also mark the areas you already know about, so they start there. Nothing is stored on our server: "
    "everything is inside the link."
)

# a paste longer than a field's limit is cut on submit, shown cut in the field, and said so
st.session_state.update(st.session_state.pop(CUT_KEY, {}))
with st.form("physio_form", border=True):
    clinic = st.text_input(f"Clinic or practitioner name (up to {MAX_CLINIC_NAME} characters)", key="physio:clinic",
                           placeholder="e.g. Riverside Running Physio")
    note = st.text_area(f"A short note for your client (plain text, up to {MAX_CLINIC_NOTE} characters)", key="physio:note",
                        placeholder="e.g. Hi Sam, please fill this in before our appointment on Tuesday.")
    regions = st.multiselect("Areas to mark in advance (optional)", options=list(labels), format_func=lambda rid: labels[rid],
                             key="physio:regions", placeholder="Choose areas")
    side = st.segmented_control("Side of those areas", options=list(sides), format_func=lambda s: sides[s], default="left",
                                key="physio:side")
    submitted = st.form_submit_button("Create the link", type="primary", icon=":material/link:")

for notice in st.session_state.pop(NOTICES_KEY, []):
    st.warning(message(notice), icon=":material/content_cut:")

if submitted:
    clinic, clinic_cut = keep_within(clinic, MAX_CLINIC_NAME, "The clinic name")
    note, note_cut = keep_within(note, MAX_CLINIC_NOTE, "The note")
    cuts = {key: kept for key, kept, notice in (("physio:clinic", clinic, clinic_cut), ("physio:note", note, note_cut)) if notice}
    notices = [notice for notice in (clinic_cut, note_cut) if notice]
    if not clinic.strip() and not note.strip():
        st.session_state.pop(LINK_KEY, None)
        st.error("Add your clinic's name or a note, so your client knows who the link is from.")
    else:
        try:
            preset = [RegionPain(region=rid, side=side or "left") for rid in regions]
            st.session_state[LINK_KEY] = build_clinic_link(clinic, note, app_url(), preset)
        except (ValidationError, LinkError) as exc:
            st.session_state.pop(LINK_KEY, None)
            st.error(message(f"The link could not be made: {exc}"))
    if cuts:  # show the fields as they were kept, and say so, on the run that follows
        st.session_state[CUT_KEY] = cuts
        st.session_state[NOTICES_KEY] = notices
        st.rerun()

link = st.session_state.get(LINK_KEY)
if link:
    st.subheader("The link for your client")
    st.code(link, language=None, wrap_lines=True)
    st.caption("Copy it with the button at its corner. Your client sees your name and note as plain text on the welcome page.")
    st.subheader("A message you can send with it")
    st.code(
        "Please open this link and answer the questions; it takes a few minutes:\n"
        f"{link}\n\n"
        "When you reach the Results page:\n"
        "1. Copy the 'Link to these results' and paste it into your reply.\n"
        "2. Click 'Download the PDF report' and attach the PDF.\n"
        "If anything on the page says to see a doctor urgently, do that first.",
        language=None,
        wrap_lines=True,
    )

st.divider()
st.subheader("Open a client's results")
st.caption("Paste the results link your client sent you to check it before opening it.")
pasted = st.text_input("Results link", key="physio:pasted", placeholder="https://…/results?a=1.…")
if pasted.strip():
    try:
        kind, token = token_from_text(pasted)
        decode_link(token)
    except LinkError as exc:
        st.error(message(str(exc)))
    else:
        if kind == "answers":
            st.success("The link is complete. Opening it replaces any answers in this browser tab.")
            st.link_button("Open these results", app_url("results") + "?a=" + token, icon=":material/open_in_new:")
        else:
            st.info("This is a clinic's prepared link, not a client's results.")
