"""Recognising the kinds of line a debate card is made of.

Shared by the parser and the writer so that what one writes the other reads back.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from enum import StrEnum

from bot.content.model import Side

SPLITS_MARK = "⚡"
DECOY_MARK = "Not said:"  # an author decoy: a plausible reply the side did not make
FACTION_MARK = "Faction:"  # a faction name not written in capitals


class Section(StrEnum):
    CONSERVATIVE_HARDEST = "Conservative's hardest question"
    LIBERAL_HARDEST = "Liberal's hardest question"
    DIVIDE = "The Divide"
    AGREEMENT = "Both sides agree"
    CONFLICT = "The real conflict"
    UNANSWERED = "What nobody has answered"
    SOURCES = "Sources"


class About(StrEnum):
    """The lines a card may begin with, before its question, for what a pack file holds
    beside the debate itself; ``export-card`` writes them, so a pack survives the round trip."""

    ID = "Id"
    TAGS = "Tags"  # separated by commas
    GRADE_LEVEL = "Grade level"
    LANGUAGE = "Language"
    AUTHORSHIP = "Authorship"

    @property
    def field(self) -> str:
        """The ``Pack`` field the line sets."""
        return self.name.lower()


_ABOUT_LINE = re.compile(r"^(id|tags|grade level|language|authorship)\s*:\s*(.*)$", re.I)


def about_line(line: str) -> tuple[About, str] | None:
    """``(About.TAGS, "a, b")`` for ``Tags: a, b`` (the name in any case), else ``None``."""
    match = _ABOUT_LINE.match(line)
    if match is None:
        return None
    return next(about for about in About if about.value.lower() == match.group(1).lower()), match.group(2).strip()


# Sections whose text may start on the marker line itself ("Both sides agree: …").
INLINE_SECTIONS = {Section.AGREEMENT, Section.CONFLICT, Section.UNANSWERED}

_APOSTROPHE = "['’‘`]"
_SECTION_PATTERNS: list[tuple[Section, re.Pattern[str]]] = [
    (Section.CONSERVATIVE_HARDEST, re.compile(rf"^conservative{_APOSTROPHE}?s hardest question\s*:?\s*(.*)$", re.I)),
    (Section.LIBERAL_HARDEST, re.compile(rf"^liberal{_APOSTROPHE}?s hardest question\s*:?\s*(.*)$", re.I)),
    (Section.DIVIDE, re.compile(r"^the divide\s*:?\s*$", re.I)),
    (Section.AGREEMENT, re.compile(r"^both sides agree\s*:\s*(.*)$", re.I)),
    (Section.CONFLICT, re.compile(r"^the real conflict\s*:\s*(.*)$", re.I)),
    (Section.UNANSWERED, re.compile(r"^what nobody has answered\s*:?\s*(.*)$", re.I)),
    (Section.SOURCES, re.compile(r"^sources\s*:?\s*$", re.I)),
]

_CONFLICT_KIND = re.compile(r"^([A-Z][A-Z'’ /&-]*[A-Z])\s*:\s*(\S.*)$")
_FACTION_NAME = re.compile(r"^[A-Z0-9][A-Z0-9 /&'’.()-]*$")
_QUOTE = re.compile(r"^[“\"‘'«]\s*(.+?)\s*[”\"’'»]\s*[—–-]+\s*(\S.*)$")
QUOTE_OPENERS = ("“", '"', "‘", "«")
_SENTENCE_END = (".", ";", ",", ":")
MAX_HEADING_CHARS = 100


def side_label(line: str) -> Side | None:
    """The side a label line names (a line holding only ``L`` or ``C``), else ``None``."""
    return Side.from_letter(line) if line in {"L", "C", "l", "c"} else None


def section_marker(line: str) -> tuple[Section, str] | None:
    """The section a marker line opens and any text after the marker on the same line."""
    for section, pattern in _SECTION_PATTERNS:
        match = pattern.match(line)
        if match:
            return section, (match.group(1).strip() if match.groups() else "")
    return None


def decoy_text(line: str) -> str | None:
    """The decoy a ``Not said: …`` line holds, else ``None`` (the marker in any case)."""
    if line[: len(DECOY_MARK)].lower() == DECOY_MARK.lower():
        return line[len(DECOY_MARK) :].strip()
    return None


def faction_line(line: str) -> str | None:
    """The faction name on a name line: ``NAME IN CAPITALS`` or ``Faction: Any name``."""
    if line[: len(FACTION_MARK)].lower() == FACTION_MARK.lower():
        return line[len(FACTION_MARK) :].strip() or None
    return line if is_faction_name(line) else None


def _folded(text: str) -> str:
    return " ".join(re.sub(_APOSTROPHE, "", text.lower()).split())


def near_section(line: str) -> Section | None:
    """The section a misspelt marker line probably meant ("Source", "Both side agree:",
    "Conservatives' hardest question"); ``None`` for real markers and ordinary lines."""
    if section_marker(line):
        return None
    head = line.split(":", 1)[0] if ":" in line else line
    if len(head.split()) > 6:
        return None
    folded = _folded(head)
    best, score = None, 0.0
    for section in Section:
        ratio = SequenceMatcher(None, folded, _folded(section.value)).ratio()
        if ratio > score:
            best, score = section, ratio
    return best if score >= 0.85 else None


def looks_like_heading(line: str) -> bool:
    """A short title rather than a paragraph: not too long and not ending like a sentence."""
    return len(line) <= MAX_HEADING_CHARS and not line.endswith(_SENTENCE_END)


def looks_like_lost_heading(line: str) -> bool:
    """Heading-like and short enough that, as prose, it would be a fragment."""
    return looks_like_heading(line) and len(line.split()) <= 10 and not line.endswith(("?", "!", "…"))


def looks_like_dotted_heading(line: str) -> bool:
    """A heading with a stray full stop: short, ends in "." or ":", and is no longer than a
    title (a one-line closing sentence of a turn rarely is followed straight by a label and
    is that short)."""
    return (
        line.endswith((".", ":"))
        and not line.endswith("..")
        and looks_like_lost_heading(line[:-1])
        and len(line.split()) <= 8
    )


def split_conflict_kind(text: str) -> tuple[str | None, str]:
    """``("FACT DISPUTE", rest)`` for ``"FACT DISPUTE: rest"``; ``(None, text)`` otherwise."""
    match = _CONFLICT_KIND.match(text)
    if match and any(c.isalpha() for c in match.group(1)):
        return match.group(1), match.group(2)
    return None, text


def is_faction_name(line: str) -> bool:
    return bool(_FACTION_NAME.match(line)) and any(c.isalpha() for c in line)


def parse_quote(line: str) -> tuple[str, str] | None:
    """``(text, attribution)`` from ``“text” — Attribution``."""
    match = _QUOTE.match(line)
    return (match.group(1), match.group(2)) if match else None


def is_subtitle(line: str) -> bool:
    return len(line) > 2 and line.startswith("*") and line.endswith("*")
