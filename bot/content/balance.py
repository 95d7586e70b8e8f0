"""Both sides at their strongest, in equal measure: the balance report of a debate.

Pure over a pack (plus the decoy audit's questions per side, passed in as numbers, since
the audit is the engine's). The rules, each reported by name when broken:

- ``words``: the two sides' turns hold about as many words — the longer side has at most
  ``WORD_GAP`` (15%) more than the shorter one has, counted as (longer − shorter) ÷ longer;
- ``openers``: the side that opens a thread alternates from one thread to the next (the
  opening exchange counts as the first thread), so neither side always frames the question;
- ``questions``: in a full game each side's replies answer about as many prediction
  questions (on average over the audit's seeds, at most ``QUESTION_GAP`` (1) apart). Daily
  rounds ask every reply of one thread, so their figures are reported, not ruled on: the
  ``openers`` rule is what evens them out;
- ``charged``: charged terms (``charged_terms.txt``, balanced across political directions)
  are listed per side; one side may use at most ``CHARGED_GAP`` (2) more than the other.

Only the turns (what each side really said) are counted, not author decoys.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

from bot.content.model import Pack, Side

WORD_GAP = 0.15
QUESTION_GAP = 1.0
CHARGED_GAP = 2
TERMS_FILE = "charged_terms.txt"


@dataclass(frozen=True)
class ChargedTerms:
    """The word list, by section (``either``, ``at-the-left``, ``at-the-right``)."""

    sections: dict[str, tuple[str, ...]]

    @property
    def all(self) -> tuple[str, ...]:
        return tuple(term for terms in self.sections.values() for term in terms)


def parse_charged_terms(text: str) -> ChargedTerms:
    """The list from its file's text: ``[section]`` lines, one term a line, ``#`` comments."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1].strip(), [])
        elif current is None:
            raise ValueError(f"{TERMS_FILE}:{number}: a term before any [section] line")
        else:
            current.append(line.casefold())
    return ChargedTerms({name: tuple(terms) for name, terms in sections.items()})


@cache
def charged_terms() -> ChargedTerms:
    """The list shipped beside this module."""
    return parse_charged_terms((files("bot.content") / TERMS_FILE).read_text(encoding="utf-8"))


@cache
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str]:
    """One regex for every term: whole words, an optional plural, a space or hyphen alike."""
    alternatives = []
    for term in sorted(terms, key=len, reverse=True):
        parts = [re.escape(part) for part in re.split(r"[\s-]+", term)]
        alternatives.append(r"[\s-]+".join(parts) + r"(?:e?s)?")
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])", re.IGNORECASE)


def find_charged(text: str, terms: tuple[str, ...] | None = None) -> list[str]:
    """The charged terms in ``text``, as written, in order."""
    chosen = terms if terms is not None else charged_terms().all
    return [match.group(0) for match in _pattern(chosen).finditer(text)] if chosen else []


@dataclass(frozen=True)
class ChargedUse:
    turn_id: str
    term: str  # as written in the turn


