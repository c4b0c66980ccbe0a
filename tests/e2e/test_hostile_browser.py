"""Hostile text in a real browser: Streamlit must show it exactly as typed, never as markup.

Two layers. ``literal_app`` renders hundreds of hostile strings (tests/hostile.py; a fixed
seed) through ``nervetriage.safetext`` in every element kind the app uses for outside text
and checks the DOM: no element inside a string's Markdown that the app did not write, and
its text equal to what was typed (controls shown as marks, white space folded). Then the
real app: a clinic link, an example id, a results link and a journal CSV carrying hostile
text, checked for links and elements that the same pages do not have with plain text.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hostile import HOSTILE_SAMPLES, hostile_texts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from e2e.conftest import AppServer, assert_no_exception, goto_app, menu_link, shot, wait_idle
from nervetriage.models import Answers
from nervetriage.safetext import clip, visible
from nervetriage.share import encode_link

KINDS = ("markdown", "caption", "error", "info", "success", "warning")
# Elements Markdown could create from text; the literal container may hold none of them
# (the markdown kind holds exactly one <strong>, the app's own "From").
FORBIDDEN = ", ".join(
    ["a", "img", "script", "iframe", "object", "embed", "svg", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table",
     "pre", "code", "em", "del", "blockquote", "hr", "input", ".katex", "span[style]", "span[class]"]
)
BATCH = 30
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b"))


@pytest.fixture(scope="module")
def literal_server() -> Iterator[tuple[AppServer, Path]]:
    with tempfile.TemporaryDirectory() as tmp:
        strings_file = Path(tmp) / "strings.json"
        strings_file.write_text("[]", encoding="utf-8")
        server = AppServer(script="tests/apps/literal_app.py", env={"NT_LITERAL_FILE": str(strings_file)})
        server.start()
        yield server, strings_file
        server.stop()


def expected_text(text: str, kind: str) -> str:
    shown = text if kind == "markdown" else clip(text)
    folded = " ".join(visible(shown, keep_newlines=False).split())
    return ("From " + folded if kind == "markdown" else folded).translate(ZERO_WIDTH)


READ = """(count) => Array.from({length: count}, (_, i) => {
  const box = document.querySelector('.st-key-lit-' + i);
  if (!box) return null;
  const md = box.querySelector('[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"]');
  return {
    text: md ? md.textContent : null,
    forbidden: md ? Array.from(md.querySelectorAll(arguments_forbidden)).map(e => e.outerHTML.slice(0, 120)) : [],
    strong: md ? md.querySelectorAll('strong').length : 0,
    anchors: box.querySelectorAll('a').length,
  };
})"""


def check_batch(pg: Any, server: AppServer, strings_file: Path, strings: list[str]) -> None:
    strings_file.write_text(json.dumps(strings), encoding="utf-8")
    goto_app(pg, server.url)
    pg.locator(f".st-key-lit-{len(strings) - 1}").wait_for()
    assert_no_exception(pg)
    seen = pg.evaluate(READ.replace("arguments_forbidden", json.dumps(FORBIDDEN)), len(strings))
    for index, (text, got) in enumerate(zip(strings, seen, strict=True)):
        kind = KINDS[index % len(KINDS)]
        assert got is not None and got["text"] is not None, (index, text)
        assert got["anchors"] == 0, f"{text!r} became a link: {got}"
        assert got["forbidden"] == [], f"{text!r} became markup in {kind}: {got['forbidden']}"
        assert got["strong"] == (1 if kind == "markdown" else 0), f"{text!r}: emphasis leaked in {kind}"
        assert got["text"].translate(ZERO_WIDTH) == expected_text(text, kind), f"{text!r} shown as {got['text']!r}"


def test_every_hostile_sample_is_shown_as_typed(literal_server: tuple[AppServer, Path], page: Any) -> None:
    server, strings_file = literal_server
    # each sample in every element kind: six shifted copies put it at every position mod 6
    strings = [s for shift in range(len(KINDS)) for s in HOSTILE_SAMPLES[shift:] + HOSTILE_SAMPLES[:shift]]
    for start in range(0, len(strings), 120):
        check_batch(page, server, strings_file, strings[start : start + 120])
    shot(page, "hostile-literal-samples")


@settings(max_examples=10, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(hostile_texts(), min_size=BATCH, max_size=BATCH))
def test_generated_hostile_text_is_shown_as_typed(literal_server: tuple[AppServer, Path], page: Any, strings: list[str]) -> None:
    """Ten pages of thirty generated strings each (300 in all, a fixed seed)."""
    server, strings_file = literal_server
    check_batch(page, server, strings_file, strings)


# --------------------------------------------------------------------------- the real app

ANCHORS = """() => Array.from(document.querySelectorAll('[data-testid="stMain"] a, [data-testid="stSidebar"] a'))
  .map(a => a.getAttribute('href') || '(no href)')"""


def _hostile_link(server: AppServer, strings: list[str]) -> str:
    clean = [s.encode("utf-8", "ignore").decode("utf-8") for s in strings]  # what a browser could have typed
    answers = Answers.model_validate({
        "note": " ".join(clean)[:500],
        "origin": {"clinic": clean[0][:80], "clinic_note": " ".join(clean)[:500], "example": clean[1][:60]},
        "journal": [
            {"date": f"2026-01-{5 + 7 * i:02d}", "flare_ups": 1, "worst": 5, "typical": 3, "duration_minutes": 10,
             "running_minutes": 30, "helped": text[:200], "flared": text[::-1][:200], "note": text[:500]}
            for i, text in enumerate(clean[:3])
        ],
    })
    return f"{server.url}/?a={encode_link(answers)}"


def _pages_seen(pg: Any, url: str) -> dict[str, list[str]]:
    """The anchors on Results (where a results link lands) and on the Journal and Where pages."""
    goto_app(pg, url)
    pg.get_by_role("heading", name="Results", exact=True).first.wait_for()
    seen = {"results": _settled_anchors(pg)}
    assert_no_exception(pg)
    for name in ("journal", "where"):
        menu_link(pg, name).click()
        wait_idle(pg)
        assert_no_exception(pg)
        seen[name] = _settled_anchors(pg)
    return seen


def _settled_anchors(pg: Any, settle_s: float = 15) -> list[str]:
    """The page's anchors once two reads after idle agree: a fresh session runs twice (the
    browser bridge asks for a second run), and a read during that redraw missed the step links."""
    deadline = time.monotonic() + settle_s
    wait_idle(pg)
    last = sorted(pg.evaluate(ANCHORS))
    while time.monotonic() < deadline:
        pg.wait_for_timeout(400)
        wait_idle(pg)
        now = sorted(pg.evaluate(ANCHORS))
        if now == last:
            return now
        last = now
    return last


def test_hostile_text_in_a_link_adds_no_link_to_any_page(app_server: AppServer, page: Any) -> None:
    plain = _pages_seen(page, _hostile_link(app_server, ["Riverside Physio", "plain example", "walking", "rest"]))
    for start in range(0, len(HOSTILE_SAMPLES), 4):
        chunk = (HOSTILE_SAMPLES[start:] + HOSTILE_SAMPLES)[:4]
        seen = _pages_seen(page, _hostile_link(app_server, chunk))
        assert seen == plain, f"{chunk!r} changed the links on a page: {seen} vs {plain}"
    shot(page, "hostile-app-where")
