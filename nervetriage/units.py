"""How the app writes a size for people: one form everywhere a limit is stated."""

from __future__ import annotations


def megabytes(size: int) -> str:
    """A byte count as people read it, in decimal megabytes: 2100000 is "2.1 MB", 2000000 "2 MB"."""
    return f"{size / 1_000_000:.1f} MB".replace(".0 MB", " MB")
