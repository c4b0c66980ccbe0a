"""Hostile text through every page path that shows user or link text (AppTest).

Each example puts generated hostile strings (tests/hostile.py, a fixed seed) into every
field that reaches a page: a clinic's name and note, an example id, the free-text note,
journal cells, a tampered link's keys and values, bad CSV cells, an uploaded file's name,
and the Physio page's fields and pasted link. Each page is compared with the same page
rendered for plain text: it may hold no more autolink-looking text (URLs, www., e-mail)
in its Markdown than the plain version does, no user text in an element that allows
HTML, no raw (unescaped) hostile string in Markdown, no exception; and the answers are
unchanged. The browser check of the same escaping is tests/e2e/test_hostile_browser.py.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from hostile import AUTOLINK_PATTERNS, HOSTILE_SAMPLES, hostile_texts, unescaped
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest
from test_robustness import PLAIN_TEXT_KINDS, element_bodies, run_page, token_for_payload

from nervetriage.journal import CSV_COLUMNS
from nervetriage.models import Answers
from nervetriage.ui.state import ANSWERS_KEY

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PAGES = ("welcome", "where", "results", "journal")
ESCAPED = re.compile(r"\\[!-/:-@\[-`{-~]")
SPECIAL = set("\\`*_{}[]()#+-.!|<>~:$&@=^\"'%/")


def typeable(text: str) -> str:
    """``text`` as a browser can send it: UTF-8 has no lone surrogates (a link's JSON can, and is refused)."""
    return text.encode("utf-8", "ignore").decode("utf-8")


def answers_with(strings: list[str]) -> Answers:
    """Answers whose every free-text field holds one of ``strings`` (cut to the field's limit)."""
    def pick(i: int) -> str:
        return typeable(strings[i % len(strings)])

    journal = [
        {"date": (dt.date(2026, 1, 5) + dt.timedelta(weeks=week)).isoformat(), "flare_ups": 2, "worst": 6, "typical": 4,
         "duration_minutes": 20, "running_minutes": 60, "helped": pick(3 * week)[:200], "flared": pick(3 * week + 1)[:200],
         "note": pick(3 * week + 2)[:500]}
        for week in range(4)
    ]
    return Answers.model_validate({
        "note": pick(12)[:500],
        "origin": {"clinic": pick(13)[:80], "clinic_note": pick(14)[:500], "example": pick(15)[:60]},
        "journal": journal,
    })


def page_report(at: AppTest, strings: list[str]) -> dict[str, int]:
    """Per element kind: how many autolink-looking matches its Markdown holds; asserts the per-string rules."""
    counts: dict[str, int] = {}
    for kind, body, allows_html in element_bodies(at):
        if kind in PLAIN_TEXT_KINDS:
            continue
        raw = ESCAPED.sub("\0", body)  # what is left once every escaped character is taken out
        for text in strings:
            if allows_html:
                assert len(text) < 4 or text not in body, f"user text in an HTML element ({kind}): {text!r}"
            elif len(text) >= 4 and SPECIAL & set(text):
                assert text not in raw, f"raw hostile text in Markdown ({kind}): {text!r} in {body[:300]!r}"
        counts[kind] = counts.get(kind, 0) + len(AUTOLINK_PATTERNS.findall(unescaped(body)))
    return counts


def walk_pages(answers: Answers, strings: list[str]) -> dict[str, dict[str, int]]:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[ANSWERS_KEY] = answers
    at.run()
    seen = {}
    for page_id in PAGES:
        run_page(at, page_id)
        assert not at.exception, (page_id, [e.value for e in at.exception])
        seen[page_id] = page_report(at, strings)
        assert at.session_state[ANSWERS_KEY] == answers, f"viewing {page_id} changed the answers"
    return seen


def error_paths(strings: list[str]) -> dict[str, dict[str, int]]:
    """The paths that quote outside text in an error: a tampered link, a bad CSV, a file name, the Physio page."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    seen: dict[str, dict[str, int]] = {}
    # a link with a checksum that is right, but keys and values that are not answers
    forged = {"regions": [{"region": strings[0][:60], "side": "left"}], "sign1": {strings[1] or "x": strings[2]},
              "red_flags": [strings[3][:60]]}
    at.query_params["a"] = token_for_payload(json.dumps(forged).encode())
    at.run()
    strings = [typeable(text) for text in strings]  # from here on, what a browser sends
    assert not at.exception, [e.value for e in at.exception]
    seen["link"] = page_report(at, strings)
    # a CSV whose cells are hostile text where numbers and dates belong
    rows = [",".join(CSV_COLUMNS)] + [
        ",".join(json.dumps(v) for v in (text, text, "3", "2", "10", "30", text, text, text)) for text in strings[:8]
    ]
    run_page(at, "journal")
    at.file_uploader[0].upload("journal.csv", "\n".join(rows).encode(), "text/csv")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    seen["csv"] = page_report(at, strings)
    # an answers file whose name is hostile, holding something that is not answers
    run_page(at, "welcome")
    at.file_uploader(key="nt_upload").set_value(((strings[4].replace("\0", "") or "x")[:120] + ".json", b"not json", "application/json"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    seen["file"] = page_report(at, strings)
    # the Physio page: typed name and note (over their limits too), and a pasted link
    run_page(at, "physio")
    at.text_input(key="physio:clinic").set_value(strings[5] * 3)
    at.text_area(key="physio:note").set_value(strings[6] * 30)
    submit = next(b for b in at.button if "Create the link" in str(b.label))
    submit.click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.text_input(key="physio:pasted").set_value(strings[7] or "x")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    seen["physio"] = page_report(at, strings)
    return seen


PLAIN = [f"plain words {i}" for i in range(16)]
BASELINE: dict[str, Any] = {}


def baseline() -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    if not BASELINE:
        BASELINE["pages"] = walk_pages(answers_with(PLAIN), PLAIN)
        BASELINE["errors"] = error_paths(PLAIN)
    return BASELINE["pages"], BASELINE["errors"]


def assert_no_more_links(seen: dict[str, dict[str, int]], plain: dict[str, dict[str, int]]) -> None:
    for path, counts in seen.items():
        for kind, count in counts.items():
            usual = plain[path].get(kind, 0)
            assert count <= usual, f"{path}: {kind} holds {count} link-like text(s), plain text {usual}"


def test_every_hostile_sample_stays_text_on_every_path() -> None:
    pages, errors = baseline()
    for start in range(0, len(HOSTILE_SAMPLES), 16):
        strings = (HOSTILE_SAMPLES[start:] + HOSTILE_SAMPLES)[:16]
        assert_no_more_links(walk_pages(answers_with(strings), strings), pages)
        assert_no_more_links(error_paths(strings), errors)


@settings(max_examples=50, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hostile_texts(), min_size=16, max_size=16))
def test_generated_hostile_text_stays_text_on_every_path(strings: list[str]) -> None:
    """Fifty examples of sixteen strings (800 in all), each through every path above; bench/bench_hostile.py runs more."""
    pages, errors = baseline()
    assert_no_more_links(walk_pages(answers_with(strings), strings), pages)
    assert_no_more_links(error_paths(strings), errors)
