"""Strongest arguments: turns ranked from stronger-point votes with a Bradley–Terry model.

Each vote is one comparison, the chosen turn beating the other. Strengths are fitted with
Hunter's MM algorithm (2004); every turn also gets half a win and half a loss against a
virtual turn of strength 1, so one lopsided vote cannot make a strength infinite or zero.
A vote is an opinion: this ranks what classes found persuasive, and scores no one.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from bot.content.model import Pack, Side
from bot.engine.script import StepKind
from bot.store.interface import Store
from bot.store.records import Vote

PRIOR = 0.5


def bradley_terry(comparisons: Iterable[tuple[str, str]], iterations: int = 500) -> dict[str, float]:
    """Strength per item from (winner, loser) pairs, normalised to a geometric mean of 1."""
    wins: Counter[str] = Counter()
    meetings: Counter[tuple[str, str]] = Counter()
    items: set[str] = set()
    for winner, loser in comparisons:
        wins[winner] += 1
        meetings[(min(winner, loser), max(winner, loser))] += 1
        items |= {winner, loser}
    strength = dict.fromkeys(items, 1.0)
    for _ in range(iterations):
        updated = {}
        for item in items:
            denominator = 2 * PRIOR / (strength[item] + 1.0)  # the virtual opponent
            for (a, b), count in meetings.items():
                if item in (a, b):
                    denominator += count / (strength[a] + strength[b])
            updated[item] = (wins[item] + PRIOR) / denominator
        scale = math.exp(sum(math.log(v) for v in updated.values()) / len(updated)) if updated else 1.0
        converged = all(abs(updated[i] / scale - strength[i]) < 1e-10 for i in items)
        strength = {i: v / scale for i, v in updated.items()}
        if converged:
            break
    return strength


@dataclass(frozen=True)
class RankedTurn:
    turn_id: str
    side: Side
    thread_title: str
    text: str
    strength: float
    wins: int
    votes: int  # comparisons this turn took part in: what its rank rests on


async def strongest_arguments(database: Store, workspace_id: int, pack: Pack) -> list[RankedTurn]:
    """Turns of ``pack`` ranked across every game of it in the workspace, strongest first."""
    async with database.read() as uow:
        votes = await uow.reports.stronger_votes(workspace_id, pack.id)
    return rank_turns(votes, pack)


def rank_turns(cast: Iterable[Vote], pack: Pack) -> list[RankedTurn]:
    """Turns of ``pack`` ranked by the votes cast, strongest first."""
    comparisons: list[tuple[str, str]] = []
    for vote in cast:
        step = vote.script.steps[vote.step]
        assert step.kind is StepKind.STRONGER and len(step.options) == 2
        chosen, other = step.options[vote.option], step.options[1 - vote.option]
        if chosen.turn_id and other.turn_id:
            comparisons.append((chosen.turn_id, other.turn_id))
    strengths = bradley_terry(comparisons)
    wins = Counter(winner for winner, _ in comparisons)
    votes = Counter(turn for pair in comparisons for turn in pair)
    ranked = []
    for thread in pack.all_threads():
        for turn in thread.turns:
            if turn.id in strengths:
                ranked.append(
                    RankedTurn(
                        turn.id, turn.side, thread.title, turn.text, strengths[turn.id], wins[turn.id], votes[turn.id]
                    )
                )
    return sorted(ranked, key=lambda r: (-r.strength, -r.votes, r.turn_id))
