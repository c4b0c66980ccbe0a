"""Checks that our text is in our own words, without shipping the article itself.

``data/article_shingles.txt`` holds a short hash of every run of ten words in the seed
article; a text that shares any of them repeats the article word for word.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

ARTICLE = Path("/work/shared/seed/article.txt")
FINGERPRINTS = Path(__file__).parent / "data" / "article_shingles.txt"


def fingerprints(text: str, size: int = 10) -> set[str]:
    """Hashes of every run of ``size`` words (lower case, letters only)."""
    words = re.findall(r"[a-z]+", text.lower())
    return {hashlib.sha256(" ".join(words[i : i + size]).encode()).hexdigest()[:16] for i in range(len(words) - size + 1)}


def article_fingerprints() -> set[str]:
    """The stored fingerprints of the article."""
    lines = FINGERPRINTS.read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line and not line.startswith("#")}
