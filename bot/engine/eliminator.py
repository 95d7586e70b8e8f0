"""The eliminator: a player who learns which shortcut strategies are reliably *wrong*, crosses
out their picks and guesses among the options left.

Adversarial selection can overshoot: decoys chosen to look more like the prompt than the
real reply make "closest to the prompt" point at a decoy nearly every time, and a player who
notices that beats chance without understanding anything. This module plays that player so
the audit (``bot.engine.audit``) can report it like any other strategy.

The player must learn honestly, out of sample: what it learns on some questions is only
ever scored on others. It learns by greedy forward selection (cross out the strategy whose
removal helps most on the training questions, then the next, up to ``MAX_CROSSED_OUT``,
stopping when nothing helps); ties go to the alphabetically first name, so the result is
deterministic. The audit trains it two ways: on the other debates of the library (a rule a
student could carry from one debate to the next), and on the same debate's other seeds
(even seeds train, odd seeds test, and the other way round: a student who has played this
debate before).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.engine.shortcuts import FAVOURITE, POSITION, picks

OTHER_DEBATES = "eliminator-other-debates"
SAME_DEBATE = "eliminator-same-debate"
NAMES = (OTHER_DEBATES, SAME_DEBATE)
MAX_CROSSED_OUT = 5


@dataclass(frozen=True)
class Picks:
    """One question as the eliminator sees it: each strategy's top options (a bit mask, ties
    included), the number of options and the real reply's position."""

    answer: int
    options: int
    tops: Mapping[str, int]


def question_picks(scores: Mapping[str, Sequence[float]], answer: int) -> Picks:
    """Each strategy's top options, from the scores ``bot.engine.shortcuts`` gives them."""
    tops = {name: _top_mask(values) for name, values in scores.items()}
    tops[FAVOURITE] = _top_mask([-f for f in picks(scores)])
    tops[POSITION] = 1
    count = len(next(iter(scores.values())))
    return Picks(answer, count, tops)


def credit(question: Picks, crossed_out: Sequence[str]) -> float:
    """The chance of finding the real reply after crossing out the picks of ``crossed_out``
    and guessing uniformly among the rest (among all options, if nothing is left)."""
    every = (1 << question.options) - 1
    out = 0
    for name in crossed_out:
        out |= question.tops[name]
    left = every & ~out or every
    return 1 / left.bit_count() if left >> question.answer & 1 else 0.0


def learn(training: Sequence[Picks]) -> tuple[str, ...]:
    """The strategies to cross out, chosen greedily for the best mean credit on ``training``."""
    if not training:
        return ()
    names = sorted(training[0].tops)
    chosen: list[str] = []
    best = _mean(training, chosen)
    while len(chosen) < MAX_CROSSED_OUT:
        pick = None
        for name in names:  # in name order, so a tie keeps the first: deterministic
            value = _mean(training, [*chosen, name]) if name not in chosen else best
            if value > best + 1e-9:
                pick, best = name, value
        if pick is None:
            break
        chosen.append(pick)
    return tuple(chosen)


def _mean(questions: Sequence[Picks], crossed_out: Sequence[str]) -> float:
    return sum(credit(q, crossed_out) for q in questions) / len(questions)


def _top_mask(values: Sequence[float]) -> int:
    top = max(values)
    mask = 0
    for index, value in enumerate(values):
        if value >= top - 1e-9:
            mask |= 1 << index
    return mask
