"""The hostile-input audit, at length: every way in, fed what an attacker or an accident sends.

Four categories, each counting how many inputs were tried, ACCEPTED (valid answers or
entries), REFUSED with the module's own error type (``LinkError``, ``AnswersFileError``,
``JournalInputError``) and CRASHED (any other exception: a defect, with up to five
examples). For every refusal it also measures the message: its length (at most
``safetext.MAX_MESSAGE_CHARS``) and whether it quotes more than ``EXCERPT_CHARS`` (40)
consecutive characters of the input (it should quote a short excerpt at most).

- link tokens: random strings; real tokens (``encode_link`` of generated answers) with bit
  flips, truncation, inserted, deleted and duplicated characters and changed version
  prefixes; payloads behind a valid checksum (``token_for_payload``) holding hostile JSON
  (hostile keys and values, journal edge dates, deep nesting, oversize arrays, JSON
  oddities, bytes that are not JSON); pasted text through ``token_from_text`` (odd hosts,
  IDNA, fragments, very long) and then ``decode_link``.
- answers files: the same payloads as bytes through ``read_answers_file``, plus bytes that
  are not UTF-8, byte-order marks, huge white space, and the app's own exports
  (``answers_file_json``, also re-saved with a BOM and CR LF), which must come back equal.
- journal CSVs: hostile cells, edge dates, wrong headers, duplicate dates, CR LF and BOM,
  and the app's own exports (``entries_to_csv``), which must come back equal;
  ``assess_trend`` and ``summarise_journal`` run on every journal accepted anywhere.
- rendered strings: hostile strings through the AppTest page paths of
  tests/test_hostile_apptest.py (every page, then the link, CSV, file and Physio error
  paths), each compared with the same paths rendered for plain text; a failed check is a
  render defect, counted and recorded, and the run goes on.

Deterministic: ``random.Random(16)`` and hypothesis with ``derandomize=True``,
``database=None``. Exits 0 even when it finds defects (it prints them loudly); the figures
go to bench/results/hostile.json.

    .venv/bin/python bench/bench_hostile.py [--tokens N] [--files N] [--csvs N] [--strings N]
"""

from __future__ import annotations

import argparse
import base64
import csv
import datetime as dt
import importlib
import io
import json
import logging
import math
import random
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_server import write_result  # noqa: E402
from hostile import HOSTILE_SAMPLES, hostile_texts  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from pydantic import ValidationError  # noqa: E402

from nervetriage.content import load_content  # noqa: E402
from nervetriage.journal import (  # noqa: E402
    CSV_COLUMNS,
    MAX_CSV_BYTES,
    JournalInputError,
    assess_trend,
    entries_from_csv,
    entries_to_csv,
    sort_entries,
    summarise_journal,
)
from nervetriage.limits import journal_csv_bytes, worst_case_answers  # noqa: E402
from nervetriage.models import Answers, JournalEntry, latest_journal_date  # noqa: E402
from nervetriage.safetext import EXCERPT_CHARS, MAX_MESSAGE_CHARS, visible  # noqa: E402
from nervetriage.share import (  # noqa: E402
    LINK_VERSION,
    MAX_FILE_BYTES,
    MAX_TOKEN_CHARS,
    AnswersFileError,
    LinkError,
    LinkTooLong,
    _checksum,
    answers_file_json,
    build_clinic_link,
    decode_link,
    encode_link,
    read_answers_file,
    token_from_text,
)


def _tests_module(name: str) -> Any:
    """A module of the test suite, loaded at run time.

    A static import would make mypy (whose ``files`` include bench/) follow into the test
    suite and check it too; the suite is not held to mypy, so these stay untyped here.
    """
    return importlib.import_module(name)


# The test suite's own generators and checks (tests/ is on sys.path, as pytest has it).
_strategies = _tests_module("strategies")
_robustness = _tests_module("test_robustness")
_apptest = _tests_module("test_hostile_apptest")

SEED = 16
DEFAULTS = {"tokens": 30_000, "files": 5_000, "csvs": 5_000, "strings": 2_000}  # about 3-5 minutes on 2 shared cores
MAX_EXAMPLES_KEPT = 5
REPR_CHARS = 200
STRINGS_PER_RENDER = 16  # what tests/test_hostile_apptest.py puts on its paths at once
HEADER = ",".join(CSV_COLUMNS)
TODAY = dt.date.today()
TOMORROW = latest_journal_date()
EDGE_DATES = (
    "0001-01-01", "1989-12-31", "1990-01-01", TODAY.isoformat(), TOMORROW.isoformat(),
    (TOMORROW + dt.timedelta(days=1)).isoformat(), "9999-12-31",
)
BAD_DATES = ("2024-02-30", "2024-13-01", "2024-1-1", "20240101", "2024-01-01T25:00", "٢٠٢٤-٠١-٠١", "0000-01-01", "-2024-01-01")
CONTENT = load_content()
REGION_IDS = sorted(CONTENT.region_ids)
FLAG_IDS = sorted(f.id for f in CONTENT.red_flags.flags)
FIELDS = list(Answers.model_fields)
T = TypeVar("T")


# --------------------------------------------------------------------------- tallies


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    return f"{Path(last.filename).name}:{last.lineno} in {last.name}"


def _messages(exc: BaseException) -> list[str]:
    """What a page shows of a refusal: a journal error shows its summary and each problem as a line."""
    if isinstance(exc, JournalInputError):
        return [exc.summary, *exc.problems]
    return [str(exc)]


