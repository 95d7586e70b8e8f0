"""The game script: the fixed sequence of steps a game walks through, derived from a pack
and a seed alone, so every player sees the same options in the same order and a restarted
game rebuilds exactly what it showed.

Per thread (the opening exchange included): show its first turn, then for each later turn a
"predict the rebuttal" question whose reveal shows that turn (or, for a reply the game
cannot disguise fairly or that would tip the side balance, the turn shown unasked; see
``bot.engine.decoys``), then a "stronger point" vote on
one exchange. Stance questions sit *between* threads: the answer after thread N is also the
answer before thread N+1, so a student is not asked the same thing twice in a row with
nothing in between (the per-thread shift is still after minus before). A thread summary
follows each thread. The game closes with the faction question, the closing sections and the
scoreboard.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from bot.content.model import Pack, Side, Thread, Turn
from bot.engine.decoys import Choice, DecoyPicker, pack_lexicon, prompt_similarity

OPTIONS_PER_PREDICTION = 4  # the real reply and three decoys (bot.engine.decoys), never fewer

STANCE_SCALE = ("Strongly yes", "Lean yes", "Unsure", "Lean no", "Strongly no")
STANCE_VALUES = (2, 1, 0, -1, -2)  # the shift arithmetic runs on these


class StepKind(StrEnum):
    STANCE = "stance"
    TURN = "turn"
    PREDICT = "predict"
    STRONGER = "stronger"
    SUMMARY = "summary"
    FACTION = "faction"
    CLOSING = "closing"
    SCOREBOARD = "scoreboard"

    @property
    def is_question(self) -> bool:
        return self in _QUESTIONS

    @property
    def is_scored(self) -> bool:
        """Only predictions score: stances, votes and faction picks are opinions."""
        return self is StepKind.PREDICT


_QUESTIONS = {StepKind.STANCE, StepKind.PREDICT, StepKind.STRONGER, StepKind.FACTION}


class OptionSource(StrEnum):
    TRUE_REPLY = "true-reply"
    OTHER_TURN = "other-turn"
    AUTHOR_DECOY = "author-decoy"
    TURN = "turn"  # a turn offered in a stronger-point vote
    SCALE = "scale"
    FACTION = "faction"


@dataclass(frozen=True)
class Option:
    text: str
    source: OptionSource
    turn_id: str | None = None
    side: Side | None = None
    similarity: float | None = None  # to the prompt, for decoy-quality reports


@dataclass(frozen=True)
class Step:
    index: int
    kind: StepKind
    thread_id: str | None = None
    turn_id: str | None = None  # TURN: the turn shown; PREDICT: the true reply
    prompt_turn_id: str | None = None  # PREDICT: the turn being answered
    options: tuple[Option, ...] = ()
    correct_option: int | None = None
    opens_thread: str | None = None  # STANCE: this answer is "before" for this thread
    closes_thread: str | None = None  # STANCE: this answer is "after" for this thread
    reading_words: int = 0  # how much text the step shows, for timers


def option_letter(index: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index] if 0 <= index < 26 else str(index + 1)


@dataclass(frozen=True)
class Script:
    pack_id: str
    seed: int
    steps: tuple[Step, ...] = field(default_factory=tuple)


def build_script(pack: Pack, seed: int) -> Script:
    """The whole game for ``pack``; the same ``seed`` always gives the same script."""
    threads = pack.all_threads()
    bodies = balanced_thread_steps(pack, seed)
    steps: list[StepDraft] = []
    for position, thread in enumerate(threads):
        previous = threads[position - 1].id if position else None
        steps.append(
            StepDraft(StepKind.STANCE, options=stance_options(), opens_thread=thread.id, closes_thread=previous)
        )
        if position:
            steps.append(StepDraft(StepKind.SUMMARY, thread_id=previous))
        steps.extend(bodies[position])
    last = threads[-1].id
    steps.append(StepDraft(StepKind.STANCE, options=stance_options(), closes_thread=last))
    steps.append(StepDraft(StepKind.SUMMARY, thread_id=last))
    factions = tuple(Option(f.name, OptionSource.FACTION) for f in pack.divide.factions)
    steps.append(StepDraft(StepKind.FACTION, options=factions))
    closing = (
        pack.hardest_questions.conservative,
        pack.hardest_questions.liberal,
        pack.agreement,
        pack.conflict.text,
        pack.unanswered,
    )
    steps.append(StepDraft(StepKind.CLOSING, reading_words=sum(len(t.split()) for t in closing)))
    steps.append(StepDraft(StepKind.SCOREBOARD))
    return finish_script(pack, seed, steps)


def balanced_thread_steps(pack: Pack, seed: int) -> list[list[StepDraft]]:
    """Every thread's steps, with the two sides answering as many questions as each other,
    give or take one. A debate whose threads all open with one side would otherwise ask
    mostly about the other side's replies; the surplus side's most shortcut-exposed
    question is shown unasked instead, one at a time, and the game rebuilt (decoys shown
    in a dropped question are free again for later ones)."""
    return _balanced(pack, seed)[0]


def short_of_decoys(pack: Pack, seed: int) -> frozenset[str]:
    """The replies a game for ``seed`` shows unasked because they lack three fair decoys
    (not those dropped for side balance): what ``rebuttal validate`` asks authors to fix."""
    return frozenset(_balanced(pack, seed)[1].short)


def _balanced(pack: Pack, seed: int) -> tuple[list[list[StepDraft]], DecoyPicker]:
    lexicon = pack_lexicon(pack)
    unasked: set[str] = set()
    while True:
        asked = frozenset(t.id for thread in pack.all_threads() for t in thread.turns[1:]) - unasked
        picker = DecoyPicker(pack, lexicon, asked)
        bodies = [
            thread_steps(thread, picker, random.Random(f"{seed}:{thread.id}"), frozenset(unasked))
            for thread in pack.all_threads()
        ]
        sides = [pack.turn(d.turn_id or "").side for body in bodies for d in body if d.kind is StepKind.PREDICT]
        counts = {side: sides.count(side) for side in Side}
        surplus = max(Side, key=lambda side: (counts[side], side.value))
        if counts[surplus] - counts[surplus.opposite] <= 1:
            return bodies, picker
        exposed = sorted(
            (r for r in picker.exposure if pack.turn(r).side is surplus and r not in unasked),
            key=lambda r: (-picker.exposure[r], r),
        )
        # Drop all but one of the surplus at once (a rebuild is the slow part), most exposed first.
        unasked.update(exposed[: counts[surplus] - counts[surplus.opposite] - 1])


def finish_script(pack: Pack, seed: int, drafts: Sequence[StepDraft]) -> Script:
    """Number the steps and measure how much each one asks players to read."""
    for draft in drafts:
        if draft.options:
            draft.reading_words = sum(len(o.text.split()) for o in draft.options)
        elif draft.turn_id:
            draft.reading_words = len(pack.turn(draft.turn_id).text.split())
    return Script(pack.id, seed, tuple(draft.build(index) for index, draft in enumerate(drafts)))


@dataclass
class StepDraft:
    kind: StepKind
    thread_id: str | None = None
    turn_id: str | None = None
    prompt_turn_id: str | None = None
    options: tuple[Option, ...] = ()
    correct_option: int | None = None
    opens_thread: str | None = None
    closes_thread: str | None = None
    reading_words: int = 0

    def build(self, index: int) -> Step:
        return Step(index=index, **self.__dict__)


def stance_options() -> tuple[Option, ...]:
    return tuple(Option(label, OptionSource.SCALE) for label in STANCE_SCALE)


def thread_steps(
    thread: Thread, picker: DecoyPicker, rng: random.Random, unasked: frozenset[str] = frozenset()
) -> list[StepDraft]:
    """A thread's first turn, a prediction per later turn (or the turn shown unasked, when it
    is in ``unasked`` or cannot get three fair decoys), and a stronger-point vote."""
    steps = [StepDraft(StepKind.TURN, thread_id=thread.id, turn_id=thread.turns[0].id)]
    picker.reveal(thread.turns[0])
    for prompt, reply in zip(thread.turns, thread.turns[1:], strict=False):
        choice = None if reply.id in unasked else picker.choose(thread, prompt, reply, rng)
        if choice is None:
            steps.append(StepDraft(StepKind.TURN, thread_id=thread.id, turn_id=reply.id))
        else:
            options = prediction_options(picker, prompt, reply, choice, rng)
            correct = next(i for i, o in enumerate(options) if o.source is OptionSource.TRUE_REPLY)
            steps.append(
                StepDraft(
                    StepKind.PREDICT,
                    thread_id=thread.id,
                    turn_id=reply.id,
                    prompt_turn_id=prompt.id,
                    options=options,
                    correct_option=correct,
                )
            )
        picker.reveal(reply)
    if len(thread.turns) >= 2:
        start = rng.randrange(len(thread.turns) - 1)
        pair = [thread.turns[start], thread.turns[start + 1]]
        rng.shuffle(pair)  # neither side is always shown first
        votes = tuple(Option(t.text, OptionSource.TURN, t.id, t.side) for t in pair)
        steps.append(StepDraft(StepKind.STRONGER, thread_id=thread.id, options=votes))
    return steps


def prediction_options(
    picker: DecoyPicker, prompt: Turn, reply: Turn, choice: Choice, rng: random.Random
) -> tuple[Option, ...]:
    """The true reply and the chosen decoys, at a uniformly drawn position."""
    stats = picker.lexicon.stats
    true_option = Option(
        reply.text, OptionSource.TRUE_REPLY, reply.id, reply.side, prompt_similarity(stats, prompt.text, reply.text)
    )
    decoys = [
        Option(
            c.text,
            OptionSource.AUTHOR_DECOY if c.turn is None else OptionSource.OTHER_TURN,
            c.turn.id if c.turn else c.written_for,
            reply.side,
            prompt_similarity(stats, prompt.text, c.text),
        )
        for c in choice.decoys
    ]
    position = rng.randrange(OPTIONS_PER_PREDICTION)
    return (*decoys[:position], true_option, *decoys[position:])
