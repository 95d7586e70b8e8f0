"""Choosing the decoys of "predict the rebuttal" so that only understanding finds the answer.

Theory of operation. A ``DecoyPicker`` walks a game (or one daily round) in order and keeps
what a player has seen: the texts already revealed as said, the options already offered,
and, per side, how often each shortcut strategy of ``bot.engine.shortcuts`` would have found
the real reply so far. For each reply it gathers *fair* candidates:

- the reply's author-written decoys (plausible replies that were not said);
- the same side's author decoys written for *other* replies of the same thread (on topic),
  each borrowed at most once
  (in that side's voice, replying to something, never an answer; and once seen they make
  "I've seen this option before" point at a decoy in their own question too);
- real turns by the same side that have not been revealed, that reply to something (not
  a thread's first turn), that were offered fewer than ``MAX_DECOY_USES`` times, and that do
  not quote a number or name only their own thread has mentioned.

Among every set of three candidates (at most ``POOL``: the reply's own decoys, then the rest
round-robin from several orders) it scores every shortcut strategy, then finds a
*distribution* over the sets whose expected scores keep each strategy's running total on
this side at chance (``bot.engine.decoy_odds``), and draws one set from it with the game's seed. Aiming at
chance in both directions matters: picking the cheapest set, as adversarial filtering
(Zellers et al. 2018) does, drove strategies to *reliably wrong*, and a player who crossed
out their picks beat the audit (``bot.engine.eliminator``). Eliminators that cross out the
most reliably wrong strategies so far are costed per question, so are the "least-favoured
option" tell (weighted up) and offering a reply the game will ask about afterwards (it would
look familiar then). The real reply's position is a uniform draw.

A reply with no author decoys of its own, or with fewer than three fair candidates, is not
asked: it is shown as a turn, and ``rebuttal validate`` names it so its author can write
decoys. Real turns alone never make a fair question (a real reply echoes its prompt far more
than any other turn does). Never a 3-option question.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from bot.content.model import Pack, Side, Thread, Turn
from bot.engine.decoy_odds import SELECTOR, crossed_out, expected_mix, is_eliminator, strategy_credits
from bot.engine.shortcuts import (
    FAVOURITE,
    ODD,
    TYPICAL,
    Lexicon,
    Question,
    facts,
    option_scores,
    typicality,
)
from bot.engine.similarity import WordStatistics, cosine

DECOYS = 3
CHANCE = 1 / (DECOYS + 1)
MAX_DECOY_USES = 2  # one decoy in at most two questions of a game
POOL = 12  # candidates considered per question: its own author decoys, then nearest the prompt (220 sets)
# The eliminators' groups change as the game goes, so each question is costed on its own: a
# set that leaves the real reply alone after crossing out costs 2.25, an even split ~0.
ELIMINATOR_WEIGHT = 4.0
# "Least favoured" is what every other strategy's defeat adds up to, so it needs more weight
# than any one of them to stay near chance.
WEIGHT = {FAVOURITE: 3.0}


@dataclass(frozen=True)
class Candidate:
    text: str
    turn: Turn | None  # None for an author decoy
    written_for: str | None = None  # a borrowed author decoy: the reply (turn id) it was written for


@dataclass(frozen=True)
class Choice:
    """The chosen decoys of one question (the real reply not included)."""

    decoys: tuple[Candidate, ...]


class DecoyPicker:
    """Decoy choice for one game or one daily round, in playing order."""

    def __init__(self, pack: Pack, lexicon: Lexicon, will_ask: frozenset[str] | None = None) -> None:
        self.pack = pack
        self.lexicon = lexicon
        # Replies this game (or round) will ask about: offering one as a decoy first makes it
        # look familiar when it is the answer later (the audit's "seen-before" shortcut).
        self.will_ask = (
            will_ask
            if will_ask is not None
            else frozenset(turn.id for thread in pack.all_threads() for turn in thread.turns[1:])
        )
        self.revealed: set[str] = set()
        self.offered: Counter[str] = Counter()
        self.tally: dict[Side, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        self.asked: Counter[Side] = Counter()  # questions asked so far per side: the tallies' denominator
        self.exposure: dict[str, float] = {}  # per asked reply: summed shortcut credits of its set
        self.short: set[str] = set()  # replies left unasked for want of three fair decoys
        header = "\n".join([pack.question, pack.context, pack.hook])
        self.common_facts = facts(header)

    def reveal(self, turn: Turn) -> None:
        self.revealed.add(turn.text)

    def candidates(self, thread: Thread, prompt: Turn, reply: Turn) -> list[Candidate]:
        """Every fair decoy for ``reply`` at this point of the game, nearest the prompt first."""
        said_here = self.common_facts | facts("\n".join(t.text for t in _up_to(thread, prompt)))
        found = [Candidate(text, None) for text in reply.decoys if text != reply.text]
        for other in self.pack.all_threads():
            for position, turn in enumerate(other.turns):
                if (
                    position == 0
                    or turn.side is not reply.side
                    or turn.id == reply.id
                    or turn.text in self.revealed
                    or turn.text == reply.text
                    or self.offered[turn.text] >= MAX_DECOY_USES
                    or _quotes_own_thread(turn, other, said_here)
                ):
                    continue
                found.append(Candidate(turn.text, turn))
        found += self._borrowed(thread, reply, said_here)
        found = list({c.text: c for c in found}.values())
        vector = self.lexicon.vector(prompt.text)
        own = set(reply.decoys)
        found.sort(key=lambda c: (c.text not in own, -cosine(self.lexicon.vector(c.text), vector), c.text))
        mine = [c for c in found if c.text in own][:POOL]
        rest = found[len(mine) :]
        room = POOL - len(mine)
        if len(rest) <= room:
            return mine + rest
        # Fill the room round-robin from several orders, so the pool differs from the real
        # reply in every way the audit looks at: a pool of only the turns nearest the prompt
        # makes "farthest" reliably wrong, one of short fact-free texts makes "fewest new
        # facts" and "shortest" reliably wrong, and an eliminator crosses those picks out.
        orders = [
            rest,  # nearest the prompt first
            sorted(rest, key=lambda c: (-len(self.lexicon.facts(c.text) - said_here), rest.index(c))),
            sorted(rest, key=lambda c: (-len(c.text.split()), rest.index(c))),
            rest[::-1],  # farthest first
        ]
        taken: dict[str, Candidate] = {}
        for rank in range(len(rest)):
            for order in orders:
                if len(taken) < room:
                    taken.setdefault(order[rank].text, order[rank])
        return mine + list(taken.values())

    def _borrowed(self, thread: Thread, reply: Turn, said_here: frozenset[str]) -> list[Candidate]:
        """Author decoys written for the same side's *other* replies in this thread. Each is in
        that side's voice, on the thread's topic and replies to something, is never an
        answer, and once seen here it makes "seen before" point at a decoy in its own
        question too. Borrowed at most once; other threads' decoys would be off-topic."""
        found = []
        for other in self.pack.all_threads():
            if other.id != thread.id:
                continue  # a decoy written for another thread's argument is off-topic here
            for turn in other.turns:
                if turn.side is not reply.side or turn.id == reply.id:
                    continue
                earlier = facts("\n".join(t.text for t in _up_to(other, turn)))
                for text in turn.decoys:
                    if self.offered[text] == 0 and not ((facts(text) & earlier) - said_here):
                        found.append(Candidate(text, None, turn.id))
        return found

    def choose(self, thread: Thread, prompt: Turn, reply: Turn, rng: random.Random) -> Choice | None:
        """Three decoys for ``reply``, or ``None`` when fewer than three fair ones exist."""
        if not reply.decoys:
            # Real turns alone never make a fair question: a real reply echoes its prompt far
            # more than any other turn of the debate does (measured: 58-67% for the best
            # shortcut on a card without decoys, however the options are drawn).
            self.short.add(reply.id)
            return None
        pool = self.candidates(thread, prompt, reply)
        if len(pool) < DECOYS:
            self.short.add(reply.id)
            return None
        question = Question(
            thread_id=thread.id,
            side=reply.side,
            prompt=prompt.text,
            thread_so_far=tuple(t.text for t in _up_to(thread, prompt)),
            options=(),
            answer=0,
            revealed=frozenset(self.revealed),
            offered_before=frozenset(self.offered),
        )
        texts = [reply.text, *(c.text for c in pool)]
        scores = {s.name: [option_scores(self.lexicon, question, s, t) for t in texts] for s in SELECTOR}
        pairwise = [[self.lexicon.tfidf(a, b) for b in texts] for a in texts]
        tally = self.tally[reply.side]
        target = CHANCE * (self.asked[reply.side] + 1)  # where every strategy's tally should be
        # An eliminator crosses out the picks of the strategies that have been wrong most often
        # so far; its own tallies (one per depth) are kept near chance like any strategy's.
        crossing = crossed_out(tally, target - CHANCE)
        sets: list[tuple[tuple[int, ...], dict[str, float], int]] = []
        for chosen in combinations(range(1, len(texts)), DECOYS):
            indices = (0, *chosen)
            chosen_scores = {n: [v[i] for i in indices] for n, v in scores.items()}
            typical = typicality([[pairwise[i][j] for j in indices] for i in indices])
            chosen_scores[TYPICAL] = typical
            chosen_scores[ODD] = [-t for t in typical]
            # Future answers offered now would be found by "seen-before" when they are asked.
            future = sum(1 for i in chosen if _turn_id(pool[i - 1]) in self.will_ask)
            sets.append((chosen, strategy_credits(chosen_scores, crossing), future))
        names = list(sets[0][1])
        eliminators = [is_eliminator(n) for n in names]
        weight = [ELIMINATOR_WEIGHT if e else WEIGHT.get(n, 1.0) for n, e in zip(names, eliminators, strict=True)]
        offset = [-CHANCE if e else tally[n] - target for n, e in zip(names, eliminators, strict=True)]
        future_cost = [f * (1 + 2 * max(0.0, tally["seen-before"] - target)) for _, _, f in sets]
        mix, expected = expected_mix([[c[n] for n in names] for _, c, _ in sets], weight, offset, future_cost)
        draw = rng.random()
        index = next((i for i, cumulative in enumerate(mix) if draw < cumulative), len(sets) - 1)
        chosen, credits, _ = sets[index]
        for name, value in credits.items():
            if not is_eliminator(name):
                tally[name] += value
        self.asked[reply.side] += 1
        self.exposure[reply.id] = sum(expected)  # how exposed this question is, on average over draws
        picked = tuple(pool[i - 1] for i in chosen)
        self.offered.update(c.text for c in picked)
        return Choice(picked)


