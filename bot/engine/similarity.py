"""Word statistics between short texts: TF-IDF cosine and BM25, fitted on one debate.

Used twice: to pick decoys (``bot.engine.decoys``) and to play the keyword shortcuts the
audit measures (``bot.engine.shortcuts``). Hand-written rather than taken from scikit-learn:
the whole need is sixty lines over a few dozen paragraphs, and scikit-learn would add numpy
and scipy to every install.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "it's",
        "just",
        "may",
        "might",
        "more",
        "most",
        "must",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "too",
        "us",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "i'll",
        "that's",
        "isn't",
        "don't",
        "one",
        "only",
        "any",
        "all",
        "also",
        "about",
        "over",
        "such",
        "own",
        "same",
        "very",
    ]
)


def tokens(text: str) -> list[str]:
    words = _WORD.findall(text.lower().replace("’", "'"))
    return [w for w in words if w not in _STOPWORDS and len(w) > 1]


class WordStatistics:
    """TF-IDF vectors and BM25 scores for *any* text, with document frequencies counted over
    ``documents`` (a debate's turns and author decoys): what a player who has read the whole
    debate knows about how rare a word is."""

    K1 = 1.5
    B = 0.75

    def __init__(self, documents: Sequence[str]) -> None:
        counts = [Counter(tokens(d)) for d in documents]
        frequency: Counter[str] = Counter()
        for count in counts:
            frequency.update(count.keys())
        self.documents = max(len(documents), 1)
        self.frequency = frequency
        self.average_length = sum(sum(c.values()) for c in counts) / self.documents or 1.0

    def idf(self, term: str) -> float:
        return math.log((1 + self.documents) / (1 + self.frequency[term])) + 1

    def vector(self, text: str) -> dict[str, float]:
        """The unit-length TF-IDF vector of ``text``."""
        vector = {term: tf * self.idf(term) for term, tf in Counter(tokens(text)).items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {term: v / norm for term, v in vector.items()}

    def bm25(self, query: str, document: str) -> float:
        """Okapi BM25 of ``document`` for ``query`` (the usual k1=1.5, b=0.75)."""
        counts = Counter(tokens(document))
        length = sum(counts.values())
        score = 0.0
        for term in set(tokens(query)):
            tf = counts.get(term, 0)
            if tf:
                idf = math.log(1 + (self.documents - self.frequency[term] + 0.5) / (self.frequency[term] + 0.5))
                norm = tf + self.K1 * (1 - self.B + self.B * length / self.average_length)
                score += idf * tf * (self.K1 + 1) / norm
        return score


def cosine(first: dict[str, float], second: dict[str, float]) -> float:
    if len(first) > len(second):
        first, second = second, first
    return sum(weight * second.get(term, 0.0) for term, weight in first.items())
