"""Share links, answers files, PDF and origin banners (owned by the sharing work). Stub until that lands."""

from __future__ import annotations

from nervetriage.models import Answers, Assessment


def restore_from_url() -> None:
    """Called by app.py before navigation: load answers from a share/physio link if present."""


def origin_banner(answers: Answers) -> None:
    """Show 'this is an example' or the clinic's note, wherever answers are shown."""


def upload_panel() -> None:
    """Welcome page: restore answers from an uploaded JSON file."""


def share_panel(answers: Answers, assessment: Assessment) -> None:
    """Results page: share link, JSON download, PDF download."""