def _turn_id(candidate: Candidate) -> str | None:
    return candidate.turn.id if candidate.turn else None


def _up_to(thread: Thread, prompt: Turn) -> Sequence[Turn]:
    position = next(i for i, t in enumerate(thread.turns) if t.id == prompt.id)
    return thread.turns[: position + 1]


def _quotes_own_thread(turn: Turn, thread: Thread, said_here: frozenset[str]) -> bool:
    """Does ``turn`` repeat a number or name an earlier turn of its own thread brought up,
    which the question's thread has not? ("That 44% is…" where nobody mentioned 44%.)"""
    earlier = facts("\n".join(t.text for t in _up_to(thread, turn)[:-1]))
    return bool((facts(turn.text) & earlier) - said_here)


def prompt_similarity(stats: WordStatistics, prompt: str, text: str) -> float:
    """TF-IDF similarity to the prompt, kept on each option for ``rebuttal decoys``."""
    return round(cosine(stats.vector(prompt), stats.vector(text)), 4)


def pack_lexicon(pack: Pack) -> Lexicon:
    """Word statistics over everything a debate can show: its turns and its author decoys."""
    texts = [turn.text for thread in pack.all_threads() for turn in thread.turns]
    texts += [d for thread in pack.all_threads() for turn in thread.turns for d in turn.decoys]
    return Lexicon(texts)
