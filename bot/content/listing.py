"""The library as a teacher browses it: each debate's tags, threads, playing time and reading
level, filtered by tag. Pure over packs; every platform (terminal, Discord, Slack) shows what
``list_library`` returns and decides nothing itself.

**Playing time** is an estimate from the pack's text, not a measurement:

- reading at ``READING_WPM`` (200 words a minute: adults read non-fiction silently at about
  238, Brysbaert 2019, "How many words do we read per minute?", *Journal of Memory and
  Language* 109, 104047; a class reading together is slower, so we round down);
- what is read: the context and hook, every turn, for each prediction the three decoys (each
  counted as long as the real reply, since decoys are written around its length), and the
  closing (both hardest questions, the Divide, agreement, conflict, what nobody answered);
- plus ``SECONDS_PER_QUESTION`` (30, the timed mode's default timer) for every question:
  a prediction per reply (every turn after a thread's first; a game may show a few of them
  unasked, so this is an upper bound), a stance before each thread and after the last, a
  stronger-point vote per thread and the faction pick.

A **daily round** is one thread (stance before, its predictions, a vote, stance after); its
time is the mean over the debate's threads, and a debate lasts one round per thread.

**Reading level** is the Flesch–Kincaid grade (Kincaid, Fishburne, Rogers, Chissom and
Chissom 1975, *Derivation of new readability formulas … for Navy enlisted personnel*,
research branch report 8-75): 0.39 × words per sentence + 11.8 × syllables per word − 15.59,
computed by ``textstat`` over the text a player reads (context, hook, turns, closing; not
the sources).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.content.model import Pack, Thread

READING_WPM = 200
SECONDS_PER_QUESTION = 30
DECOYS_PER_PREDICTION = 3

# Recommended tags (a pack may use others): where the question is decided, then its subjects.
SCOPE_TAGS = ("local", "state", "national", "international")
SUBJECT_TAGS = (
    "economy",
    "rights",
    "technology",
    "environment",
    "institutions",
    "foreign-policy",
    "education",
    "energy",
    "elections",
)


@dataclass(frozen=True)
class DebateEntry:
    """One debate as the library lists it."""

    id: str
    question: str
    tags: tuple[str, ...]
    threads: int  # titled threads, after the opening exchange
    rounds: int  # daily rounds the debate lasts: one per thread, the opening exchange included
    live_minutes: int
    round_minutes: int
    reading_grade: float

    def summary(self) -> str:
        """The facts after the question, as every platform prints them."""
        tags = ", ".join(self.tags) if self.tags else "untagged"
        return (
            f"{tags} · {self.threads} thread{'s' if self.threads != 1 else ''} · about {self.live_minutes} min live, "
            f"{self.round_minutes} min a daily round ({self.rounds} rounds) · "
            f"reading grade {self.reading_grade:.1f}"
        )


@dataclass(frozen=True)
class LibraryListing:
    """What ``/debate library [tag]`` and ``rebuttal library`` show."""

    entries: tuple[DebateEntry, ...]
    tag: str | None  # the filter asked for, as typed
    known_tags: tuple[str, ...]  # every tag in the library, sorted
    problem: str | None = None  # why nothing is listed (an unknown tag), in words to show as they are

    @property
    def heading(self) -> str:
        """ "4 debates" or "2 debates tagged “economy”", or the problem when nothing is listed."""
        if self.problem is not None:
            return self.problem
        count = len(self.entries)
        where = f" tagged “{self.tag}”" if self.tag else ""
        return f"{count} debate{'s' if count != 1 else ''}{where}"

    @property
    def tags_line(self) -> str:
        return f"Tags: {', '.join(self.known_tags)}." if self.known_tags else "No debate is tagged yet."


def known_tags(packs: Iterable[Pack]) -> tuple[str, ...]:
    """Every tag used in ``packs``, lower-cased and sorted (cheap: for autocompletion)."""
    return tuple(sorted({t.casefold() for p in packs for t in p.tags}))


def list_library(packs: Iterable[Pack], tag: str | None = None) -> LibraryListing:
    """Every debate of ``packs`` (sorted by id), or those tagged ``tag`` (case-insensitive).
    An unknown tag lists nothing and says which tags there are."""
    chosen = sorted(packs, key=lambda p: p.id)
    known = known_tags(chosen)
    wanted = tag.strip().casefold() if tag and tag.strip() else None
    if wanted is not None and wanted not in known:
        listed = ", ".join(known) if known else "none (no debate here is tagged yet)"
        problem = f"No debate here is tagged “{tag}”. Known tags: {listed}."
        return LibraryListing((), tag, known, problem)
    if wanted is not None:
        chosen = [p for p in chosen if wanted in {t.casefold() for t in p.tags}]
    return LibraryListing(tuple(describe(p) for p in chosen), tag if wanted else None, known)


def describe(pack: Pack) -> DebateEntry:
    """One pack's library entry (cached: a pack never changes once loaded)."""
    return _describe(pack)


