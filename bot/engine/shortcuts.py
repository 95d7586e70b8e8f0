"""Shortcut strategies: ways to answer "which of these did the other side really reply?"
without understanding either side.

Each strategy scores the options of one question from surface cues only (shared words,
length, numbers and names, what was already shown) and picks the highest score. They serve
twice: the audit (``bot.engine.audit``) measures how often each finds the real reply, and
decoy selection (``bot.engine.decoys``) chooses decoys against the ``SELECTOR`` strategies.
The ``HELD_OUT`` ones are never shown to the selector, so the audit can tell whether
selection beat shortcuts in general or only the ones it was aimed at.

A tie counts as a random pick among the tied options: a strategy that scores every option
the same is credited 1/4, chance, not 0 or 1.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.content.model import Side
from bot.engine.similarity import WordStatistics, cosine, tokens

_NUMBER = re.compile(r"\$?\d[\d,.]*%?")
_NAME = re.compile(r"\b[A-Z][a-zA-Z]+(?:[-'’][A-Za-z]+)?")
_SENTENCE_START = (".", "!", "?", ":", ";", '"', "“", "‘", "(", "—")
_SECOND_PERSON = re.compile(r"\b(you|your|you're|you’re|yours|you've|you’ve)\b", re.I)
_NOT_NAMES = frozenset({"I", "The", "A", "An", "And", "But", "If", "It", "That", "This"})


@dataclass(frozen=True)
class Question:
    """A prediction question as a player meets it: what they have seen, what they are offered."""

    thread_id: str
    side: Side  # the side whose reply is asked for
    prompt: str
    thread_so_far: tuple[str, ...]  # the thread's turns shown so far, the prompt last
    options: tuple[str, ...]
    answer: int
    revealed: frozenset[str] = frozenset()  # texts already shown as said, before this question
    offered_before: frozenset[str] = frozenset()  # texts offered as options in earlier questions


def facts(text: str) -> frozenset[str]:
    """Numbers and names in ``text`` (a capitalised word not starting a sentence): the
    checkable specifics a decoy can give itself away with."""
    numbers = {m.group(0).rstrip(".,").lstrip("$").rstrip("%") for m in _NUMBER.finditer(text)}
    names = {
        m.group(0).lower()
        for m in _NAME.finditer(text)
        if m.group(0) not in _NOT_NAMES
        and not text[: m.start()].rstrip().endswith(_SENTENCE_START)
        and text[: m.start()].strip()
    }
    return frozenset(n for n in numbers if n) | frozenset(names)


class Lexicon:
    """Word statistics of one debate plus cached per-text features."""

    def __init__(self, documents: Sequence[str]) -> None:
        self.stats = WordStatistics(documents)
        self.vector = lru_cache(maxsize=4096)(self.stats.vector)
        self.bm25 = lru_cache(maxsize=16384)(self.stats.bm25)
        self.facts = lru_cache(maxsize=4096)(facts)
        rare = {term for term, count in self.stats.frequency.items() if count <= 2}
        self.rare = rare

    def tfidf(self, a: str, b: str) -> float:
        return cosine(self.vector(a), self.vector(b))


Score = Callable[[Lexicon, Question, str], float]


@dataclass(frozen=True)
class Strategy:
    name: str
    describe: str
    score: Score
    drop_revealed: bool = True  # a player who remembers what was said never picks it again
    held_out: bool = False  # not used by decoy selection: a check on it, not a target


def _thread(question: Question) -> str:
    return "\n\n".join(question.thread_so_far)


def _shared_words(lexicon: Lexicon, question: Question, option: str) -> float:
    return len(set(tokens(option)) & set(tokens(question.prompt)))


def _jaccard(lexicon: Lexicon, question: Question, option: str) -> float:
    a, b = set(tokens(option)), set(tokens(question.prompt))
    return len(a & b) / (len(a | b) or 1)


def _shared_rare(lexicon: Lexicon, question: Question, option: str) -> float:
    return len(set(tokens(option)) & set(tokens(_thread(question))) & lexicon.rare)


def _shared_facts(lexicon: Lexicon, question: Question, option: str) -> float:
    return len(lexicon.facts(option) & lexicon.facts(_thread(question)))


def _new_facts(lexicon: Lexicon, question: Question, option: str) -> float:
    return len(lexicon.facts(option) - lexicon.facts(_thread(question)))


def _words(option: str) -> float:
    return len(option.split())


def _addresses(lexicon: Lexicon, question: Question, option: str) -> float:
    return len(_SECOND_PERSON.findall(option)) / max(len(option.split()), 1)


def _similarity_strategies() -> list[Strategy]:
    made = []
    for drop in (False, True):
        suffix = ", ignoring texts already revealed" if drop else ""
        tag = "+unrevealed" if drop else ""
        made += [
            Strategy(
                f"tfidf-prompt{tag}",
                f"closest to the prompt by TF-IDF{suffix}",
                lambda lx, q, o: lx.tfidf(o, q.prompt),
                drop,
            ),
            Strategy(
                f"bm25-prompt{tag}",
                f"best BM25 match for the prompt{suffix}",
                lambda lx, q, o: lx.bm25(q.prompt, o),
                drop,
            ),
            Strategy(
                f"tfidf-thread{tag}",
                f"closest to the thread so far by TF-IDF{suffix}",
                lambda lx, q, o: lx.tfidf(o, _thread(q)),
                drop,
            ),
            Strategy(
                f"bm25-thread{tag}",
                f"best BM25 match for the thread so far{suffix}",
                lambda lx, q, o: lx.bm25(_thread(q), o),
                drop,
            ),
        ]
    return made


STRATEGIES: tuple[Strategy, ...] = (
    *_similarity_strategies(),
    Strategy("tfidf-farthest", "farthest from the prompt by TF-IDF", lambda lx, q, o: -lx.tfidf(o, q.prompt)),
    Strategy("longest", "the longest option", lambda lx, q, o: _words(o)),
    Strategy("shortest", "the shortest option", lambda lx, q, o: -_words(o)),
    Strategy("shared-facts", "most numbers and names shared with the thread so far", _shared_facts),
    Strategy(
        "fewest-new-facts",
        "fewest numbers and names the thread has not mentioned",
        lambda lx, q, o: -_new_facts(lx, q, o),
    ),
    Strategy("addresses-opponent", "most 'you'/'your' per word (a reply talks to someone)", _addresses),
    Strategy("seen-before", "an option offered in an earlier question", lambda lx, q, o: float(o in q.offered_before)),
    Strategy("never-seen", "an option never offered before", lambda lx, q, o: -float(o in q.offered_before)),
    Strategy("shared-words", "most distinct words shared with the prompt", _shared_words, held_out=True),
    Strategy("jaccard-prompt", "highest word-set overlap (Jaccard) with the prompt", _jaccard, held_out=True),
    Strategy(
        "shared-rare-words", "most rare words (in at most 2 texts) shared with the thread", _shared_rare, held_out=True
    ),
)
FAVOURITE = "least-favoured"  # the option the other strategies pick least: adversarial filtering's tell
TYPICAL = "most-typical"  # the option most like the others: decoys written as variations of the answer
ODD = "least-typical"  # the option least like the others: decoys that all share a topic the answer lacks
POSITION = "always-A"
NAMES: tuple[str, ...] = (*(s.name for s in STRATEGIES), TYPICAL, ODD, FAVOURITE, POSITION)
SELECTOR: tuple[str, ...] = (*(s.name for s in STRATEGIES if not s.held_out), TYPICAL, ODD, FAVOURITE)


def credit(scores: Sequence[float], answer: int) -> float:
    """The chance a player following ``scores`` picks ``answer``: 1/k if it ties k ways at the top."""
    top = max(scores)
    winners = [i for i, s in enumerate(scores) if s >= top - 1e-9]
    return 1 / len(winners) if answer in winners else 0.0


def option_scores(lexicon: Lexicon, question: Question, strategy: Strategy, option: str) -> float:
    """One option's score; a revealed text scores nothing for a strategy that drops them."""
    if strategy.drop_revealed and option in question.revealed:
        return float("-inf")
    return strategy.score(lexicon, question, option)


