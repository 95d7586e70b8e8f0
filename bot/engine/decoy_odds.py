"""What each shortcut strategy would score on a candidate set of options, and the mixture
of sets that keeps every strategy's running score at chance (``bot.engine.decoys`` draws
one set from it with the game's seed)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.engine.eliminator import Picks
from bot.engine.eliminator import credit as eliminated_credit
from bot.engine.shortcuts import FAVOURITE, ODD, STRATEGIES, TYPICAL, credit

MIX_STEPS = 60  # exponentiated-gradient steps of ``expected_mix``
MIX_RATE = 0.5  # each step moves a set's weight by at most e^0.5
SELECTOR = tuple(s for s in STRATEGIES if not s.held_out)  # what the picker guards against
SELECTOR_NAMES = (*(s.name for s in SELECTOR), TYPICAL, ODD)
ELIMINATOR_DEPTH = 3  # eliminators crossing out up to this many strategies' picks are costed


def expected_mix(
    credits: list[list[float]], weight: list[float], offset: list[float], linear: list[float]
) -> tuple[list[float], list[float]]:
    """A distribution over candidate sets (cumulative, for a draw; and the expected credit of
    each strategy under it) whose *expected* credits
    keep every strategy's running tally near chance: it minimises
    sum_n weight_n * (offset_n + E[credit_n])^2 + E[linear] over the simplex, by exponentiated
    gradient. One set can only make a strategy right or wrong; a mixture drawn by the seed
    makes it right about a quarter of the time, so "reliably wrong" is no longer a signal."""
    matrix = np.asarray(credits, dtype=float)
    a = np.asarray(weight)
    b = np.asarray(offset)
    extra = np.asarray(linear)
    w = np.full(len(matrix), 1 / len(matrix))
    for _ in range(MIX_STEPS):
        gradient = matrix @ (2 * a * (b + w @ matrix)) + extra
        spread = float(gradient.max() - gradient.min())
        if spread < 1e-12:
            break
        w = w * np.exp(-MIX_RATE * (gradient - gradient.min()) / spread)
        w /= w.sum()
    # Rounded so the draw does not hinge on the last bits of floating-point arithmetic.
    cumulative = np.round(np.cumsum(w), 9)
    return [float(c) for c in cumulative], [float(e) for e in w @ matrix]


def strategy_credits(scores: dict[str, list[float]], crossing: Sequence[tuple[str, ...]]) -> dict[str, float]:
    """Each selector strategy's chance of finding option 0, plus the least-favoured tell and
    the eliminators that cross out the picks of each group in ``crossing``."""
    result: dict[str, float] = {}
    options = len(next(iter(scores.values())))
    favour = [0.0] * options
    masks: dict[str, int] = {}
    for name, values in scores.items():
        top = max(values)
        winners = [i for i, v in enumerate(values) if v >= top - 1e-9]
        share = 1 / len(winners)
        result[name] = share if winners[0] == 0 else 0.0
        masks[name] = sum(1 << i for i in winners)
        for i in winners:
            favour[i] += share
    result[FAVOURITE] = credit([-f for f in favour], 0)
    low = min(favour)
    masks[FAVOURITE] = sum(1 << i for i, f in enumerate(favour) if f <= low + 1e-9)
    for group in crossing:
        question = Picks(0, options, masks)
        result[f"{_ELIMINATE}{len(group)}"] = eliminated_credit(question, group)
    return result


_ELIMINATE = "eliminate-"


def is_eliminator(name: str) -> bool:
    return name.startswith(_ELIMINATE)


def crossed_out(tally: dict[str, float], target: float) -> list[tuple[str, ...]]:
    """What an eliminator watching this side so far would cross out: the 1, 2, … most
    reliably wrong strategies (furthest below chance)."""
    behind = sorted(
        (name for name in (*SELECTOR_NAMES, FAVOURITE) if tally[name] < target - 1),
        key=lambda name: (tally[name], name),
    )
    return [tuple(behind[:size]) for size in range(1, min(len(behind), ELIMINATOR_DEPTH) + 1)]
