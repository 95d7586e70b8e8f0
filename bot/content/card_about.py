"""A card's "about" lines: ``Id:``, ``Tags:``, ``Grade level:``, ``Language:`` and
``Authorship:``, written before the debate question. They carry what a pack file holds
beside the debate itself, so that a pack written out as a card (``export-card``) and read
back loses nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.content import card_format as fmt
from bot.content.card_format import About
from bot.content.errors import ContentProblem
from bot.content.text_input import Line


@dataclass
class AboutLines:
    """What the about lines at the top of a card say, and the card's lines after them."""

    data: dict[str, Any] = field(default_factory=dict)  # Pack fields
    lines_of: dict[tuple[str | int, ...], int] = field(default_factory=dict)  # each field's line, for errors
    problems: list[ContentProblem] = field(default_factory=list)
    rest: list[Line] = field(default_factory=list)


def read_about(lines: Sequence[Line], source: str) -> AboutLines:
    read = AboutLines()
    seen: set[About] = set()
    at = 0
    while at < len(lines) and (found := fmt.about_line(lines[at].text)) is not None:
        about, value = found
        line = lines[at].number
        at += 1
        if about in seen:
            read.problems.append(ContentProblem(source, line, f"a second '{about}:' line; a card has at most one"))
        elif not value:
            read.problems.append(ContentProblem(source, line, f"'{about}:' needs a value after the colon"))
        else:
            read.data[about.field] = tags(value) if about is About.TAGS else value
            read.lines_of[(about.field,)] = line
        seen.add(about)
    read.rest = list(lines[at:])
    return read


def tags(value: str) -> list[str]:
    return [tag.strip() for tag in value.split(",") if tag.strip()]


def misplaced(line: Line, source: str) -> ContentProblem | None:
    """A problem for an about line found later in the card: it would be read as prose."""
    found = fmt.about_line(line.text)
    if found is None:
        return None
    return ContentProblem(
        source, line.number, f"a '{found[0]}:' line belongs at the top of the card, before the debate question"
    )
