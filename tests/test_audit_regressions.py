"""One regression test per defect of the attack audit (issue 16), in its order.

Defects 3 and 6 (journal dates, export round trips) are in tests/test_journal_edges.py and
tests/test_limits.py; defect 8 (headers) in tests/test_nginx_config.py and the cluster test.
"""

from __future__ import annotations

import json

from apptest_wizard import new_app, panel_link
from hostile import AUTOLINK_PATTERNS, shown, unescaped
from streamlit.testing.v1 import AppTest
from test_robustness import element_bodies, run_page, token_for_payload

from nervetriage.journal import CSV_COLUMNS
from nervetriage.models import Answers
from nervetriage.safetext import MAX_MESSAGE_CHARS
from nervetriage.share import MAX_CLINIC_NAME, MAX_CLINIC_NOTE, LinkError, build_clinic_link, decode_link
from nervetriage.ui.state import ANSWERS_KEY

PHISHING = ["_https://evil.example/login", "_www.evil.example/login", "x_http://evil.example", "Clinic_name@evil.example"]


def link_like(at: AppTest) -> list[str]:
    """Every piece of Markdown on the page that GFM would turn into a link."""
    return [m for _kind, body, _html in element_bodies(at) for m in AUTOLINK_PATTERNS.findall(unescaped(body))]


def test_1_a_clinic_name_never_becomes_a_live_link_on_any_page_it_reaches() -> None:
    for name in PHISHING:
        answers = Answers.model_validate({"origin": {"clinic": name, "clinic_note": "See you soon"}})
        at = new_app()
        at.session_state[ANSWERS_KEY] = answers
        for page in ("welcome", "where", "results"):
            run_page(at, page)
            assert not at.exception
            assert link_like(at) == [], (name, page, link_like(at))
            assert name in " ".join(shown(body) for _k, body, _h in element_bodies(at)), "the name is still shown, as text"


def test_1_an_example_id_from_a_link_never_becomes_a_live_link() -> None:
    for name in PHISHING:
        at = new_app()
        at.session_state[ANSWERS_KEY] = Answers.model_validate({"origin": {"example": name}})
        run_page(at, "where")
        assert link_like(at) == [], (name, link_like(at))


def test_2_an_error_about_a_link_names_fields_from_the_schema_and_is_short() -> None:
    sentence = "Your answers expired. Log in at https://evil.example/login to restore them"
    token = token_for_payload(json.dumps({"sign1": {sentence: 1}}).encode())
    try:
        decode_link(token)
    except LinkError as exc:
        text = str(exc)
    assert sentence not in text and "evil" not in text
    assert "sign1 > (an unknown field)" in text
    # a short token that expands to thousands of errors still gives one short message
    many = token_for_payload(json.dumps({"journal": [{"date": "x" * 50, "note": "y" * 900}] * 400}).encode())
    try:
        decode_link(many)
    except LinkError as exc:
        assert len(str(exc)) <= MAX_MESSAGE_CHARS, len(str(exc))
        assert "more" in str(exc)


def test_2_the_error_banner_shows_no_attacker_sentence() -> None:
    at = new_app()
    at.query_params["a"] = token_for_payload(json.dumps({"sign1": {"Call https://evil.example now": 1}}).encode())
    at.run()
    errors = " ".join(shown(str(e.value)) for e in at.error)
    assert "This link's answers are not valid" in errors
    assert "evil.example" not in errors and link_like(at) == []


def test_4_a_malformed_address_pasted_on_the_physio_page_is_a_message() -> None:
    at = new_app()
    run_page(at, "physio")
    for pasted in ("http://[::1?a=1.x", "https://[bad?c=2", "http://host:99999999?a=1", "?a=" + "x" * 20_000):
        at.text_input(key="physio:pasted").set_value(pasted)
        at.run()
        assert not at.exception, (pasted, [e.value for e in at.exception])
        assert at.error, f"no message for {pasted[:40]!r}"


def test_5_bad_cells_in_a_journal_csv_are_quoted_without_live_links() -> None:
    at = new_app()
    run_page(at, "journal")
    rows = [",".join(CSV_COLUMNS), "https://evil.example/x,1,2,1,5,5,,,", "www.evil.example,1,2,1,5,5,,,",
            "2026-01-05,name@evil.example,2,1,5,5,,,"]
    at.file_uploader[0].upload("journal.csv", "\n".join(rows).encode(), "text/csv")
    at.run()
    assert not at.exception
    errors = " ".join(shown(str(e.value)) for e in at.error)
    assert "Row 2" in errors and "Row 4" in errors
    assert link_like(at) == [], link_like(at)


def test_7_a_long_paste_on_the_physio_page_is_kept_up_to_the_limit_and_said() -> None:
    at = new_app()
    run_page(at, "physio")
    long_name = "Riverside Running Physio " * 5
    long_note = "Please answer every question before Tuesday. " * 20
    at.text_input(key="physio:clinic").set_value(long_name)
    at.text_area(key="physio:note").set_value(long_note)
    next(b for b in at.button if "Create the link" in str(b.label)).click()
    at.run()
    assert not at.exception
    assert at.text_input(key="physio:clinic").value == long_name[:MAX_CLINIC_NAME]
    assert at.text_area(key="physio:note").value == long_note[:MAX_CLINIC_NOTE]
    warnings = " ".join(shown(str(w.value)) for w in at.warning)
    assert f"was {len(long_note)} characters long and holds at most {MAX_CLINIC_NOTE}" in warnings
    assert f"was {len(long_name)} characters long and holds at most {MAX_CLINIC_NAME}" in warnings
    link = panel_link(at, "physio")
    assert link is not None
    expected = build_clinic_link(long_name[:MAX_CLINIC_NAME], long_note[:MAX_CLINIC_NOTE], link.split("?")[0])
    assert link == expected


def test_7_a_long_paste_in_a_journal_check_in_is_kept_up_to_the_limit_and_said() -> None:
    at = new_app()
    run_page(at, "journal")
    at.text_area(key="nt_journal_note").set_value("ok " * 300)
    at.slider(key="nt_journal_worst").set_value(5)
    at.button(key="nt_journal_submit").click()
    at.run()
    assert not at.exception
    journal = at.session_state[ANSWERS_KEY].journal
    assert len(journal) == 1 and journal[0].note == ("ok " * 300)[:500]
    assert "holds at most 500" in " ".join(shown(str(w.value)) for w in at.warning)


def test_found_by_the_longer_audit_a_repeated_unknown_column_is_quoted_as_an_excerpt() -> None:
    import pytest

    from nervetriage.journal import JournalInputError, entries_from_csv

    cell = "https://evil.example/" + "x" * 300
    with pytest.raises(JournalInputError) as caught:
        entries_from_csv((",".join([*CSV_COLUMNS, cell, cell]) + "\r\n").encode())
    assert all(len(p) <= 200 and "x" * 50 not in p for p in caught.value.problems), caught.value.problems