@lru_cache(maxsize=256)
def _describe(pack: Pack) -> DebateEntry:
    threads = pack.all_threads()
    replies = sum(len(t.turns) - 1 for t in threads)
    questions = replies + (len(threads) + 1) + len(threads) + 1  # predictions, stances, votes, faction
    live_seconds = _reading_seconds(_words_read(pack)) + questions * SECONDS_PER_QUESTION
    round_seconds = sum(_round_seconds(t) for t in threads) / len(threads)
    return DebateEntry(
        id=pack.id,
        question=pack.question,
        tags=tuple(t.casefold() for t in pack.tags),
        threads=len(pack.threads),
        rounds=len(threads),
        live_minutes=math.ceil(live_seconds / 60),
        round_minutes=math.ceil(round_seconds / 60),
        reading_grade=round(reading_grade(pack), 1),
    )


def _reading_seconds(words: int) -> float:
    return words * 60 / READING_WPM


def _thread_words(thread: Thread) -> int:
    """A thread's turns, plus three decoys as long as each reply that is predicted."""
    said = sum(_words(t.text) for t in thread.turns)
    decoys = sum(DECOYS_PER_PREDICTION * _words(t.text) for t in thread.turns[1:])
    return said + decoys


def _round_seconds(thread: Thread) -> float:
    questions = 2 + (len(thread.turns) - 1) + 1  # stance before and after, predictions, a vote
    return _reading_seconds(_thread_words(thread)) + questions * SECONDS_PER_QUESTION


def _words_read(pack: Pack) -> int:
    framing = sum(_words(text) for text in (pack.context, pack.hook, *closing_texts(pack)))
    return framing + sum(_thread_words(t) for t in pack.all_threads())


def closing_texts(pack: Pack) -> tuple[str, ...]:
    """What the game shows after the last thread."""
    divide = [pack.divide.subtitle or ""]
    for faction in pack.divide.factions:
        divide += [faction.position, faction.quote.text if faction.quote else ""]  # names are headings
    return (
        pack.hardest_questions.conservative,
        pack.hardest_questions.liberal,
        *[text for text in divide if text],
        pack.agreement,
        pack.conflict.text,
        pack.unanswered,
    )


def reading_text(pack: Pack) -> str:
    """The text a player reads, one paragraph per line (the sources are left out)."""
    turns = [turn.text for thread in pack.all_threads() for turn in thread.turns]
    return "\n".join([pack.context, pack.hook, *turns, *closing_texts(pack)])


def reading_grade(pack: Pack) -> float:
    """The Flesch–Kincaid grade of the text a player reads (see the module docstring)."""
    return flesch_kincaid_grade(reading_text(pack))


def flesch_kincaid_grade(text: str) -> float:
    """The Flesch–Kincaid grade of ``text``, by ``textstat`` (imported here: loading its
    pronouncing dictionary takes a moment, and only the library listing needs it)."""
    import textstat

    return float(textstat.flesch_kincaid_grade(text))


def _words(text: str) -> int:
    return len(text.split())
