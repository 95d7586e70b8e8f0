"""The self-paced round engine: one player's walk through a thread, and what it refuses."""

from __future__ import annotations

import pytest

from bot.engine.commands import PlayerAnswered
from bot.engine.engine import IllegalCommand
from bot.engine.script import Script, StepKind
from bot.engine.solo import Continued, Progress, apply_solo, begin, build_round_script
from bot.engine.state import Phase
from tests.engine.helpers import T0, sample_pack

THREAD = "preconditions-before-normalization-steps"


def script() -> Script:
    return build_round_script(sample_pack(), THREAD, seed=7)


def test_a_round_is_stance_predictions_vote_stance_for_one_thread() -> None:
    pack = sample_pack()
    built = script()
    kinds = [s.kind for s in built.steps]
    predictions = len(pack.thread(THREAD).turns) - 1
    assert kinds == [StepKind.STANCE, *[StepKind.PREDICT] * predictions, StepKind.STRONGER, StepKind.STANCE]
    assert built.steps[0].opens_thread == THREAD and built.steps[0].closes_thread is None
    assert built.steps[-1].closes_thread == THREAD and built.steps[-1].opens_thread is None
    assert {s.thread_id for s in built.steps if s.kind is StepKind.PREDICT} == {THREAD}
    assert build_round_script(pack, THREAD, seed=7) == built  # the seed alone fixes the options


def walk(built: Script, right: bool) -> Progress:
    progress = begin(built, "u1", "Ann")
    while not progress.finished_in(built):
        step = built.steps[progress.step]
        if progress.phase is Phase.OPEN:
            option = 0
            if step.correct_option is not None:
                option = step.correct_option if right else (step.correct_option + 1) % len(step.options)
            progress = apply_solo(built, progress, PlayerAnswered("u1", "Ann", step.index, option, T0)).progress
        else:
            progress = apply_solo(built, progress, Continued("u1", step.index, T0)).progress
    return progress


def test_only_predictions_score_and_each_reveals_at_once() -> None:
    built = script()
    predictions = sum(1 for s in built.steps if s.kind is StepKind.PREDICT)
    best, worst = walk(built, right=True), walk(built, right=False)
    assert (best.score, best.correct, best.predicted) == (100 * predictions, predictions, predictions)
    assert (worst.score, worst.correct, worst.predicted) == (0, 0, predictions)
    assert best.answered == worst.answered == predictions + 3  # two stances and a vote, unscored


def test_a_prediction_is_revealed_with_the_pick_and_points_then_continue_moves_on() -> None:
    built = script()
    progress = begin(built, "u1", "Ann")
    progress = apply_solo(built, progress, PlayerAnswered("u1", "Ann", 0, 2, T0)).progress  # stance: straight on
    assert (progress.step, progress.phase) == (1, Phase.OPEN)
    step = built.steps[1]
    assert step.correct_option is not None
    done = apply_solo(built, progress, PlayerAnswered("u1", "Ann", 1, step.correct_option, T0))
    assert done.points == 100 and done.reply == "Right!"
    assert (done.progress.phase, done.progress.chosen, done.progress.earned) == (
        Phase.REVEALED,
        step.correct_option,
        100,
    )
    moved = apply_solo(built, done.progress, Continued("u1", 1, T0)).progress
    assert (moved.step, moved.phase, moved.chosen) == (2, Phase.OPEN, None)


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        (PlayerAnswered("u1", "Ann", 0, 0, T0), "You've already answered that one."),  # an old step
        (PlayerAnswered("u1", "Ann", 3, 0, T0), "Not yet."),
        (PlayerAnswered("u1", "Ann", 1, 9, T0), "There is no option 10 on this question."),
        (Continued("u1", 1, T0), "Answer this question first."),
    ],
)
def test_refusals_change_nothing(command: PlayerAnswered | Continued, reason: str) -> None:
    built = script()
    progress = apply_solo(built, begin(built, "u1", "Ann"), PlayerAnswered("u1", "Ann", 0, 1, T0)).progress
    with pytest.raises(IllegalCommand) as refused:
        apply_solo(built, progress, command)
    assert refused.value.reason == reason


def test_a_revealed_prediction_cannot_be_answered_again() -> None:
    built = script()
    progress = apply_solo(built, begin(built, "u1", "Ann"), PlayerAnswered("u1", "Ann", 0, 1, T0)).progress
    revealed = apply_solo(built, progress, PlayerAnswered("u1", "Ann", 1, 0, T0)).progress
    with pytest.raises(IllegalCommand, match="already answered"):
        apply_solo(built, revealed, PlayerAnswered("u1", "Ann", 1, 1, T0))


def test_nothing_is_accepted_after_the_end() -> None:
    built = script()
    finished = walk(built, right=True)
    with pytest.raises(IllegalCommand, match="finished"):
        apply_solo(built, finished, Continued("u1", finished.step, T0))