# safetext.visible as one str.translate (it walks the text a character at a time, too slow for 2 MB inputs):
# controls and lone surrogates dropped, bidi controls shown as [U+XXXX], white space kept for the fold.
_VISIBLE = {
    **{code: None for code in [*range(0x00, 0x20), *range(0x7F, 0xA0), *range(0xD800, 0xE000)]},
    **{ord(char): " " for char in "\t\n\r"},
    **{ord(char): visible(char) for char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"},
}


def _folded(text: str) -> str:
    """``text`` as ``safetext.excerpt`` quotes it: controls visible or gone, white space folded."""
    return " ".join(text.translate(_VISIBLE).split())


def quotes_input(message: str, sources: Sequence[str], limit: int = EXCERPT_CHARS) -> bool:
    """True when ``message`` holds more than ``limit`` consecutive characters of a source.

    Any common run of ``limit + 1`` characters contains one of the message's chunks of
    ``limit // 2 + 1`` characters that start at a multiple of that length, so only those
    chunks are searched for first. The CSV header the message itself prescribes is the
    message's own text, not a quote.
    """
    own = message.replace(HEADER, "\0")
    run = limit + 1
    step = limit // 2 + 1
    for text in (source for source in sources if len(source) >= run):
        for start in range(0, len(own), step):
            chunk = own[start : start + step]
            if len(chunk) < step or chunk not in text:
                continue
            for begin in range(max(0, start - (run - step)), start + 1):
                window = own[begin : begin + run]
                if len(window) == run and window in text:
                    return True
    return False


@dataclass
class Tally:
    """Counts for one category, overall and per input family."""

    name: str
    refusal: type[BaseException]
    tried: int = 0
    accepted: int = 0
    refused: int = 0
    crashed: int = 0
    crash_examples: list[dict[str, str]] = field(default_factory=list)
    longest_message: int = 0
    longest_message_text: str = ""
    quoting_messages: int = 0
    quoting_examples: list[dict[str, str]] = field(default_factory=list)
    families: dict[str, Counter[str]] = field(default_factory=dict)
    checks: Counter[str] = field(default_factory=Counter)  # extra figures: round trips, trend runs...
    failures: list[dict[str, str]] = field(default_factory=list)  # round-trip failures and the like
    seconds: float = 0.0

    def _family(self, family: str) -> Counter[str]:
        return self.families.setdefault(family, Counter())

    def crash(self, family: str, value: object, exc: BaseException) -> None:
        self.crashed += 1
        self._family(family)["crashed"] += 1
        if len(self.crash_examples) < MAX_EXAMPLES_KEPT:
            self.crash_examples.append({
                "family": family,
                "input": repr(value)[:REPR_CHARS],
                "error": f"{type(exc).__name__}: {exc}"[:REPR_CHARS],
                "where": _where(exc),
            })

    def fail(self, check: str, family: str, value: object, detail: str) -> None:
        self.checks[f"{check}_failures"] += 1
        if len(self.failures) < MAX_EXAMPLES_KEPT:
            self.failures.append({"check": check, "family": family, "input": repr(value)[:REPR_CHARS], "detail": detail[:REPR_CHARS]})

    def attempt(self, family: str, call: Callable[[], T], value: object, sources: Sequence[str]) -> T | None:
        """Run ``call`` on one input: its result when accepted, None when refused or crashed."""
        self.tried += 1
        counts = self._family(family)
        counts["tried"] += 1
        try:
            result = call()
        except self.refusal as exc:
            self.refused += 1
            counts["refused"] += 1
            long_sources = [text for text in sources if len(text) > EXCERPT_CHARS]
            forms = [*long_sources, *(folded for folded in map(_folded, long_sources) if folded not in long_sources)]
            for text in _messages(exc):
                if len(text) > self.longest_message:
                    self.longest_message, self.longest_message_text = len(text), text
                if quotes_input(text, forms):
                    self.quoting_messages += 1
                    if len(self.quoting_examples) < MAX_EXAMPLES_KEPT:
                        self.quoting_examples.append({"family": family, "input": repr(value)[:REPR_CHARS], "message": text[:REPR_CHARS]})
            return None
        except Exception as exc:  # anything but the module's own refusal is the defect being counted
            self.crash(family, value, exc)
            return None
        self.accepted += 1
        counts["accepted"] += 1
        return result

    def trend(self, family: str, entries: list[JournalEntry]) -> None:
        """The journal page's verdict and summary for entries that were accepted: they must not raise."""
        self.checks["trend_runs"] += 1
        try:
            assess_trend(entries)
            summarise_journal(entries)
        except Exception as exc:
            self.checks["trend_crashes"] += 1
            self.crash(f"{family} (trend)", entries[:3], exc)

    def defects(self) -> int:
        return self.crashed + self.checks["round_trip_failures"] + self.checks["changed_but_accepted_failures"]

    def as_json(self) -> dict[str, Any]:
        return {
            "tried": self.tried,
            "accepted": self.accepted,
            "refused": self.refused,
            "crashed": self.crashed,
            "crash_examples": self.crash_examples,
            "longest_message_chars": self.longest_message,
            "longest_message": self.longest_message_text,
            "longest_message_within_cap": self.longest_message <= MAX_MESSAGE_CHARS,
            "messages_quoting_over_40_chars": self.quoting_messages,
            "quoting_examples": self.quoting_examples,
            "checks": {"round_trip_failures": 0, "trend_crashes": 0, **dict(self.checks)},
            "failures": self.failures,
            "families": {name: dict(counts) for name, counts in sorted(self.families.items())},
            "seconds": round(self.seconds, 1),
        }


# --------------------------------------------------------------------------- generated inputs


def collect(strategy: st.SearchStrategy[T], count: int) -> list[T]:
    """``count`` values of ``strategy``, the same ones every run (derandomized, no database)."""
    if count <= 0:
        return []
    out: list[T] = []

    @settings(max_examples=count, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def draw(value: T) -> None:
        out.append(value)

    draw()
    return out


class Inputs:
    """Every hostile input of the run, built from one ``random.Random(16)`` and derandomized hypothesis."""

    def __init__(self, rng: random.Random, hostile: list[str], answers: list[Answers], journals: list[list[JournalEntry]]) -> None:
        self.rng = rng
        self.hostile = [*HOSTILE_SAMPLES, *hostile]
        self.answers = answers or [Answers()]
        self.journals = journals or [[]]

    def text(self) -> str:
        return self.rng.choice(self.hostile)

    def long_text(self) -> str:
        piece = self.text() or "x"
        return piece * self.rng.choice((2, 10, 100, 3000))

    # ----------------------------------------------------------------- JSON values

    def entry(self, day: str | None = None) -> dict[str, Any]:
        rng = self.rng
        worst = rng.randint(0, 10)
        if day is None:
            day = (TODAY - dt.timedelta(days=rng.randint(0, 3000))).isoformat()
        return {"date": day, "flare_ups": rng.randint(0, 100), "worst": worst, "typical": rng.randint(0, worst),
                "duration_minutes": rng.randint(0, 10_080), "running_minutes": rng.randint(0, 10_080),
                "helped": "", "flared": "", "note": ""}

    def hostile_value(self) -> Any:
        rng = self.rng
        kind = rng.randrange(12)
        if kind < 5:
            return self.text()
        options: list[Any] = [
            self.long_text(), None, True, -1, 10**30, 1.5, float("nan"), [], {}, [self.text()] * rng.randint(1, 5),
            {self.text(): self.text()}, "\ud800", "\x00" * 10, 2**63,
        ]
        return rng.choice(options)

    def unknown_keys(self) -> dict[str, Any]:
        rng = self.rng
        hostile = {self.text() or "_": self.hostile_value() for _ in range(rng.randint(1, 6))}
        where = rng.randrange(5)
        if where == 0:
            return hostile
        if where == 1:
            return {rng.choice(["sign1", "sign3", "clues", "origin", "slump"]): hostile}
        if where == 2:
            return {"journal": [{**self.entry(), **hostile}]}
        if where == 3:
            return {"regions": [{"region": rng.choice(REGION_IDS), "side": "left", "intensity": 3, **hostile}]}
        return {"sign1": {"treatments": hostile}}

    def hostile_values(self) -> dict[str, Any]:
        rng = self.rng
        data: dict[str, Any] = {}
        for _ in range(rng.randint(1, 5)):
            name = rng.choice([*FIELDS, "note", "origin", "journal", "regions", "red_flags"])
            value = self.hostile_value()
            if name == "origin" and rng.random() < 0.7:
                value = {rng.choice(["clinic", "clinic_note", "example"]): self.text()}
            elif name == "journal" and rng.random() < 0.7:
                value = [{**self.entry(), rng.choice(CSV_COLUMNS): self.hostile_value()}]
            elif name == "regions" and rng.random() < 0.7:
                value = [{"region": self.text(), "side": rng.choice(["left", "right", "both", self.text()])}]
            elif name in ("red_flags", "mimics") and rng.random() < 0.7:
                value = [self.text()]
            elif name.startswith("sign") and rng.random() < 0.5:
                value = {self.text() or "x": self.hostile_value()}
            data[name] = value
        return data

    def edge_journal(self) -> dict[str, Any]:
        rng = self.rng
        days = [rng.choice(EDGE_DATES) if rng.random() < 0.6 else rng.choice(BAD_DATES) if rng.random() < 0.2 else None
                for _ in range(rng.randint(1, 8))]
        entries = [self.entry(day) for day in days]
        if rng.random() < 0.3 and entries:
            entries.append(dict(entries[0]))  # a duplicate date
        return {"journal": entries}

    def deep(self) -> bytes:
        rng = self.rng
        depth = rng.choice((20, 500, 3_000, 50_000, 150_000))
        kind = rng.randrange(4)
        if kind == 0:
            return ("[" * depth + "]" * depth).encode()
        if kind == 1:
            return ('{"note": ' + '{"a": ' * depth + "1" + "}" * depth + "}").encode()
        if kind == 2:
            return ('{"sign1": {"treatments": ' + "[" * depth + "]" * depth + "}}").encode()
        return ('{"journal": [' + '{"date": ' * depth + '"2024-01-01"' + "}" * depth + "]}").encode()

    def oversize(self) -> dict[str, Any]:
        rng = self.rng
        kind = rng.randrange(7)
        if kind == 0:
            pairs = [(r, s) for r in REGION_IDS for s in ("left", "right", "both")]
            return {"regions": [{"region": r, "side": s, "intensity": 1} for r, s in pairs] + [{"region": "calf", "side": "left"}] * 5}
        if kind == 1:
            count = rng.choice((519, 520, 521, 2_000))
            start = dt.date(1990, 1, 1)
            return {"journal": [self.entry((start + dt.timedelta(days=i)).isoformat()) for i in range(count)]}
        if kind == 2:
            return {"red_flags": [rng.choice(FLAG_IDS) for _ in range(rng.choice((60, 61, 5_000)))]}
        if kind == 3:
            return {"note": "x" * rng.choice((500, 501, 100_000))}
        if kind == 4:
            return {"origin": {"clinic": self.text() * 50, "clinic_note": "y" * 501}}
        if kind == 5:
            return {"sign2": {"qualities": ["burning"] * rng.choice((9, 10, 10_000))}}
        return {self.text() or str(i): i for i in range(rng.choice((100, 10_000)))}

    def oddity(self) -> bytes:
        rng = self.rng
        options = [
            b'{"version": NaN}', b'{"note": Infinity}', b'{"sign3": {"variability": 1e400}}', b'{"version": -0}',
            b'{"version": ' + b"9" * 5_000 + b"}", b"9" * 5_000, b'{"note": "a", "note": "b"}', b'{"note": "\\ud800"}',
            b'{"note": "\\u0000\\u202e"}', b"[]", b'"answers"', b"null", b"true", b"1", b"{}", b'{"version": 1}',
            b'{"version": 3}', b'{"version": true}', b'{"version": "2"}', b'{"version": 2.0}', b"{", b'{"note": "x"',
            b'{"note": "x"}garbage', b"\x00" * 50, b'{"regions": [{"region": "calf", "side": "left"}, {"region": "calf", "side": "left"}]}',
            b'{"journal": [{"date": "2024-01-01", "flare_ups": 1, "worst": 2, "typical": 5, "duration_minutes": 1, "running_minutes": 1}]}',
        ]
        return rng.choice(options)

    def not_json(self) -> bytes:
        rng = self.rng
        kind = rng.randrange(4)
        if kind == 0:
            return rng.randbytes(rng.randint(1, 2_000))
        if kind == 1:
            return self.text().encode("utf-8", "surrogatepass")
        if kind == 2:
            return bytes(rng.randrange(32, 127) for _ in range(rng.randint(1, 500)))
        return "".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(rng.randint(1, 300))).encode("utf-8", "surrogatepass")

    def payload(self) -> tuple[str, bytes]:
        """One hostile payload: (family, bytes), the JSON a forged link or a file would hold."""
        builders: list[tuple[str, Callable[[], Any]]] = [
            ("unknown-keys", self.unknown_keys), ("hostile-values", self.hostile_values), ("edge-dates", self.edge_journal),
            ("deep-nesting", self.deep), ("oversize", self.oversize), ("json-oddities", self.oddity), ("not-json", self.not_json),
        ]
        family, build = self.rng.choices(builders, weights=(3, 4, 3, 1, 1, 1, 1))[0]
        value = build()
        if isinstance(value, bytes):
            return family, value
        return family, json.dumps(value, ensure_ascii=self.rng.random() < 0.5).encode("utf-8", "surrogatepass")

    # ----------------------------------------------------------------- tokens

    def random_token(self) -> str:
        rng = self.rng
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        kind = rng.randrange(6)
        if kind == 0:
            return "".join(chr(rng.randrange(32, 127)) for _ in range(rng.randint(0, 300)))
        if kind == 1:
            return "".join(chr(rng.randrange(0, 0x11000)) for _ in range(rng.randint(0, 200)))
        if kind == 2:
            return "1." + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 600)))
        if kind == 3:
            return self.text()
        if kind == 4:
            return rng.choice(["1.", "1", ".", "", " ", "\n", "1.=", "1.====", "1.A", "1.AAAAAA", "1.AAAAAAAA"])
        return "1." + "A" * rng.choice((MAX_TOKEN_CHARS - 2, MAX_TOKEN_CHARS - 1, MAX_TOKEN_CHARS, 10 * MAX_TOKEN_CHARS))

    def mutated_token(self, token: str) -> tuple[str, str]:
        """(mutation, token): a real token damaged the ways copying and tampering damage one."""
        rng = self.rng
        version, _, body = token.partition(".")
        kind = rng.choice(["bit-flip", "char-flip", "truncate", "insert", "delete", "duplicate", "version", "reforged"])
        if kind == "bit-flip":  # one bit of the decoded bytes
            data = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
            return kind, f"{version}." + base64.urlsafe_b64encode(bytes(data)).rstrip(b"=").decode()
        if kind == "char-flip":  # one bit of one base64 character's value
            alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
            i = rng.randrange(len(body))
            flipped = alphabet[alphabet.index(body[i]) ^ (1 << rng.randrange(6))]
            return kind, f"{version}.{body[:i]}{flipped}{body[i + 1 :]}"
        if kind == "truncate":
            return kind, token[: rng.randrange(len(token))]
        if kind == "insert":
            i = rng.randrange(len(token) + 1)
            char = rng.choice(["A", "-", "_", "=", " ", "\n", "%", "+", ".", "é", "\u200b", "\U0001f600", chr(rng.randrange(0x110000))])
            return kind, token[:i] + char + token[i:]
        if kind == "delete":
            i = rng.randrange(len(token))
            return kind, token[:i] + token[i + rng.randint(1, 4) :]
        if kind == "duplicate":
            i = rng.randrange(len(token))
            j = rng.randint(i, len(token))
            return kind, token[:j] + token[i:j] + token[j:]
        if kind == "version":
            prefix = rng.choice(["2", "0", "01", "10000", "", "1.", "v1", " 1", "١", "1 ", "-1", "+1", "9999", "1\u200b"])
            return kind, f"{prefix}.{body}"
        # reforged: a bit flipped inside the packed data, with the checksum made right again
        data = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))[4:]
        if data:
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        return kind, forge_packed(bytes(data))

    def pasted(self, token: str) -> str:
        """Text pasted into the Physio page's box: addresses of every shape around ``token``."""
        rng = self.rng
        hosts = ["nervetriage.example", "[::1", "[::1]", "[::1?a=1.x", "xn--nervetriage-9db.example", "nérve.example",
                 "пример.испытание", "127.0.0.1:99999", "user:pass@host.example", "", "%zz", "[v1.x]", "exa mple.example",
                 "localhost:8501", "evil.example\\@nervetriage.example", "[0:0::1]:8501"]
        kind = rng.randrange(10)
        if kind == 0:
            return "http://[::1?a=1.x"
        if kind == 1:  # past the longest address a link can have
            return "https://nervetriage.example/results?a=" + token + "A" * (MAX_TOKEN_CHARS + 2_000)
        if kind == 2:
            return self.text()
        if kind == 3:
            return f"https://nervetriage.example/results#a={token}"
        host = rng.choice(hosts)
        if kind == 4:  # what a mail client or a chat wraps around a link
            before, after = rng.choice([("", ""), (" ", "\n"), ("<", ">"), ('"', '"'), ("\n", " "), ("(", ")")])
            return f"{before}https://nervetriage.example/results?a={token}{after}"
        if kind == 5:
            return f"https://{host}/results?a={token}&a=1.x&c={token}"
        if kind == 6:
            query = rng.choice(["a=", "c=", "a", "x=1", "", "a=%", "a=%00", "a=" + token.replace("-", "+"), "a=" + token + "%"])
            return f"https://nervetriage.example/?{query}"
        if kind == 7:
            scheme = rng.choice(["http", "https", "HTTPS", "javascript", "data", "ftp"])
            return f"{scheme}://{host}/p?c={token}"
        if kind == 8:
            return token
        path = rng.choice(["", "/", "/results", "/?", "/%2e%2e/"])
        return f"https://{host}{path}?a={self.text()}"

    # ----------------------------------------------------------------- files

    def odd_file(self) -> tuple[str, bytes, int | None]:
        """(family, bytes, declared size): encodings, byte-order marks and white space."""
        rng = self.rng
        export = answers_file_json(rng.choice(self.answers))
        kind = rng.randrange(12)
        if kind == 0:
            return "not-utf8", ('{"note": "caf\u00e9 ' + (self.text()[:20]) + '"}').encode("latin-1", "replace"), None
        if kind == 1:
            return "not-utf8", export.encode(rng.choice(["utf-16", "utf-16-le", "utf-16-be", "utf-32"])), None
        if kind == 2:
            return "not-utf8", rng.choice([b"\xff\xfe{}", b"{\"note\": \"\xc0\xaf\"}", b"{\"note\": \"\xed\xa0\x80\"}",
                                           export.encode()[:-3] + b"\xe2\x82", b"\x80" * 100]), None
        if kind == 3:
            return "bom", rng.choice([b"\xef\xbb\xbf" * 2, b"\xef\xbb\xbf", b"\xef\xbb\xbf\xef\xbb\xbf{}", b"\xff\xfe\x00\x00{}"]), None
        if kind == 4:
            return "whitespace", rng.choice([b" ", b"\n" * 1_000_000, b"\t \r\n" * 1_000, "\u3000".encode() * 1_000]), None
        if kind == 5:
            return "whitespace", b" " * (MAX_FILE_BYTES + 1), None
        if kind == 6:
            return "whitespace", export.encode() + b" " * rng.choice((1_000, 1_500_000, MAX_FILE_BYTES)), None
        if kind == 7:
            return "declared-size", export.encode(), rng.choice((MAX_FILE_BYTES, MAX_FILE_BYTES + 1, 10**12, 0, -5))
        if kind == 8:
            return "name-like", rng.choice([b"../../etc/passwd", b"C:\\x.json", b"%00", b"<svg onload=alert(1)>"]), None
        if kind == 9:
            return "size", b"x" * (MAX_FILE_BYTES + rng.choice((0, 1, 10**6))), None
        if kind == 10:
            return "bom", b"\xef\xbb\xbf" + json.dumps(self.unknown_keys()).encode(), None
        return "json-lines", ((export.replace("\n", "") + "\n") * rng.randint(2, 4)).encode(), None

    # ----------------------------------------------------------------- CSVs

    def csv_text(self, header: Sequence[str], rows: Sequence[Sequence[object]], newline: str = "\r\n") -> str:
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator=newline)
        writer.writerow(header)
        writer.writerows(rows)
        return out.getvalue()

    def row(self, day: str | None = None) -> list[object]:
        entry = self.entry(day)
        return [entry[c] for c in CSV_COLUMNS]

    def hostile_csv(self) -> tuple[str, str | bytes]:
        """(family, data): a CSV that is wrong in one of the ways a file from outside can be."""
        rng = self.rng
        kind = rng.randrange(10)
        if kind <= 2:  # hostile cells anywhere
            rows = []
            for _ in range(rng.randint(1, 12)):
                row = self.row()
                for i in rng.sample(range(len(CSV_COLUMNS)), rng.randint(1, len(CSV_COLUMNS))):
                    row[i] = rng.choice([self.text(), self.long_text(), "=cmd|' /C calc'!A0", "'=1+1", "+7", "-1", "@SUM(A1)",
                                         "1e3", "1.0", " 7 ", "NaN", "inf", "0x10", "１０", "1_000", "", " ", "\t=1", "'"])
                rows.append(row)
            return "hostile-cells", self.csv_text(CSV_COLUMNS, rows)
        if kind == 3:
            days = [rng.choice([*EDGE_DATES, *BAD_DATES]) for _ in range(rng.randint(1, 10))]
            return "edge-dates", self.csv_text(CSV_COLUMNS, [self.row(d) for d in days])
        if kind == 4:
            header = list(CSV_COLUMNS)
            change = rng.randrange(8)
            if change == 0:
                header.remove(rng.choice(header))
            elif change == 1:
                header.append(self.text() or "extra")
            elif change == 2:
                header.append(rng.choice(CSV_COLUMNS))
            elif change == 3:
                header = [self.text() for _ in range(rng.randint(1, 30))]
            elif change == 4:
                header = [c.upper() + " " for c in header]  # still the right columns
            elif change == 5:
                header = header[::-1]  # reordered: the rows below do not follow
            elif change == 6:
                header = [";".join(header)]
            else:  # the same unknown (long, hostile) column twice
                extra = self.long_text() or "x"
                header += [extra, extra]
            rows = [self.row() for _ in range(rng.randint(0, 5))]
            return "wrong-header", self.csv_text(header, rows)
        if kind == 5:
            day = (TODAY - dt.timedelta(days=rng.randint(0, 400))).isoformat()
            rows = [self.row(day), *(self.row() for _ in range(rng.randint(0, 4))), self.row(day)]
            return "duplicate-dates", self.csv_text(CSV_COLUMNS, rows)
        if kind == 6:
            text = self.csv_text(CSV_COLUMNS, [self.row() for _ in range(rng.randint(1, 6))], rng.choice(["\r\n", "\n", "\r"]))
            data = text.encode()
            choice = rng.randrange(4)
            if choice == 0:
                data = b"\xef\xbb\xbf" + data
            elif choice == 1:
                data = b"\xef\xbb\xbf\xef\xbb\xbf" + data
            elif choice == 2:
                data = text.encode(rng.choice(["utf-16", "latin-1", "cp1252"]), "replace")
            else:
                data = data.replace(b",", b"\x00", 1)
            return "crlf-bom-encoding", data
        if kind == 7:
            choice = rng.randrange(6)
            if choice == 0:
                return "structure", HEADER + '\r\n"2024-01-01,1,2,1,5,5,a,b,c'  # unterminated quote
            if choice == 1:
                return "structure", HEADER + "\r\n" + "2024-01-01,1,2,1\r\n" + "2024-01-02,1,2,1,5,5,a,b,c,d,e\r\n"
            if choice == 2:
                start = dt.date(1990, 1, 1)
                rows = [self.row((start + dt.timedelta(days=i)).isoformat()) for i in range(rng.choice((520, 521, 3000)))]
                return "structure", self.csv_text(CSV_COLUMNS, rows)
            if choice == 3:
                return "structure", (HEADER + "\r\n" + '"' + "x" * (MAX_CSV_BYTES // 2) + '"\r\n') * 2
            if choice == 4:
                return "structure", rng.choice(["", "\r\n", " , , ", "\ufeff", HEADER])
            return "structure", rng.randbytes(rng.randint(1, 3_000))
        if kind == 8:
            texts = ["h" * 201, "\U0001f9b6" * 200, "n" * rng.choice((500, 501))]
            return "text-limits", self.csv_text(CSV_COLUMNS, [[*self.row()[:6], *texts]])
        return "random-text", self.text() + "\n" + self.text()


def forge_packed(packed: bytes) -> str:
    """A token around already-packed bytes, with the right checksum."""
    body = base64.urlsafe_b64encode(_checksum(LINK_VERSION, packed) + packed).rstrip(b"=").decode("ascii")
    return f"{LINK_VERSION}.{body}"


def token_for_payload(payload: bytes) -> str:
    token: str = _robustness.token_for_payload(payload)
    return token


def _payload_text(payload: bytes) -> str:
    return payload.decode("utf-8", "replace")


# --------------------------------------------------------------------------- categories


def _split(total: int, weights: Sequence[int]) -> list[int]:
    """``total`` in parts proportional to ``weights`` (the last part takes the rounding)."""
    parts = [total * w // sum(weights) for w in weights]
    parts[-1] += total - sum(parts)
    return parts


def run_tokens(inputs: Inputs, count: int) -> Tally:
    tally = Tally("link tokens", LinkError)
    rng = inputs.rng
    real: list[tuple[Answers, str]] = []
    for answers in inputs.answers:
        try:
            real.append((answers, encode_link(answers)))
        except LinkTooLong:
            continue
    random_n, mutated_n, forged_n, pasted_n = _split(count, (2, 4, 3, 1))

    def accepted(family: str, answers: Answers | None) -> None:
        if answers is not None and answers.journal:
            tally.trend(family, list(answers.journal))

    for _ in range(random_n):
        token = inputs.random_token()
        accepted("random", tally.attempt("random", partial(decode_link, token), token, [token]))
    for _ in range(mutated_n):
        original, token = rng.choice(real)
        kind, damaged = inputs.mutated_token(token)
        result = tally.attempt(f"mutated/{kind}", partial(decode_link, damaged), damaged, [damaged])
        if result is not None and kind != "reforged" and result != original:
            tally.fail("changed_but_accepted", kind, damaged, "a damaged token was accepted with different answers")
        accepted(f"mutated/{kind}", result)
    for _ in range(forged_n):
        family, payload = inputs.payload()
        token = token_for_payload(payload)
        result = tally.attempt(f"forged/{family}", partial(decode_link, token), payload, [token, _payload_text(payload)])
        accepted(f"forged/{family}", result)
    clinic_tokens = []
    for _ in range(max(1, pasted_n // 20)):  # clinic links made on the Physio page from typed (browser-sendable) text
        clinic, note = (inputs.text().encode("utf-8", "ignore").decode()[:limit] for limit in (80, 500))
        try:
            link = build_clinic_link(clinic, note, "https://nervetriage.example/")
        except (ValidationError, LinkError):  # what the Physio page catches and shows
            continue
        except Exception as exc:
            tally.crash("clinic-link", (clinic, note), exc)
            continue
        clinic_tokens.append(link.rsplit("=", 1)[-1])

    def paste(text: str) -> Answers:
        _kind, token = token_from_text(text)
        return decode_link(token)

    for _ in range(pasted_n):
        token = rng.choice([*(t for _, t in real[:50]), *clinic_tokens]) if real or clinic_tokens else "1.x"
        text = inputs.pasted(token)
        accepted("pasted", tally.attempt("pasted", partial(paste, text), text, [text]))
    return tally


def run_files(inputs: Inputs, count: int, valid: list[Answers]) -> Tally:
    tally = Tally("answers files", AnswersFileError)
    rng = inputs.rng
    valid_n, payload_n, odd_n = _split(count, (3, 5, 2))

    def round_trip(family: str, answers: Answers, data: bytes) -> None:
        tally.checks["round_trips"] += 1
        result = tally.attempt(family, partial(read_answers_file, data), data[:300], [])
        if result is None:
            tally.fail("round_trip", family, data[:300], "the app's own export was refused or crashed")
        elif result != answers:
            tally.fail("round_trip", family, data[:300], "the app's own export came back different")
        elif answers.journal:
            tally.trend(family, list(answers.journal))

    for index in range(valid_n):
        answers = valid[index % len(valid)] if valid else Answers()
        text = answers_file_json(answers)
        variant = index % 4
        if variant == 0:
            round_trip("export", answers, text.encode())
        elif variant == 1:
            round_trip("export+bom", answers, b"\xef\xbb\xbf" + text.encode())
        elif variant == 2:
            round_trip("export+crlf", answers, text.replace("\n", "\r\n").encode())
        else:
            round_trip("export+bom+crlf", answers, b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    if valid_n:  # the largest answers file the schema allows, saved by an editor with a BOM and CR LF
        worst = worst_case_answers()
        round_trip("export/worst-case", worst, b"\xef\xbb\xbf" + answers_file_json(worst).replace("\n", "\r\n").encode())
    for _ in range(payload_n):
        family, payload = inputs.payload()
        if rng.random() < 0.2:
            payload = b"\xef\xbb\xbf" + payload
        result = tally.attempt(f"payload/{family}", partial(read_answers_file, payload), payload[:300], [_payload_text(payload)])
        if result is not None and result.journal:
            tally.trend(f"payload/{family}", list(result.journal))
    for _ in range(odd_n):
        family, data, declared = inputs.odd_file()
        result = tally.attempt(family, partial(read_answers_file, data, declared), data[:300], [_payload_text(data[:200_000])])
        if result is not None and result.journal:
            tally.trend(family, list(result.journal))
    return tally


def run_csvs(inputs: Inputs, count: int, journals: list[list[JournalEntry]]) -> Tally:
    tally = Tally("journal CSVs", JournalInputError)
    valid_n, hostile_n = _split(count, (3, 7))

    def import_csv(family: str, data: str | bytes) -> list[JournalEntry] | None:
        text = data if isinstance(data, str) else data.decode("utf-8", "replace")
        result = tally.attempt(family, partial(entries_from_csv, data), data[:300], [text])
        if result is not None:
            tally.trend(family, result)
        return result

    def round_trip(family: str, journal: list[JournalEntry], data: str | bytes) -> None:
        tally.checks["round_trips"] += 1
        result = import_csv(family, data)
        if result is None:
            tally.fail("round_trip", family, data[:300], "the app's own CSV export was refused or crashed")
        elif result != sort_entries(journal):
            tally.fail("round_trip", family, data[:300], "the app's own CSV export came back different")

    for index in range(valid_n):
        journal = journals[index % len(journals)] if journals else []
        text = entries_to_csv(journal)
        variant = index % 5
        if variant == 0:
            round_trip("export", journal, text)
        elif variant == 1:
            round_trip("export/bytes", journal, text.encode())
        elif variant == 2:
            round_trip("export+bom", journal, b"\xef\xbb\xbf" + text.encode())
        elif variant == 3:
            round_trip("export+lf", journal, text.replace("\r\n", "\n").encode())
        else:  # a spreadsheet that capitalised the header and padded it
            header, _, rest = text.partition("\r\n")
            round_trip("export+header-case", journal, ",".join(f" {c.upper()} " for c in header.split(",")) + "\r\n" + rest)
    if valid_n:  # the largest journal CSV the schema allows
        worst = worst_case_answers(journal_csv_bytes).journal
        round_trip("export/worst-case", list(worst), entries_to_csv(worst).encode())
    for _ in range(hostile_n):
        family, data = inputs.hostile_csv()
        if isinstance(data, str):  # an upload is bytes; text only when it is what a browser could send
            data = data.encode("utf-8", "surrogatepass") if inputs.rng.random() < 0.8 or _has_surrogates(data) else data
        import_csv(family, data)
    return tally


def _has_surrogates(text: str) -> bool:
    return any("\ud800" <= char <= "\udfff" for char in text)


@dataclass
class RenderTally:
    examples: int = 0
    strings: int = 0
    page_runs: int = 0  # AppTest runs of the hostile examples (each page, each error path)
    baseline_runs: int = 0  # the same paths with plain text, once, to compare with
    defects: int = 0
    crashed: int = 0
    nul_file_names: int = 0  # not the app's: see _nul_file_name_only
    examples_kept: list[dict[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    def record(self, kind: str, strings: list[str], exc: BaseException) -> None:
        if len(self.examples_kept) < MAX_EXAMPLES_KEPT:
            self.examples_kept.append({"kind": kind, "strings": repr(strings)[:REPR_CHARS],
                                       "error": f"{type(exc).__name__}: {exc}"[:REPR_CHARS * 2], "where": _where(exc)})

    def as_json(self) -> dict[str, Any]:
        return {"examples": self.examples, "strings_rendered": self.strings, "page_runs": self.page_runs,
                "baseline_page_runs": self.baseline_runs,
                "render_defects": self.defects,
            "nul_file_names_refused_by_streamlit": self.nul_file_names, "crashed": self.crashed, "defect_examples": self.examples_kept,
                "seconds": round(self.seconds, 1)}


def run_render(count: int) -> RenderTally:
    """Hostile strings, sixteen at a time, through every page and error path of tests/test_hostile_apptest.py."""
    from streamlit.testing.v1 import AppTest

    tally = RenderTally()
    if count <= 0:
        return tally
    original_run = AppTest.run

    def counted_run(self: AppTest, *args: Any, **kwargs: Any) -> AppTest:
        tally.page_runs += 1
        return original_run(self, *args, **kwargs)

    examples = math.ceil(count / STRINGS_PER_RENDER)
    fixed = [(HOSTILE_SAMPLES[start:] + HOSTILE_SAMPLES)[:STRINGS_PER_RENDER]
             for start in range(0, len(HOSTILE_SAMPLES), STRINGS_PER_RENDER)][:examples]
    generated = collect(st.lists(hostile_texts(), min_size=STRINGS_PER_RENDER, max_size=STRINGS_PER_RENDER), examples - len(fixed))
    AppTest.run = counted_run  # type: ignore[method-assign]
    try:
        plain_pages, plain_errors = _apptest.baseline()
        tally.baseline_runs, tally.page_runs = tally.page_runs, 0
        for strings in [*fixed, *generated]:
            tally.examples += 1
            tally.strings += len(strings)
            for kind in ("pages", "error paths"):
                try:
                    if kind == "pages":
                        _apptest.assert_no_more_links(_apptest.walk_pages(_apptest.answers_with(strings), strings), plain_pages)
                    else:
                        _apptest.assert_no_more_links(_apptest.error_paths(strings), plain_errors)
                except AssertionError as exc:
                    if kind == "error paths" and _nul_file_name_only(strings, plain_errors):
                        tally.nul_file_names += 1
                        tally.record("note: NUL byte in the uploaded file's name, refused by Streamlit itself", strings, exc)
                        continue
                    tally.defects += 1
                    tally.record(f"render defect ({kind})", strings, exc)
                except Exception as exc:
                    tally.crashed += 1
                    tally.record(f"crash ({kind})", strings, exc)
    finally:
        AppTest.run = original_run  # type: ignore[method-assign]
    return tally


def _nul_file_name_only(strings: list[str], plain_errors: Any) -> bool:
    """True when the error paths failed only because the uploaded file's name held a NUL byte.

    error_paths names the uploaded answers file after ``strings[4]``; Streamlit's own
    uploader refuses a name with a NUL (``StreamlitAPIException: Filename cannot contain
    null bytes``) while deserialising the widget, before any app code runs, and no file
    picker can produce such a name. Proven by running the same paths with that one NUL-free.
    """
    if "\x00" not in strings[4][:120]:
        return False
    retry = [*strings[:4], strings[4].replace("\x00", ""), *strings[5:]]
    try:
        _apptest.assert_no_more_links(_apptest.error_paths(retry), plain_errors)
    except AssertionError:
        return False
    return True


# --------------------------------------------------------------------------- report


def _row(name: str, tally: Tally) -> str:
    crashed = f"{tally.crashed}" + (" !!" if tally.crashed else "")
    return (f"{name:34s} {tally.tried:7d} {tally.accepted:8d} {tally.refused:8d} {crashed:>8s} {tally.longest_message:8d} "
            f"{tally.quoting_messages:8d} {tally.seconds:7.1f}")


def print_report(tallies: list[Tally], render: RenderTally) -> int:
    print(f"\n{'category / family':34s} {'tried':>7s} {'accepted':>8s} {'refused':>8s} {'CRASHED':>8s} {'longest':>8s} "
          f"{'quoting':>8s} {'seconds':>7s}")
    for tally in tallies:
        print(_row(tally.name, tally))
        for family, counts in sorted(tally.families.items()):
            print(f"  {family:32s} {counts['tried']:7d} {counts['accepted']:8d} {counts['refused']:8d} {counts['crashed']:8d}")
        checks = ", ".join(f"{k} {v}" for k, v in sorted(tally.checks.items()))
        if checks:
            print(f"  ({checks})")
    print(f"rendered strings: {render.strings} strings in {render.examples} examples, {render.page_runs} AppTest page runs, "
          f"{render.defects} render defects, {render.crashed} crashes ({render.seconds:.1f} s)")
    if render.nul_file_names:
        print(f"  (and {render.nul_file_names} example(s) whose uploaded file name held a NUL byte: Streamlit's uploader refuses "
              "it before the app runs; not counted as a defect, see the note below)")
    print(f"longest message {max(t.longest_message for t in tallies)} characters (cap {MAX_MESSAGE_CHARS}); "
          f"messages quoting over {EXCERPT_CHARS} characters of their input: {sum(t.quoting_messages for t in tallies)}")
    problems: list[str] = []
    for tally in tallies:
        for example in tally.crash_examples:
            problems.append(f"CRASH in {tally.name} ({example['family']}): {example['error']} at {example['where']}\n"
                            f"      input {example['input']}")
        for failure in tally.failures:
            problems.append(f"{failure['check'].upper()} FAILURE in {tally.name} ({failure['family']}): {failure['detail']}\n"
                            f"      input {failure['input']}")
        if tally.longest_message > MAX_MESSAGE_CHARS:
            problems.append(f"MESSAGE OVER THE CAP in {tally.name}: {tally.longest_message} characters: "
                            f"{tally.longest_message_text[:REPR_CHARS]!r}")
        for example in tally.quoting_examples:
            problems.append(f"MESSAGE QUOTES THE INPUT in {tally.name} ({example['family']}): {example['message']!r}")
    notes: list[str] = []
    for example in render.examples_kept:
        line = f"RENDER {example['kind'].upper()}: {example['error']} at {example['where']}\n      strings {example['strings']}"
        (notes if example["kind"].startswith("note:") else problems).append(line)
    defects = sum(t.defects() for t in tallies) + render.defects + render.crashed
    defects += sum(t.longest_message > MAX_MESSAGE_CHARS for t in tallies) + sum(t.quoting_messages for t in tallies)
    if problems:
        print("\n" + "!" * 78)
        print(f"!!! {defects} DEFECT(S) FOUND (first {MAX_EXAMPLES_KEPT} of each kind below; all in bench/results/hostile.json)")
        print("!" * 78)
        for line in problems:
            print(f"  - {line}")
        print("!" * 78)
    else:
        print("\nno defects: nothing crashed, every export came back equal, every message within its cap")
    if notes:
        print(f"  note - {len(notes)} example(s) kept of {render.nul_file_names}, the first: {notes[0]}")
    return defects


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tokens", type=int, default=DEFAULTS["tokens"], help="link tokens and pasted links")
    parser.add_argument("--files", type=int, default=DEFAULTS["files"], help="answers files")
    parser.add_argument("--csvs", type=int, default=DEFAULTS["csvs"], help="journal CSVs")
    parser.add_argument("--strings", type=int, default=DEFAULTS["strings"], help="hostile strings rendered (16 per AppTest example)")
    args = parser.parse_args(argv)
    # AppTest sets session state outside a script run; Streamlit's warning about it would bury the table.
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
        lambda record: "missing ScriptRunContext" not in record.getMessage()
    )
    started = time.perf_counter()
    rng = random.Random(SEED)

    t0 = time.perf_counter()
    hostile = collect(hostile_texts(), min(600, max(50, (args.tokens + args.files + args.csvs) // 20)))
    answers_pool = collect(_strategies.answers(max_journal=12), max(20, min(600, args.tokens // 20 + args.files // 3)))
    journals_raw = collect(
        st.lists(_strategies.journal_entries(), max_size=40, unique_by=lambda r: r["date"]), max(20, min(500, args.csvs // 3))
    )
    journals = [[JournalEntry.model_validate(e) for e in journal] for journal in journals_raw]
    generation = time.perf_counter() - t0
    inputs = Inputs(rng, hostile, answers_pool, journals)
    print(f"generated {len(hostile)} hostile strings, {len(answers_pool)} answers and {len(journals)} journals "
          f"({generation:.1f} s)", flush=True)

    tallies: list[Tally] = []
    for run, label in (
        (lambda: run_tokens(inputs, args.tokens), "link tokens"),
        (lambda: run_files(inputs, args.files, answers_pool), "answers files"),
        (lambda: run_csvs(inputs, args.csvs, journals), "journal CSVs"),
    ):
        t0 = time.perf_counter()
        tally = run()
        tally.seconds = time.perf_counter() - t0
        tallies.append(tally)
        print(f"  {label}: {tally.tried} tried, {tally.crashed} crashed ({tally.seconds:.1f} s)", flush=True)
    t0 = time.perf_counter()
    render = run_render(args.strings)
    render.seconds = time.perf_counter() - t0
    print(f"  rendered strings: {render.strings} ({render.seconds:.1f} s)", flush=True)

    defects = print_report(tallies, render)
    keys = ("link_tokens", "answers_files", "journal_csvs")
    path = write_result("hostile", {
        "parameters": {**vars(args), "seed": SEED, "hypothesis": "derandomize=True, database=None",
                       "command": "python bench/bench_hostile.py " + " ".join(f"--{k} {v}" for k, v in vars(args).items())},
        "max_message_chars": MAX_MESSAGE_CHARS,
        "excerpt_chars": EXCERPT_CHARS,
        "generation_seconds": round(generation, 1),
        "categories": {key: tally.as_json() for key, tally in zip(keys, tallies, strict=True)},
        "rendered_strings": render.as_json(),
        "defects": defects,
        "seconds": round(time.perf_counter() - started, 1),
    })
    print(f"wrote {path.relative_to(ROOT)} ({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
