"""Ways in and out of the app: share links, answers files, the PDF, and origin banners.

Every way in (a results link ``?a=``, a clinic's link ``?c=``, an uploaded file, an example)
goes through ``offer_answers``: it ends in ``set_answers`` with validated ``Answers``, or in
a clear message with the answers already entered left exactly as they were. When the person
already has answers, it asks first ("Replace my answers" or "Keep mine"), as Start over does.
Text that came from a link or a file (a clinic's name and note, an example id, a file name)
is shown as plain text, never as Markdown or HTML.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

import streamlit as st

from nervetriage.examples import untouched_example
from nervetriage.limits import megabytes, upload_megabytes
from nervetriage.models import MAX_CLIENT_CHARS, Answers, Assessment
from nervetriage.safetext import clip, excerpt, literal, message, visible
from nervetriage.share import (
    ANSWERS_PARAM,
    CLINIC_PARAM,
    MAX_FILE_BYTES,
    AnswersFileError,
    LinkError,
    answers_file_json,
    answers_from_clinic_link,
    build_share_link,
    decode_link,
    has_answers,
    keeps_answers,
    read_answers_file,
)
from nervetriage.ui import coach
from nervetriage.ui.state import get_answers, set_answers, update_answers
from nervetriage.ui.widgets import sure_button
from nervetriage.ui_text import PAGE_IDS as _PAGE_ORDER
from nervetriage.ui_text import load_ui_text

RESULTS_PAGE = "pages/results.py"
PAGE_IDS = frozenset(_PAGE_ORDER)
_APPLIED = "nt_link_applied"  # the link already applied in this session (AppTest keeps query params)
_NOTICE = "nt_link_notice"  # a message to show once, after a rerun or page switch
_GOTO_RESULTS = "nt_link_goto_results"
_UPLOADED = "nt_upload_done"  # the uploaded file already applied (the uploader keeps its file)
_UPLOAD_KEY = "nt_upload"
_PENDING = "nt_replace_pending"  # answers waiting for "Replace my answers" or "Keep mine"
_FROM_LINK = "nt_from_results_link"  # this session's answers came from a results link (a clinician opening one)
_CLIENT_KEY = "nt_client_name"
STAYS_ON = ("results", "clinician")  # pages a results link may open on (others go to Results)
DEFAULT_ROOT = "http://localhost:8501"


# --------------------------------------------------------------------------- links in


def notice(kind: str, text: str) -> None:
    """A message for the top of the next page shown ("error", "info" or "success"); several queue up."""
    pending = st.session_state.get(_NOTICE)
    st.session_state[_NOTICE] = [*(pending if isinstance(pending, list) else []), (kind, text, 0)][-4:]


_notice = notice


def restore_from_url() -> None:
    """Apply ``?a=`` (results link) or ``?c=`` (clinic link) once, then drop it from the URL.

    Called by app.py before navigation. A real browser drops query params when the
    person moves to another page, and AppTest keeps them; remembering the applied link
    in the session makes both behave the same: a link is applied once per session.
    """
    tokens = {param: st.query_params.get(param) for param in (ANSWERS_PARAM, CLINIC_PARAM)}
    for param, token in tokens.items():
        if token is not None:
            del st.query_params[param]
    # a results link wins over a clinic link if both arrive together
    param = ANSWERS_PARAM if tokens[ANSWERS_PARAM] is not None else CLINIC_PARAM
    token = tokens[param]
    if token is None:
        return
    applied = f"{param}:{hashlib.sha256(token.encode('utf-8', 'replace')).hexdigest()}"
    if st.session_state.get(_APPLIED) == applied:
        return
    st.session_state[_APPLIED] = applied
    try:
        incoming = decode_link(token)
    except LinkError as exc:
        _notice("error", f"{exc} Your answers were not changed.")
        return
    if param == ANSWERS_PARAM:
        if offer_answers(incoming, "link", then_results=True, notice="Answers restored from the shared link."):
            st.session_state[_GOTO_RESULTS] = True  # switched to once the pages are known
    else:
        try:
            proposal = answers_from_clinic_link(get_answers(), incoming)
        except ValueError as exc:  # pydantic's ValidationError: the merge would break a limit
            _notice("error", f"This clinic link could not be added to your answers ({exc}). Your answers were not changed.")
        else:
            offer_answers(proposal, "clinic")


# --------------------------------------------------------------------------- replacing answers

Source = Literal["example", "link", "clinic", "file"]


@dataclass(frozen=True)
class _Offer:
    """Answers from a way in, waiting for the person's answer to "Replace your answers?"."""

    answers: Answers
    source: Source
    name: str  # the example's title or the file's name, for the question
    then_results: bool  # replacing opens Results (a results link, an example)
    notice: str  # said once the answers are in; "" for none
    upload: str  # the uploaded file's marker, "" for other ways in


