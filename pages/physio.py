"""Physio: prepare a link for a client (clinic name, a short note, optional preset areas)."""

from __future__ import annotations

import streamlit as st
from pydantic import ValidationError

from nervetriage.content import load_content
from nervetriage.models import MAX_CONTACT_CHARS, RegionPain, check_contact
from nervetriage.safetext import keep_within, message
from nervetriage.share import MAX_CLINIC_NAME, MAX_CLINIC_NOTE, LinkError, build_clinic_link, decode_link, token_from_text
from nervetriage.ui.frame import ensure_frame
from nervetriage.ui.handover_widget import send_panel
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
    contact = st.text_input("Email address for your client's reply (optional)", key="physio:contact",
                            max_chars=MAX_CONTACT_CHARS, placeholder="e.g. reception@riverside-physio.example",
                            help="Your client's Results page then has a 'Send to' button that opens their email app "
                                 "with a summary and the results link, addressed to you. It goes only into the link.")
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
    contact_problem = ""
    if contact.strip():
        try:
            check_contact(contact)
        except ValueError as exc:
            contact_problem = str(exc)
    if not clinic.strip() and not note.strip():
        st.session_state.pop(LINK_KEY, None)
        st.error("Add your clinic's name or a note, so your client knows who the link is from.")
    elif contact_problem:
        st.session_state.pop(LINK_KEY, None)
        st.error(message(f"The email address was not used: {contact_problem}. Correct it or leave it empty."))
    else:
        try:
            preset = [RegionPain(region=rid, side=side or "left") for rid in regions]
            st.session_state[LINK_KEY] = build_clinic_link(clinic, note, app_url(), preset, contact)
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
    send_panel(link, key="physio", share_title="NerveTriage", share_text="Please fill this in before our appointment.")
    st.caption("Your client sees your name and note as plain text on the welcome page. Areas you mark arrive "
               "unrated: your client says how strong each one is.")
    st.subheader("A message you can send with it")
    replying = ("3. Press 'Send to' under 'Link to these results': it writes the email back to us for you."
                if st.session_state.get("physio:contact", "").strip() else
                "3. Copy the 'Link to these results' and paste it into your reply.")
    st.code(
        "Please open this link and answer the questions; it takes about five minutes:\n"
        f"{link}\n\n"
        "On the Results page:\n"
        "1. If anything there says to see a doctor urgently, do that first.\n"
        "2. Add your name or initials if you like, so we know the results are yours.\n"
        f"{replying}\n"
        "You can also press 'Prepare the PDF report', then 'Download the PDF report', and attach the PDF.",
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
            st.link_button("Open the clinician summary", app_url("clinician") + "?a=" + token, icon=":material/clinical_notes:",
                           type="primary")
            st.link_button("Open the client's own result page", app_url("results") + "?a=" + token,
                           icon=":material/open_in_new:")
        else:
            st.info("This is a clinic's prepared link, not a client's results.")