def picks(scores: Mapping[str, Sequence[float]]) -> list[float]:
    """How strongly the base strategies favour each option, summed (ties shared)."""
    count = len(next(iter(scores.values())))
    favour = [0.0] * count
    for name, values in scores.items():
        if name in _BASE_FOR_FAVOURITE:
            for index in range(count):
                favour[index] += credit(values, index)
    return favour


_BASE_FOR_FAVOURITE = frozenset([*(s.name for s in STRATEGIES if not s.held_out), TYPICAL, ODD])


def typicality(similarity: Sequence[Sequence[float]]) -> list[float]:
    """Each option's mean TF-IDF similarity to the other options, from their pairwise matrix."""
    count = len(similarity)
    return [sum(similarity[i][j] for j in range(count) if j != i) / max(count - 1, 1) for i in range(count)]


def all_credits(lexicon: Lexicon, question: Question) -> dict[str, float]:
    """Every strategy's chance of finding the real reply in ``question``."""
    return credits_from_scores(all_scores(lexicon, question), question.answer)


def all_scores(lexicon: Lexicon, question: Question) -> dict[str, list[float]]:
    """Every scoring strategy's score for each option of ``question`` (the highest is its pick)."""
    scores: dict[str, list[float]] = {
        s.name: [option_scores(lexicon, question, s, option) for option in question.options] for s in STRATEGIES
    }
    typical = typicality([[lexicon.tfidf(a, b) for b in question.options] for a in question.options])
    scores[TYPICAL] = typical
    scores[ODD] = [-t for t in typical]
    return scores


def credits_from_scores(scores: Mapping[str, Sequence[float]], answer: int) -> dict[str, float]:
    result = {name: credit(values, answer) for name, values in scores.items()}
    result[FAVOURITE] = credit([-f for f in picks(scores)], answer)
    result[POSITION] = 1.0 if answer == 0 else 0.0
    return result
