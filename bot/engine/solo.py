"""Self-paced play: a daily round is one thread of a debate that each player walks alone.

Theory of operation. Every player of a round sees the same script (built once per round
from the pack, the thread and a seed), but holds their own position in it, a ``Progress``.
There is no host and no timer inside a round: answering a prediction reveals at once
whether it was right (and what was actually said); an opinion (a stance or a stronger-point
vote) moves straight on, because there is nothing to reveal; "Continue" leaves a shown
turn or a revealed prediction. Past the last step the player has finished.

Like the group engine this is pure: times come in, nothing is read or drawn, and an illegal
command raises ``IllegalCommand`` with a reason for the player and changes nothing. A click
on an earlier step (an old private message, a double click) is refused as already answered,
so a retried delivery can never score twice.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime

from bot.content.model import Pack
from bot.engine.commands import PlayerAnswered
from bot.engine.decoys import DecoyPicker, pack_lexicon
from bot.engine.engine import IllegalCommand
from bot.engine.scoring import SPEED_WINDOW_WITHOUT_TIMER, prediction_points
from bot.engine.script import Script, Step, StepDraft, StepKind, finish_script, stance_options, thread_steps
from bot.engine.state import GameSettings, Mode, Phase

ROUND_SETTINGS = GameSettings(mode=Mode.SELF_PACED)


def build_round_script(pack: Pack, thread_id: str, seed: int) -> Script:
    """Stance before, the thread's predictions, a stronger-point vote, stance after.

    The opening turn is not a step of its own: the first prediction shows it as its prompt.
    Decoys are chosen as in a game, but only the round's own thread has been revealed, so
    turns of every other thread are fair decoys here.
    """
    thread = pack.thread(thread_id)
    picker = DecoyPicker(pack, pack_lexicon(pack), frozenset(t.id for t in thread.turns[1:]))
    body = thread_steps(thread, picker, random.Random(f"{seed}:{thread.id}"))
    if any(draft.kind is StepKind.PREDICT for draft in body):
        body = body[1:]
    drafts = [
        StepDraft(StepKind.STANCE, options=stance_options(), opens_thread=thread.id),
        *body,
        StepDraft(StepKind.STANCE, options=stance_options(), closes_thread=thread.id),
    ]
    return finish_script(pack, seed, drafts)


@dataclass(frozen=True)
class Progress:
    """One player's place in a round and their running totals."""

    player: str
    name: str
    step: int
    phase: Phase
    score: int = 0
    correct: int = 0
    answered: int = 0  # questions of any kind answered
    predicted: int = 0  # predictions answered: the denominator of accuracy
    chosen: int | None = None  # the option picked at ``step`` once it is revealed
    earned: int | None = None  # points for that pick

    def finished_in(self, script: Script) -> bool:
        return self.step >= len(script.steps)


@dataclass(frozen=True)
class Continued:
    """Leave a shown turn or a revealed prediction for the next step. (Answers are the group
    engine's ``PlayerAnswered``.)"""

    player: str
    step: int
    at: datetime


@dataclass(frozen=True)
class SoloTransition:
    progress: Progress
    answered_step: Step | None = None  # the question just answered, to record with ``option``
    option: int | None = None
    points: int | None = None  # for a prediction; None for an opinion
    reply: str | None = None


def begin(script: Script, player: str, name: str) -> Progress:
    """A player's first look at a round."""
    return _at(Progress(player, name, -1, Phase.SHOWN), script, 0)


def apply_solo(script: Script, progress: Progress, command: PlayerAnswered | Continued) -> SoloTransition:
    """What ``command`` does to this player's round; raises ``IllegalCommand``."""
    if progress.finished_in(script):
        raise IllegalCommand("You've finished today's round.")
    if command.step != progress.step:
        raise IllegalCommand("You've already answered that one." if command.step < progress.step else "Not yet.")
    step = script.steps[progress.step]
    match command:
        case PlayerAnswered():
            if progress.phase is not Phase.OPEN:
                raise IllegalCommand("You've already answered that one.")
            if not 0 <= command.option < len(step.options):
                raise IllegalCommand(f"There is no option {command.option + 1} on this question.")
            return _answer(script, replace(progress, name=command.name), step, command.option)
        case Continued():
            if progress.phase is Phase.OPEN:
                raise IllegalCommand("Answer this question first.")
            return SoloTransition(_at(progress, script, progress.step + 1))
    raise AssertionError(f"unhandled command {command!r}")  # pragma: no cover


def _answer(script: Script, progress: Progress, step: Step, option: int) -> SoloTransition:
    answered = replace(progress, answered=progress.answered + 1)
    if not step.kind.is_scored:
        return SoloTransition(_at(answered, script, step.index + 1), step, option, reply="Noted.")
    correct = option == step.correct_option
    points = prediction_points(
        ROUND_SETTINGS, correct=correct, elapsed=0.0, window=SPEED_WINDOW_WITHOUT_TIMER, streak=0
    )
    revealed = replace(
        answered,
        phase=Phase.REVEALED,
        score=progress.score + points,
        correct=progress.correct + int(correct),
        predicted=progress.predicted + 1,
        chosen=option,
        earned=points,
    )
    return SoloTransition(revealed, step, option, points, reply="Right!" if correct else "Not this time.")


def _at(progress: Progress, script: Script, index: int) -> Progress:
    """``progress`` moved to step ``index`` (or past the end: finished)."""
    if index >= len(script.steps):
        return replace(progress, step=len(script.steps), phase=Phase.SHOWN, chosen=None, earned=None)
    phase = Phase.OPEN if script.steps[index].kind.is_question else Phase.SHOWN
    return replace(progress, step=index, phase=phase, chosen=None, earned=None)