def offer_answers(incoming: Answers, source: Source, *, name: str = "", then_results: bool = False, notice: str = "",
                  upload: str = "") -> bool:
    """Use ``incoming`` now, or ask first when it would replace answers the person gave.

    An example, a results link or a file asks whenever the person has any answers (or a
    journal) that differ from it. A clinic link only adds its note and regions, so it asks
    only when it would change an answer given (over an example's answers, which it replaces).
    Returns True when the answers were used now; False when the question is open: the frame
    asks it at the top of each run (``ask_before_replacing``) until it is answered.
    """
    offer = _Offer(incoming, source, name, then_results, notice, upload)
    current = get_answers()
    if _must_ask(current, incoming, source):
        st.session_state[_PENDING] = offer
        return False
    _use(offer)
    return True


def _must_ask(current: Answers, incoming: Answers, source: Source) -> bool:
    if source == "clinic":  # it adds to the person's answers: ask only if it would change one
        return not keeps_answers(current, incoming)
    if source == "example" and untouched_example(current):  # a coach stepping through the examples
        return False
    # the day a link or file was sent is not an answer: reopening one's own file asks nothing
    return has_answers(current) and incoming.model_copy(update={"dated": current.dated}) != current


def opened_from_link() -> bool:
    """True when this session's answers came from a results link (as when a clinician opens one)."""
    return bool(st.session_state.get(_FROM_LINK))


def clinician_entry() -> None:
    """On a Results page opened from a results link: "I am the clinician" opens the clinician summary."""
    from nervetriage.handover import load_clinician_content
    from nervetriage.ui.nav import page_file

    words = load_clinician_content().page
    with st.container(border=True, key="nt_clinician_entry"):
        st.caption(words.open_summary_caption)
        # noted in a callback, so a run interrupted right after the page load cannot lose the click
        if sure_button(words.open_summary, key="nt_open_clinician", scope="results", icon=":material/clinical_notes:",
                       width="stretch"):
            st.switch_page(page_file("clinician"))


def _use(offer: _Offer) -> None:
    set_answers(offer.answers)
    st.session_state[_FROM_LINK] = offer.source == "link"
    st.session_state.pop(_CLIENT_KEY, None)  # the name field shows the new answers' name
    if offer.notice:
        _notice("success", offer.notice)
    if offer.upload:
        st.session_state[_UPLOADED] = (offer.upload, ("success", f"Answers restored from {offer.name}."))


def _keep() -> None:
    """"Keep mine" (or closing the question): nothing changes; say so once."""
    offer = st.session_state.pop(_PENDING, None)
    if not isinstance(offer, _Offer):
        return
    text = load_ui_text().replace
    if offer.upload:
        st.session_state[_UPLOADED] = (offer.upload, ("info", text.file_kept.format(name=offer.name)))
    else:
        _notice("info", text.kept)


def ask_before_replacing() -> None:
    """Called by the frame on every run: shows the open "Replace your answers?" question."""
    if isinstance(st.session_state.get(_PENDING), _Offer):
        _confirm_replace()


