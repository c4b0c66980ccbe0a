"""Share links, clinic links, answers files and the physio page, driven through AppTest.

AppTest keeps query params across runs (a real browser drops them when the page changes);
these tests pin that a link is still applied only once. The browser side is in
tests/e2e/test_sharing_browser.py.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from apptest_wizard import answers, current_page, go, new_app, panel_link, texts
from hostile import shown
from streamlit.testing.v1 import AppTest

from nervetriage.examples import get_example
from nervetriage.models import Answers, RegionPain, Sign5
from nervetriage.scoring import assess
from nervetriage.share import MAX_FILE_BYTES, answers_file_json, decode_link, encode_link, token_from_text
from nervetriage.ui.state import ANSWERS_KEY

NOTE = "Hi Sam – please fill this in before Tuesday.\n**not bold** [click](http://evil.example) <b>x</b> :red[y] $x^2$"


def _open(query: dict[str, str]) -> AppTest:
    """A fresh session whose first run carries these query params, as opening a link does."""
    from apptest_wizard import APP

    at = AppTest.from_file(APP, default_timeout=30)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def shown_errors(at: AppTest) -> str:
    """The error alerts as a person reads them (Markdown escapes removed)."""
    return " ".join(shown(str(e.value)) for e in at.error)


def _unescaped_markdown(value: str) -> list[str]:
    """Markdown link/emphasis/HTML characters that are not backslash-escaped."""
    return re.findall(r"(?<!\\)[\[\]()*_<>`]", value)


def _likely() -> Answers:
    return get_example("race-belt-thigh").fresh_answers()


def _mine() -> Answers:
    return Answers(regions=[RegionPain(region="calf", side="right", intensity=6)], sign5=Sign5(night=True), note="my own answers")


def _with_answers(value: Answers) -> AppTest:
    at = new_app()
    at.session_state[ANSWERS_KEY] = value
    at.run()
    return at


# --------------------------------------------------------------------------- results links


def test_share_link_lands_on_results_showing_the_restored_band() -> None:
    original = _likely()
    at = _open({"a": encode_link(original)})
    assert current_page(at) == "results"
    assert answers(at) == original
    page = texts(at).replace("\\", "")
    assert assess(original).band_label in page
    assert "Answers restored from the shared link." in page


def test_a_link_is_applied_once_even_though_apptest_keeps_the_param() -> None:
    at = _open({"a": encode_link(_likely())})
    edited = answers(at).model_copy(update={"note": "edited after opening the link"})
    at.session_state[ANSWERS_KEY] = edited
    at.run()
    assert not at.exception
    assert answers(at).note == "edited after opening the link"


def test_tampered_link_shows_the_clear_message_and_keeps_earlier_answers() -> None:
    at = _with_answers(_mine())
    token = encode_link(_likely())
    tampered = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]
    at.query_params["a"] = tampered
    at.run()
    assert not at.exception
    errors = shown_errors(at)
    assert "This link is damaged or incomplete" in errors
    assert "Your answers were not changed." in errors
    assert answers(at) == _mine()
    assert current_page(at) == "welcome"


def test_truncated_link_keeps_earlier_answers() -> None:
    at = _with_answers(_mine())
    token = encode_link(_likely())
    at.query_params["a"] = token[: len(token) // 2]
    at.run()
    assert "damaged or incomplete" in shown_errors(at)
    assert answers(at) == _mine()


def test_a_link_with_few_answers_lands_on_not_enough_answers_with_its_inferred_alert() -> None:
    """A link carries version-2 answers as they are: too few for a verdict, but the alert
    they raise (a possible bone stress injury) still leads, with the answers that raised it.
    (An urgent alert from a link: tests/test_urgent_apptest.py.)"""
    from nervetriage.ui_text import load_ui_text

    original = Answers.model_validate({"sign3": {"grows_run_by_run": True}, "sign4": {"hop_pain": True},
                                       "regions": [{"region": "front_of_shin", "side": "left"}]})
    result = assess(original)
    assert result.band == "not_enough" and result.urgency == "professional"
    at = _open({"a": encode_link(original)})
    assert current_page(at) == "results" and answers(at) == original
    page = texts(at).replace("\\", "")
    assert result.band_label in page
    [flag] = [f for f in result.red_flags if f.kind == "inferred"]
    assert load_ui_text().results.from_answers.format(reason=flag.reason) in " ".join(str(w.value) for w in at.warning)


def test_link_from_an_unknown_version_says_so() -> None:
    at = _open({"a": "9" + encode_link(_likely())[1:]})
    assert "different version of NerveTriage" in shown_errors(at)
    assert answers(at) == Answers()


def test_example_is_marked_as_an_example_on_results() -> None:
    example = get_example("ultra-fall-top-of-foot")
    at = _open({"a": encode_link(example.fresh_answers())})
    assert f"Example case:** {example.title}" in texts(at).replace("\\", "")


# --------------------------------------------------------------------------- clinic links


def _clinic_token(note: str = NOTE) -> str:
    from nervetriage.share import clinic_answers

    return encode_link(clinic_answers("Riverside Running Physio", note, [RegionPain(region="heel", side="right")]))


def test_clinic_link_shows_the_note_as_plain_text_on_welcome() -> None:
    at = _open({"c": _clinic_token()})
    assert current_page(at) == "welcome"
    plain = [str(t.value) for t in at.text]
    assert NOTE in plain, "the note must be shown verbatim by st.text, not parsed as Markdown"
    assert "Riverside Running Physio" in texts(at).replace("\\", "")
    assert answers(at).origin is not None and answers(at).origin.clinic == "Riverside Running Physio"
    assert [(r.region, r.side) for r in answers(at).regions] == [("heel", "right")]


def test_clinic_link_keeps_answers_already_entered() -> None:
    at = _with_answers(_mine())
    at.query_params["c"] = _clinic_token()
    at.run()
    got = answers(at)
    assert got.sign5.night is True and got.note == "my own answers"
    assert {(r.region, r.side) for r in got.regions} == {("calf", "right"), ("heel", "right")}


def test_results_page_tells_a_clinic_client_how_to_send_results_back() -> None:
    at = _open({"c": _clinic_token()})
    go(at, "results")
    page = texts(at).replace("\\", "")
    assert "To send your results back to Riverside Running Physio" in page


# --------------------------------------------------------------------------- files


def _upload(at: AppTest, name: str, data: bytes) -> AppTest:
    at.file_uploader(key="nt_upload").set_value((name, data, "application/json"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_uploading_an_answers_file_restores_it() -> None:
    at = new_app()
    _upload(at, "mine.json", answers_file_json(_likely()).encode())
    assert answers(at) == _likely()
    assert "Answers restored from mine.json." in texts(at).replace("\\", "")


def test_uploaded_file_is_applied_once() -> None:
    at = new_app()
    _upload(at, "mine.json", answers_file_json(_likely()).encode())
    at.session_state[ANSWERS_KEY] = _mine()
    at.run()
    assert answers(at) == _mine()


def test_oversize_upload_is_refused_and_answers_kept() -> None:
    at = _with_answers(_mine())
    padded = json.dumps({"note": "x", "padding": " " * (MAX_FILE_BYTES + 10)}).encode()
    _upload(at, "huge.json", padded)
    assert "too large" in shown_errors(at)
    assert answers(at) == _mine()


def test_malformed_upload_is_refused_naming_the_problem() -> None:
    at = _with_answers(_mine())
    _upload(at, "broken.json", b'{"regions": [')
    assert "not valid JSON" in shown_errors(at)
    assert answers(at) == _mine()


def test_invalid_upload_names_the_field() -> None:
    at = _with_answers(_mine())
    _upload(at, "bad.json", b'{"sign5": {"rest_intensity": 42}}')
    errors = shown_errors(at)
    assert "sign5 > rest_intensity" in errors
    assert answers(at) == _mine()


def test_results_offer_the_pdf_and_the_answers_file() -> None:
    at = _open({"a": encode_link(_likely())})
    labels = [b.label for b in at.download_button]
    assert "Download the answers file" in labels
    assert "Download the PDF report" not in labels, "the PDF is only built when asked for"
    at.button(key="nt_prepare_pdf").click().run()
    labels = [b.label for b in at.download_button]
    assert "Download the PDF report" in labels and "Download the answers file" in labels
    link = panel_link(at, "results")
    assert link and "?a=" in link, "the results page shows its share link"
    shared = decode_link(token_from_text(link)[1])
    assert shared.dated == dt.date.today(), "a shared link carries the day it was sent"
    assert shared.model_copy(update={"dated": None}) == _likely()


# --------------------------------------------------------------------------- physio page


def test_physio_page_makes_a_link_that_opens_with_the_note() -> None:
    at = go(new_app(), "physio")
    at.text_input(key="physio:clinic").input("Riverside Running Physio")
    at.text_area(key="physio:note").input("See you on Tuesday – bring your shoes.")
    at.multiselect(key="physio:regions").set_value(["heel"])
    submit = next(b for b in at.button if b.label == "Create the link")
    submit.click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    link = panel_link(at, "physio")
    assert link and link.startswith("http"), "the physio page shows the client link"
    kind, token = token_from_text(link)
    assert kind == "clinic"
    prepared = decode_link(token)
    assert prepared.origin is not None and prepared.origin.clinic_note == "See you on Tuesday – bring your shoes."
    opened = _open({"c": token})
    assert "See you on Tuesday – bring your shoes." in [str(t.value) for t in opened.text]


def test_physio_page_refuses_an_empty_form() -> None:
    at = go(new_app(), "physio")
    next(b for b in at.button if b.label == "Create the link").click()
    at.run()
    assert "Add your clinic's name or a note" in shown_errors(at)
    assert panel_link(at, "physio") is None


def test_physio_page_checks_a_pasted_results_link() -> None:
    at = go(new_app(), "physio")
    token = encode_link(_likely())
    at.text_input(key="physio:pasted").input(f"http://localhost:8501/results?a={token[:-5]}")
    at.run()
    assert "damaged or incomplete" in shown_errors(at)


def test_results_link_wins_when_a_clinic_link_arrives_with_it() -> None:
    at = _open({"a": encode_link(_likely()), "c": _clinic_token()})
    assert answers(at) == _likely()
    at.run()
    assert answers(at) == _likely(), "the clinic link is dropped, not applied on a later run"


def _forged(payload: dict[str, object]) -> str:
    """A token with a valid checksum around any JSON: anyone can make one (no secret)."""
    import base64
    import zlib

    from nervetriage.share import _checksum

    packed = zlib.compress(json.dumps(payload).encode(), 9)[2:-4]
    return "1." + base64.urlsafe_b64encode(_checksum(1, packed) + packed).rstrip(b"=").decode()


def test_text_quoted_from_a_forged_link_is_not_rendered_as_markdown() -> None:
    at = _with_answers(_mine())
    at.query_params["a"] = _forged({"regions": [{"region": "[click](http://evil.example) **x** <b>y</b>", "side": "left"}]})
    at.run()
    raw = " ".join(str(e.value) for e in at.error)
    assert "[click](http://evil.exa…" in shown(raw), "the message quotes a short piece of the bad value"
    assert _unescaped_markdown(raw) == []
    assert answers(at) == _mine()


def test_an_uploaded_file_name_is_not_rendered_as_markdown() -> None:
    at = _with_answers(_mine())
    _upload(at, "[click](http://evil.example).json", b"not json")
    raw = " ".join(str(e.value) for e in at.error)
    assert "evil.example" in shown(raw)
    assert _unescaped_markdown(raw) == []
