"""What the browser keeps between reloads, and how the app reads it back.

The answers never touch the server's disk: the page's small bridge
(``nervetriage/ui/assets/browser_store.js``) keeps them in the browser, in this tab
(sessionStorage: survives a reload, a reconnect, a new server process or another replica)
and, only when the person chooses "Remember on this device", in localStorage between
visits. A stored record is outside input like a link: anything can have written it (an
older version, another app on the same origin, a person with the browser's tools), so it
is read through the same validation as an answers file, and a record that fails says so
and is left out, never applied in part.

A record is ``{"app": "nervetriage", "format": 1, "saved": ISO time, "rev": str,
"page": page id, "answers": <the answers file's JSON object>}``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Literal

from nervetriage.models import Answers
from nervetriage.safetext import MAX_MESSAGE_CHARS, clip
from nervetriage.share import MAX_FILE_BYTES, AnswersFileError, answers_file_json, read_answers_file
from nervetriage.ui_text import PAGE_IDS

RECORD_APP = "nervetriage"
RECORD_FORMATS = (1,)
# A record holds one answers file plus a few short fields.
MAX_RECORD_CHARS = MAX_FILE_BYTES + 1_000
Where = Literal["tab", "device"]
_WHERE = {"tab": "kept in this browser tab", "device": "remembered on this device"}


class StoredRecordError(ValueError):
    """A stored record that cannot be used; the message says which copy and why (capped)."""

    def __init__(self, text: str) -> None:
        super().__init__(clip(text, MAX_MESSAGE_CHARS))


@dataclass(frozen=True)
class StoredRecord:
    """A valid record: the answers (migrated to the current version), its page and its time."""

    answers: Answers
    page: str | None
    saved: dt.datetime | None
    rev: str | None


def answers_payload(answers: Answers) -> str | None:
    """What the bridge stores for ``answers``: the answers file's JSON, or None when nothing is entered."""
    if answers == Answers():
        return None
    return answers_file_json(answers)


def read_record(raw: object, where: Where) -> StoredRecord:
    """The record in ``raw`` (a string read from browser storage); any problem raises ``StoredRecordError``."""
    copy = f"The answers {_WHERE[where]}"
    if not isinstance(raw, str):
        raise StoredRecordError(f"{copy} are not text, so they were not made by NerveTriage.")
    if len(raw) > MAX_RECORD_CHARS:
        raise StoredRecordError(f"{copy} are larger than any set of answers, so they were not made by NerveTriage.")
    try:
        parsed = json.loads(raw)
    except (ValueError, RecursionError):
        raise StoredRecordError(f"{copy} are not readable (not JSON).") from None
    if not isinstance(parsed, dict) or parsed.get("app") != RECORD_APP:
        raise StoredRecordError(f"{copy} were not written by NerveTriage.")
    if parsed.get("format") not in RECORD_FORMATS:
        raise StoredRecordError(f"{copy} come from a newer version of NerveTriage than this one.")
    body = parsed.get("answers")
    if not isinstance(body, dict):
        raise StoredRecordError(f"{copy} hold no answers.")
    try:
        answers = read_answers_file(json.dumps(body).encode("utf-8"))
    except (AnswersFileError, ValueError, RecursionError) as exc:
        raise StoredRecordError(f"{copy} could not be used: {exc}") from None
    page = parsed.get("page")
    rev = parsed.get("rev")
    return StoredRecord(
        answers=answers,
        page=page if isinstance(page, str) and page in PAGE_IDS else None,
        saved=_time(parsed.get("saved")),
        rev=rev if isinstance(rev, str) and len(rev) <= 64 else None,
    )


def _time(value: object) -> dt.datetime | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


@dataclass(frozen=True)
class Restore:
    """What to do with the records a page load found: answers to restore (or None) and messages."""

    answers: Answers | None = None
    source: Where | None = None
    page: str | None = None
    problems: list[str] = field(default_factory=list)


def choose_restore(tab: object, device: object, remember: bool, current: Answers) -> Restore:
    """This tab's own copy first, then the device's (when remembered); nothing over answers already here.

    ``current`` holds what this session already has (a link just opened, or a session that
    survived a reconnect): it is never replaced by a stored copy. A copy that cannot be read
    is reported and left out; the other copy can still be used.
    """
    problems: list[str] = []
    found: list[tuple[Where, StoredRecord]] = []
    for where, raw in (("tab", tab), ("device", device if remember else None)):
        if raw is None:
            continue
        try:
            found.append((where, read_record(raw, where)))  # type: ignore[arg-type]
        except StoredRecordError as exc:
            problems.append(str(exc))
    usable = [(where, record) for where, record in found if record.answers != Answers()]
    if current != Answers() or not usable:
        return Restore(problems=problems)
    where, record = usable[0]
    return Restore(answers=record.answers, source=where, page=record.page, problems=problems)