@st.dialog(load_ui_text().replace.title, on_dismiss=_keep)
def _confirm_replace() -> None:
    offer = st.session_state.get(_PENDING)
    if not isinstance(offer, _Offer):
        return
    text = load_ui_text().replace
    name = literal(clip(offer.name, 60))  # a file name is whatever the person's disk calls it
    body = {
        "example": text.example.format(title=name),
        "link": text.link,
        "clinic": text.clinic,
        "file": text.file.format(name=name),
    }[offer.source]
    st.markdown(body)
    st.caption(text.keep_tip)
    left, right = st.columns(2)
    if left.button(text.confirm, key="replace_confirm", type="primary", width="stretch"):
        st.session_state.pop(_PENDING, None)
        _use(offer)
        if offer.then_results and _current_page() not in STAYS_ON:
            st.switch_page(RESULTS_PAGE)
        st.rerun()
    if right.button(text.cancel, key="replace_cancel", width="stretch"):
        _keep()
        st.rerun()


def _current_page() -> str | None:
    """The page id from the browser's URL, or None when unknown (AppTest, or the app root)."""
    url = st.context.url
    if not url:
        return None
    last = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return last if last in PAGE_IDS else None


def app_url(page: str = "") -> str:
    """The absolute URL of a page of this app, as the person's browser reaches it."""
    url = st.context.url or DEFAULT_ROOT
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if segments and segments[-1] in PAGE_IDS:
        segments.pop()
    if page:
        segments.append(page)
    path = "/" + "/".join(segments)
    if not page and segments:
        path += "/"  # the app's root under a base path: keep the slash before "?c="
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


# --------------------------------------------------------------------------- banners


def origin_banner(answers: Answers, keep_notices: bool = False, beside_urgent: bool = False) -> None:
    """Pending link messages, then the example bar (nervetriage/ui/coach.py) or the clinic's note, on every page.

    ``keep_notices``: show the messages but keep them for the next run too (a fresh session
    reruns at once when the browser reports what it kept, and they must not vanish with it).
    ``beside_urgent``: the page is an urgent result, which shows nothing beside what to do now,
    so the example bar leaves out the example's story and expected result.
    """
    if st.session_state.pop(_GOTO_RESULTS, False) and _current_page() not in STAYS_ON:
        st.switch_page(RESULTS_PAGE)
    pending = st.session_state.pop(_NOTICE, [])
    pending = pending if isinstance(pending, list) else []
    if keep_notices:  # shown on at most two runs before the browser has reported in
        st.session_state[_NOTICE] = [(kind, text, runs + 1) for kind, text, runs in pending if runs < 1]
    for kind, text, _runs in pending:
        if kind == "error":
            st.error(message(text), icon=":material/link_off:")
        elif kind == "info":
            st.info(message(text), icon=":material/check_circle:")
        else:
            st.success(message(text), icon=":material/link:")
    origin = answers.origin
    if origin is None:
        return
    if origin.example:
        # which example, previous/next/any other, its story (not with ``beside_urgent``), Presenting
        coach.example_bar(origin.example, about=not beside_urgent)
    if origin.clinic or origin.clinic_note:
        clinic = origin.clinic or "your clinic"
        page = _current_page()
        if page in (None, "welcome"):
            with st.container(border=True, key="nt_clinic_note"):
                st.markdown(f":material/local_hospital: **A note from {literal(clinic)}**")
                if origin.clinic_note:
                    st.text(visible(origin.clinic_note))
                if origin.contact:
                    st.caption(f"Replies go to {literal(origin.contact)}. When you finish, the Results page has a "
                               f"button that writes the email to {literal(clinic)} for you.")
                else:
                    st.caption("When you finish, the Results page lets you copy a link and download a PDF to send back.")
        else:
            st.caption(f":material/local_hospital: Started from a link prepared by {literal(clinic)}.")


# --------------------------------------------------------------------------- files in


