"""The game script: the fixed sequence of steps a game walks through, derived from a pack
and a seed alone, so every player sees the same options in the same order and a restarted
game rebuilds exactly what it showed.

Per thread (the opening exchange included): show its first turn, then for each later turn a
"predict the rebuttal" question whose reveal shows that turn, then a "stronger point" vote on
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
from bot.engine.similarity import TfIdf

OPTIONS_PER_PREDICTION = 4
DECOY_POOL = 6  # decoys are drawn from this many nearest candidates, so games differ

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
    corpus = Corpus(pack)
    steps: list[StepDraft] = []
    threads = pack.all_threads()
    for position, thread in enumerate(threads):
        previous = threads[position - 1].id if position else None
        steps.append(
            StepDraft(StepKind.STANCE, options=stance_options(), opens_thread=thread.id, closes_thread=previous)
        )
        if position:
            steps.append(StepDraft(StepKind.SUMMARY, thread_id=previous))
        steps.extend(thread_steps(thread, corpus, random.Random(f"{seed}:{thread.id}")))
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


def thread_steps(thread: Thread, corpus: Corpus, rng: random.Random) -> list[StepDraft]:
    steps = [StepDraft(StepKind.TURN, thread_id=thread.id, turn_id=thread.turns[0].id)]
    for prompt, reply in zip(thread.turns, thread.turns[1:], strict=False):
        options = prediction_options(corpus, thread, prompt, reply, rng)
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
    if len(thread.turns) >= 2:
        start = rng.randrange(len(thread.turns) - 1)
        pair = [thread.turns[start], thread.turns[start + 1]]
        rng.shuffle(pair)  # neither side is always shown first
        votes = tuple(Option(t.text, OptionSource.TURN, t.id, t.side) for t in pair)
        steps.append(StepDraft(StepKind.STRONGER, thread_id=thread.id, options=votes))
    return steps


class Corpus:
    """Every turn of a pack with TF-IDF vectors, to find turns close to a prompt."""

    def __init__(self, pack: Pack) -> None:
        self.turns: list[tuple[Thread, Turn]] = [(t, turn) for t in pack.all_threads() for turn in t.turns]
        self.position = {turn.id: i for i, (_, turn) in enumerate(self.turns)}
        self.tfidf = TfIdf([turn.text for _, turn in self.turns])

    def similarity(self, a: Turn, b: Turn) -> float:
        return self.tfidf.similarity(self.position[a.id], self.position[b.id])


def prediction_options(
    corpus: Corpus, thread: Thread, prompt: Turn, reply: Turn, rng: random.Random
) -> tuple[Option, ...]:
    """The true reply plus decoys: author-written ones first, then real turns by the same
    side from *other* threads, drawn from those closest to the prompt. Shuffled by ``rng``."""
    decoys: list[Option] = [
        Option(text, OptionSource.AUTHOR_DECOY, side=reply.side) for text in reply.decoys if text != reply.text
    ][: OPTIONS_PER_PREDICTION - 1]
    candidates = [
        (corpus.similarity(prompt, turn), turn)
        for other, turn in corpus.turns
        if other.id != thread.id and turn.side is reply.side and turn.text != reply.text
    ]
    candidates.sort(key=lambda pair: (-pair[0], pair[1].id))
    wanted = OPTIONS_PER_PREDICTION - 1 - len(decoys)
    pool = candidates[: max(DECOY_POOL, wanted)]
    chosen = rng.sample(pool, min(wanted, len(pool)))
    chosen.sort(key=lambda pair: (-pair[0], pair[1].id))
    decoys += [Option(t.text, OptionSource.OTHER_TURN, t.id, t.side, round(s, 4)) for s, t in chosen]
    true_option = Option(
        reply.text, OptionSource.TRUE_REPLY, reply.id, reply.side, round(corpus.similarity(prompt, reply), 4)
    )
    options = [true_option, *_distinct(decoys)]
    rng.shuffle(options)
    return tuple(options)


def _distinct(options: Sequence[Option]) -> list[Option]:
    seen: set[str] = set()
    kept = []
    for option in options:
        if option.text not in seen:
            seen.add(option.text)
            kept.append(option)
    return kept
