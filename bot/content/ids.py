"""Stable ids for threads and turns.

Ids are written into every pack file, so editing a pack by hand never changes them. Where a
pack or a card has none, they are derived from content alone (a slug of a thread's title; a
turn's side plus a hash of its text), so re-importing an unchanged card yields the same ids.
Games copy the pack they are played from (see ``bot.store``), so results never depend on a
pack's later edits.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

OPENING_THREAD_ID = "opening"
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
_MAX_SLUG = 48


def slugify(text: str, fallback: str = "untitled") -> str:
    """A lowercase ASCII slug of ``text``: letters, digits and single hyphens."""
    without_apostrophes = re.sub("['’]", "", text)
    ascii_text = unicodedata.normalize("NFKD", without_apostrophes).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:_MAX_SLUG].rstrip("-")
    return slug or fallback


def turn_id(side_letter: str, text: str) -> str:
    """``c-1a2b3c4d``: the side and the first 8 hex digits of the SHA-256 of the text.

    Whitespace and case are folded first so that re-wrapping a paragraph keeps its id.
    """
    folded = " ".join(text.split()).casefold()
    digest = hashlib.sha256(folded.encode("utf-8")).hexdigest()[:8]
    return f"{side_letter.lower()}-{digest}"


def unique(candidate: str, taken: set[str]) -> str:
    """``candidate``, or ``candidate-2``, ``-3``… whichever is not yet in ``taken`` (then taken)."""
    name, n = candidate, 2
    while name in taken:
        name = f"{candidate}-{n}"
        n += 1
    taken.add(name)
    return name