@dataclass(frozen=True)
class Balance:
    debate: str
    words: dict[Side, int]
    openers: tuple[Side, ...]  # the side opening each thread, the opening exchange first
    charged: dict[Side, tuple[ChargedUse, ...]]
    questions: dict[str, dict[Side, float]] = field(default_factory=dict)  # mode -> per side, per game

    @property
    def word_gap(self) -> float:
        """(longer − shorter) ÷ longer, over the two sides' turns."""
        longer = max(self.words.values())
        return (longer - min(self.words.values())) / longer if longer else 0.0

    @property
    def word_ratio(self) -> float:
        """Conservative words ÷ Liberal words."""
        liberal = self.words[Side.LIBERAL]
        return self.words[Side.CONSERVATIVE] / liberal if liberal else float("inf")

    @property
    def repeated_openers(self) -> list[int]:
        """1-based positions of threads opened by the same side as the thread before."""
        return [i + 1 for i in range(1, len(self.openers)) if self.openers[i] is self.openers[i - 1]]

    @property
    def problems(self) -> list[str]:
        """Each broken rule, named, with the figures behind it."""
        return list(self.broken.values())

    @property
    def broken(self) -> dict[str, str]:
        """Rule name (``words``, ``openers``, ``questions``, ``charged``) -> the problem, for each broken rule."""
        found: dict[str, str] = {}
        if self.word_gap > WORD_GAP:
            found["words"] = (
                f"balance rule 'words': the sides' turns differ by {self.word_gap:.0%} of the longer side's words "
                f"({self._words_text()}; target within {WORD_GAP:.0%})"
            )
        if self.repeated_openers:
            repeated = self.repeated_openers
            numbers = ", ".join(map(str, repeated))
            which = f"thread {numbers} opens" if len(repeated) == 1 else f"threads {numbers} open"
            found["openers"] = (
                f"balance rule 'openers': the opening side does not alternate ({self._openers_text()}; "
                f"{which} with the same side as the thread before)"
            )
        game = self.questions.get("game")
        if game and abs(game[Side.CONSERVATIVE] - game[Side.LIBERAL]) > QUESTION_GAP:
            found["questions"] = (
                f"balance rule 'questions': in a full game {_questions_text(game)} "
                f"(target at most {QUESTION_GAP:.0f} apart)"
            )
        counts = {side: len(uses) for side, uses in self.charged.items()}
        if abs(counts[Side.CONSERVATIVE] - counts[Side.LIBERAL]) > CHARGED_GAP:
            found["charged"] = f"balance rule 'charged': {self._charged_text()} (target at most {CHARGED_GAP} apart)"
        return found

    def lines(self) -> list[str]:
        """The report as text, one fact a line."""
        shown = [
            f"words: {self._words_text()}; C/L ratio {self.word_ratio:.2f}, gap {self.word_gap:.0%} "
            f"(target within {WORD_GAP:.0%})",
            f"opening side by thread: {self._openers_text()} "
            f"({'alternates' if not self.repeated_openers else 'does not alternate'})",
        ]
        for mode, per_side in self.questions.items():
            label = "per full game" if mode == "game" else "over one daily round per thread"
            shown.append(f"prediction questions {label}: {_questions_text(per_side)}")
        shown.append(f"charged terms: {self._charged_text()}")
        for side in Side:
            if self.charged[side]:
                uses = ", ".join(f"“{u.term}” ({u.turn_id})" for u in self.charged[side])
                shown.append(f"  {side.title}: {uses}")
        return shown

    def as_json(self) -> dict[str, Any]:
        return {
            "words": {s.value: self.words[s] for s in Side},
            "word_ratio": round(self.word_ratio, 3),
            "word_gap": round(self.word_gap, 3),
            "openers": [s.value for s in self.openers],
            "openers_alternate": not self.repeated_openers,
            "questions_per_side": {mode: {s.value: q[s] for s in Side} for mode, q in self.questions.items()},
            "charged": {s.value: [{"turn": u.turn_id, "term": u.term} for u in self.charged[s]] for s in Side},
            "problems": self.problems,
        }

    def _words_text(self) -> str:
        return f"Conservative {self.words[Side.CONSERVATIVE]}, Liberal {self.words[Side.LIBERAL]}"

    def _openers_text(self) -> str:
        return " ".join(side.letter for side in self.openers)

    def _charged_text(self) -> str:
        return f"Conservative {len(self.charged[Side.CONSERVATIVE])}, Liberal {len(self.charged[Side.LIBERAL])}"


def _questions_text(per_side: Mapping[Side, float]) -> str:
    return f"Conservative {per_side[Side.CONSERVATIVE]:g}, Liberal {per_side[Side.LIBERAL]:g}"


def balance_report(pack: Pack, questions: Mapping[str, Mapping[Side, float]] | None = None) -> Balance:
    """The balance of ``pack``; ``questions`` is the decoy audit's questions per side and
    game, by mode (``"game"``, ``"daily"``), when the audit has been run."""
    words = dict.fromkeys(Side, 0)
    charged: dict[Side, list[ChargedUse]] = {side: [] for side in Side}
    for thread in pack.all_threads():
        for turn in thread.turns:
            words[turn.side] += len(turn.text.split())
            charged[turn.side].extend(ChargedUse(turn.id, term) for term in find_charged(turn.text))
    return Balance(
        debate=pack.id,
        words=words,
        openers=tuple(thread.turns[0].side for thread in pack.all_threads()),
        charged={side: tuple(uses) for side, uses in charged.items()},
        questions={mode: dict(per_side) for mode, per_side in (questions or {}).items()},
    )
