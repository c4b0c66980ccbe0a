"""The physio's round trip through AppTest: a clinic link with a contact, the client's "Send to",
and the clinician summary of the link that comes back (the browser side is in
tests/e2e/test_handover_flow_browser.py)."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from apptest_wizard import go, new_app, panel_link, send_panel_data, texts
from hostile import shown
from streamlit.testing.v1 import AppTest
from test_sharing_apptest import _open

from nervetriage.examples import get_example
from nervetriage.handover import load_clinician_content
from nervetriage.models import Answers, Origin, RegionPain
from nervetriage.share import decode_link, encode_link, token_from_text
from nervetriage.ui.state import ANSWERS_KEY

PAGE = load_clinician_content().page
CONTACT = "desk@riverside-physio.example"
SECOND_PERSON = re.compile(r"\b(you|your)\b", re.IGNORECASE)


def _physio_link(clinic: str, note: str, contact: str, regions: list[str] | None = None) -> AppTest:
    at = go(new_app(), "physio")
    at.text_input(key="physio:clinic").input(clinic)
    at.text_input(key="physio:contact").input(contact)
    at.text_area(key="physio:note").input(note)
    if regions:
        at.multiselect(key="physio:regions").set_value(regions)
    next(b for b in at.button if b.label == "Create the link").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _client_answers(contact: str = CONTACT) -> Answers:
    answers = get_example("race-belt-thigh").fresh_answers()
    regions = [*answers.regions, RegionPain(region="heel", side="left", intensity=None, from_clinic=True)]
    return answers.model_copy(update={"origin": Origin(clinic="Riverside Physio", clinic_note="Hi", contact=contact),
                                      "regions": regions})


def test_the_physio_link_carries_the_contact_and_the_marked_areas_unrated() -> None:
    at = _physio_link("Riverside Physio", "Before Tuesday, please.", CONTACT, ["heel"])
    link = panel_link(at, "physio")
    assert link is not None
    prepared = decode_link(token_from_text(link)[1])
    assert prepared.origin == Origin(clinic="Riverside Physio", clinic_note="Before Tuesday, please.", contact=CONTACT)
    assert [(r.region, r.intensity, r.from_clinic) for r in prepared.regions] == [("heel", None, True)]
    message = next(str(c.value) for c in at.code)
    assert link in message and "Send to" in message


@pytest.mark.parametrize("bad", ["desk at clinic", "desk@clinic", "a@b.example?cc=x@evil.example",
                                 "a@b.example\r\nBcc: x@evil.example", "<a@b.example>", "a@b.example,c@d.example"])
def test_a_contact_that_is_not_a_plain_address_is_refused_and_no_link_is_made(bad: str) -> None:
    at = _physio_link("Riverside Physio", "Hi", bad)
    assert panel_link(at, "physio") is None
    errors = " ".join(shown(str(e.value)) for e in at.error)
    assert "The email address was not used" in errors
    assert at.text_input(key="physio:clinic").value == "Riverside Physio", "what was typed stays"


def test_the_message_template_names_buttons_the_results_page_has() -> None:
    at = _physio_link("Riverside Physio", "Hi", CONTACT)
    message = next(str(c.value) for c in at.code)
    quoted = set(re.findall(r"'([^']+)'", message))
    results = _open({"a": encode_link(_client_answers())})
    go(results, "results")
    on_page = {str(b.label) for b in results.button}
    results.button(key="nt_prepare_pdf").click().run()
    on_page |= {str(b.label) for b in results.button} | {str(b.label) for b in results.download_button}
    on_page |= {str(m.value).strip("*") for m in results.markdown}
    data = send_panel_data(results, "results")
    assert data is not None
    on_page.add(data["send"].split(" ")[0] + " to")
    assert quoted <= on_page, f"the message quotes labels the Results page does not show: {quoted - on_page}"


def test_the_client_names_themself_and_send_to_writes_the_email_to_the_clinic() -> None:
    at = new_app()
    at.session_state[ANSWERS_KEY] = _client_answers()
    at.run()
    go(at, "results")
    at.text_input(key="nt_client_name").input("J.D.").run()
    assert at.session_state[ANSWERS_KEY].client == "J.D."
    data = send_panel_data(at, "results")
    assert data is not None and data["send"] == "Send to Riverside Physio"
    mailto = urlsplit(data["mailto"])
    assert mailto.scheme == "mailto" and unquote(mailto.path) == CONTACT
    query = parse_qs(mailto.query)
    assert set(query) == {"subject", "body"}
    assert query["subject"] == ["NerveTriage results: J.D."]
    body = query["body"][0]
    assert data["link"] in body and "Red-flag screen:" in body and "Areas:" in body
    returned = decode_link(token_from_text(data["link"])[1])
    assert (returned.client, returned.dated) == ("J.D.", dt.date.today())
    # the file names (nervetriage-answers-J-D-<date>.json) are checked in Chromium, where a download has one


def test_the_returned_link_opens_the_clinician_summary_on_request() -> None:
    sent = _client_answers().model_copy(update={"client": "J.D.", "dated": dt.date(2026, 11, 30)})
    at = _open({"a": encode_link(sent)})
    at.button(key="nt_open_clinician").click().run()
    assert not at.exception, [e.value for e in at.exception]
    tables = [row for table in at.table for row in table.value.astype(str).agg(": ".join, axis=1)]
    page = texts(at) + "\n" + "\n".join(tables)
    assert PAGE.heading in page
    assert "Imaging findings: Not asked (follows an earlier answer)" in tables and "Duration: 2 to 6 weeks" in tables
    for needed in ("J.D.", "30 Nov 2026", "Riverside Physio", "Red-flag screen", "Not answered", "History",
                   "Neck and neurodynamic criteria", "Underside and inner heel, left: not rated, marked by the clinic"):
        assert needed in shown(page), needed
    assert not at.get("progress"), "the clinician view is not a step of the check"
    # the summary's own text (the frame around it, sidebar and clinic-note banner, speaks to whoever uses the app)
    own = [str(e.value) for kind in ("markdown", "caption", "error", "warning", "success", "info")
           for e in getattr(at.main, kind) if "A note from" not in str(e.value) and "Replies go to" not in str(e.value)]
    spoken = [line for line in shown("\n".join(own)).splitlines() if SECOND_PERSON.search(line)]
    assert spoken == [], spoken
    at.button(key="nt_prepare_clinician_pdf").click().run()
    assert [str(b.label) for b in at.download_button] == [PAGE.pdf_download]


def test_a_clients_own_session_is_not_offered_the_clinician_view() -> None:
    at = new_app()
    at.session_state[ANSWERS_KEY] = _client_answers()
    at.run()
    go(at, "results")
    assert not [b for b in at.button if b.key == "nt_open_clinician"]


def test_the_clinician_page_without_answers_says_how_to_open_a_link() -> None:
    at = go(new_app(), "clinician")
    assert PAGE.empty.split(".")[0] in shown(texts(at))
    assert not at.get("bidi_component") or all(e.key != "bodymap_clinician" for e in at.get("bidi_component"))
