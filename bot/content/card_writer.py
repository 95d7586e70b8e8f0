"""The card renderer: a ``Pack`` written back as card text that ``parse_card`` reads again."""

from __future__ import annotations

from bot.content.card_format import DECOY_MARK, FACTION_MARK, SPLITS_MARK, About, Section, is_faction_name
from bot.content.model import DEFAULT_LANGUAGE, Pack, Thread, Turn


def render_card(pack: Pack) -> str:
    """Card text for ``pack``; ``parse_card(render_card(p))`` gives ``p`` back. (A turn's id is
    derived from its text again, so a turn whose pack file kept an older id gets a new one.)"""
    lines: list[str] = [*_about_lines(pack), pack.question, *_paragraphs(pack.context)]
    if pack.internal_splits:
        lines.append(SPLITS_MARK + pack.internal_splits)
    lines.extend(_paragraphs(pack.hook))
    opening_argument, *replies = pack.opening.turns
    lines.extend(_paragraphs(opening_argument.text))
    for turn in replies:
        lines.extend(_turn_lines(turn))
    for thread in pack.threads:
        lines.extend(_thread_lines(thread))
    lines.extend([Section.CONSERVATIVE_HARDEST.value, *_paragraphs(pack.hardest_questions.conservative)])
    lines.extend([Section.LIBERAL_HARDEST.value, *_paragraphs(pack.hardest_questions.liberal)])
    lines.append(Section.DIVIDE.value)
    if pack.divide.subtitle:
        lines.append(f"*{pack.divide.subtitle}*")
    for faction in pack.divide.factions:
        # A name not in capitals would read back as a position line: mark it as a name.
        name = faction.name if is_faction_name(faction.name) else f"{FACTION_MARK} {faction.name}"
        lines.extend([name, faction.position])
        if faction.quote:
            lines.append(f"“{faction.quote.text}” — {faction.quote.attribution}")
    lines.append(f"{Section.AGREEMENT.value}: {pack.agreement}")
    kind = f"{pack.conflict.kind}: " if pack.conflict.kind else ""
    lines.append(f"{Section.CONFLICT.value}: {kind}{pack.conflict.text}")
    lines.append(f"{Section.UNANSWERED.value}: {pack.unanswered}")
    lines.extend([Section.SOURCES.value, *pack.sources])
    return "\n".join(lines) + "\n"


def _about_lines(pack: Pack) -> list[str]:
    about = {
        About.ID: pack.id,
        About.TAGS: ", ".join(pack.tags),
        About.GRADE_LEVEL: pack.grade_level,
        About.LANGUAGE: pack.language if pack.language != DEFAULT_LANGUAGE else None,
        About.AUTHORSHIP: " ".join(pack.authorship.split()) if pack.authorship else None,
    }
    return [f"{name}: {value}" for name, value in about.items() if value]


def _thread_lines(thread: Thread) -> list[str]:
    lines = [thread.title]
    for turn in thread.turns:
        lines.extend(_turn_lines(turn))
    return lines


def _turn_lines(turn: Turn) -> list[str]:
    return [turn.side.letter, *_paragraphs(turn.text), *(f"{DECOY_MARK} {decoy}" for decoy in turn.decoys)]


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