def upload_panel() -> None:
    """Welcome page: restore answers saved earlier as a file."""
    st.subheader("Continue from a saved file")
    st.caption(f"Choose an answers file you downloaded from NerveTriage (.json, up to {megabytes(MAX_FILE_BYTES)}). "
               "It is read here and not kept.")
    uploaded = st.file_uploader("Answers file", type=["json"], key=_UPLOAD_KEY, max_upload_size=upload_megabytes())
    if uploaded is None:
        st.session_state.pop(_UPLOADED, None)
        return
    marker = f"{uploaded.file_id}:{uploaded.name}:{uploaded.size}"
    if st.session_state.get(_UPLOADED, ("", ""))[0] != marker:
        try:
            answers = read_answers_file(uploaded.getvalue(), declared_size=uploaded.size)
        except AnswersFileError as exc:
            st.session_state[_UPLOADED] = (marker, ("error", f"{excerpt(uploaded.name)}: {exc} Your answers were not changed."))
        else:
            st.session_state[_UPLOADED] = (marker, ("pending", ""))
            if not offer_answers(answers, "file", name=uploaded.name, upload=marker):
                st.rerun()  # the frame asks "Replace your answers?" at the top of the next run
    kind, text = st.session_state[_UPLOADED][1]
    if kind == "pending":  # the question is open above this page
        return
    if kind == "error":
        st.error(message(text), icon=":material/error:")
    elif kind == "info":
        st.info(message(text), icon=":material/check_circle:")
    else:
        st.success(message(text), icon=":material/task_alt:")
        if st.button("See the results", key="nt_upload_results", type="primary", icon=":material/insights:"):
            st.switch_page(RESULTS_PAGE)


# --------------------------------------------------------------------------- out


_PDF_KEY = "nt_pdf_bytes"


def sent(answers: Answers, today: dt.date) -> Answers:
    """The answers as they leave the app: stamped with the day they were sent."""
    return answers.model_copy(update={"dated": today})


def pdf_button(answers: Answers, build: Callable[[], bytes], *, file_name: str, key: str, prepare: str, download: str) -> None:
    """Build a PDF only when asked, keep its bytes in this session, then offer them
    (buttons keyed ``nt_prepare_<key>`` and ``nt_download_<key>``).

    Bytes held by the session (not a deferred callable) survive other sessions' reruns:
    Streamlit 1.67 swept deferred download files on any session's rerun, which cancelled
    slow downloads under load. ``build`` imports the report module, not the start-up.
    """
    digest = (key, hashlib.sha256(answers.model_dump_json().encode()).hexdigest(), file_name)
    cached = st.session_state.get(f"{_PDF_KEY}:{key}")
    if isinstance(cached, tuple) and cached[0] == digest:
        st.download_button(download, data=cached[1], file_name=file_name, mime="application/pdf", key=f"nt_download_{key}",
                           type="primary", icon=":material/picture_as_pdf:", on_click="ignore", width="stretch")
        return
    if sure_button(prepare, key=f"nt_prepare_{key}", type="primary", icon=":material/picture_as_pdf:", width="stretch"):
        st.session_state[f"{_PDF_KEY}:{key}"] = (digest, build())
        st.rerun()


def _pdf_button(answers: Answers, assessment: Assessment, today: dt.date) -> None:
    """The runner's own PDF (friendly wording), named after the client when they gave a name."""
    from nervetriage.handover import file_stem

    def build() -> bytes:
        from nervetriage.report import build_report

        return build_report(sent(answers, today), assessment, today=today)

    pdf_button(answers, build, file_name=f"{file_stem('report', answers.client, today)}.pdf", key="pdf",
               prepare="Prepare the PDF report", download="Download the PDF report")


def urgent_pdf(answers: Answers, assessment: Assessment) -> None:
    """On the urgent-only result: the one-page handover PDF (urgent guidance only) to show the clinician."""
    st.caption(load_ui_text().urgent.pdf_caption)
    _pdf_button(answers, assessment, dt.date.today())


def _client_changed() -> None:
    value = str(st.session_state.get(_CLIENT_KEY) or "")
    try:
        update_answers(client=value)
    except ValueError:  # pydantic's ValidationError: cannot happen with max_chars, kept safe anyway
        notice("error", "That name could not be kept; use letters, initials or leave it empty.")


def _client_field(answers: Answers) -> None:
    """The client's name or initials, optional, kept only in the link, the file and the PDF."""
    if _CLIENT_KEY not in st.session_state:
        st.session_state[_CLIENT_KEY] = answers.client
    st.text_input(
        "Your name or initials (optional)",
        key=_CLIENT_KEY,
        max_chars=MAX_CLIENT_CHARS,
        placeholder="e.g. J.D.",
        help="So your clinic knows whose results these are. It goes only into the link, the answers file and the "
             "PDF (and its file name), never to our server.",
        on_change=_client_changed,
    )


SHARE_ANCHOR = "share-results"  # the share panel's heading, which the summary at the top links to


def share_jump() -> None:
    """Results summary: a link down to the share panel, past the detail."""
    st.markdown(f":material/ios_share: [{load_ui_text().results.share_jump}](#{SHARE_ANCHOR})")


def share_panel(answers: Answers, assessment: Assessment) -> None:
    """Results page: send the results back (link, email, share sheet), the PDF, the answers file."""
    from nervetriage.handover import email_back, file_stem
    from nervetriage.mailto import mailto_link
    from nervetriage.ui.handover_widget import send_panel

    st.subheader("Share or save these results", anchor=SHARE_ANCHOR)
    origin = answers.origin
    clinic = origin.clinic if origin and origin.clinic else ""
    _client_field(answers)
    today = dt.date.today()
    outgoing = sent(answers, today)
    link = build_share_link(outgoing, app_url("results"))
    if link.url:
        mailto = None
        if origin and origin.contact:
            email = email_back(outgoing, assessment, link.url)
            try:
                mailto = mailto_link(origin.contact, email.subject, email.body)
            except ValueError:  # an address that passed the link's check always passes this one
                mailto = None
        st.markdown("**Link to these results**")
        send_panel(
            link.url,
            key="results",
            mailto=mailto,
            send_label=f"Send to {visible(clip(clinic, 40))}" if clinic else "Send by email",
            share_title="My NerveTriage results",
            share_text=f"NerveTriage results{': ' + answers.client if answers.client else ''}",
        )
        if mailto and link.url not in (email.body if origin and origin.contact else ""):
            st.caption("This link is too long to go inside an email: press “Copy link” first, then “Send to”, and paste "
                       "the link into the email where it asks for it.")
        elif mailto:
            st.caption(
                f"“Send to” opens your email app with a short summary and this link, addressed to "
                f"{literal(origin.contact if origin and origin.contact else '')}; nothing goes through our server. "
                "The answers travel inside the link itself, so anyone you give it to can see them."
            )
        else:
            st.caption(
                "Copy it with the button, or share it from your phone. The answers travel inside the link itself: "
                "nothing is stored on our server, so anyone you give the link to can see them."
            )
    if link.message:
        st.warning(message(link.message), icon=":material/warning:")
    left, right = st.columns(2)
    with left:
        _pdf_button(answers, assessment, today)
    right.download_button(
        "Download the answers file",
        data=answers_file_json(outgoing),
        file_name=f"{file_stem('answers', answers.client, today)}.json",
        mime="application/json",
        key="nt_download_json",
        icon=":material/download:",
        on_click="ignore",
        width="stretch",
    )
    st.caption("The PDF is one or two pages for a clinician. The answers file lets you (or them) reopen these answers later.")
    if clinic and not (origin and origin.contact):
        st.info(
            f"To send your results back to {literal(clinic)}: copy the link above into your reply "
            "and attach the PDF.",
            icon=":material/local_hospital:",
        )
