"""Engine rules: who may do what, what changes nothing, and how points are settled."""

from datetime import timedelta

import pytest

from bot.engine import engine
from bot.engine.commands import Advanced, DeadlinePassed, DrawnFor, Ended, Paused, PlayerAnswered, Resumed, Skipped
from bot.engine.effects import GameOver, RevealStep, ScheduleDeadline, ShowStep, UpdateAnswerCount
from bot.engine.scoring import prediction_points
from bot.engine.script import StepKind, build_script
from bot.engine.state import GameSettings, GameState, Mode, Phase, Status
from tests.engine.helpers import T0, sample_pack


def new_game(**settings: object) -> GameState:
    script = build_script(sample_pack(), 11)
    return engine.start(1, "host", "Teacher", GameSettings(**settings), script, T0).state  # type: ignore[arg-type]


def advance_to(state: GameState, kind: StepKind) -> GameState:
    while state.current.kind is not kind or state.phase is not Phase.OPEN:
        state = engine.apply(state, Advanced("host", False, T0)).state
    return state


def test_a_student_cannot_advance() -> None:
    state = new_game()
    with pytest.raises(engine.IllegalCommand, match="Only the host or a teacher"):
        engine.apply(state, Advanced("student", False, T0))
    assert engine.apply(state, Advanced("someone", True, T0)).state.step == state.step  # a teacher may


def test_answer_to_a_closed_question_is_refused_and_changes_nothing() -> None:
    state = advance_to(new_game(), StepKind.PREDICT)
    closed = engine.apply(state, Advanced("host", False, T0)).state
    assert closed.phase is Phase.REVEALED
    with pytest.raises(engine.IllegalCommand, match=r"This question is closed\."):
        engine.apply(closed, PlayerAnswered("s1", "Sam", closed.step, 0, T0))


def test_answer_to_an_earlier_step_is_refused() -> None:
    state = advance_to(new_game(), StepKind.PREDICT)
    with pytest.raises(engine.IllegalCommand, match=r"That question is closed\."):
        engine.apply(state, PlayerAnswered("s1", "Sam", state.step - 1, 0, T0))


def test_unknown_option_is_refused() -> None:
    state = advance_to(new_game(), StepKind.PREDICT)
    with pytest.raises(engine.IllegalCommand, match=r"There is no option 9 on this question\."):
        engine.apply(state, PlayerAnswered("s1", "Sam", state.step, 8, T0))


def test_answers_can_change_until_close_and_only_the_last_counts() -> None:
    state = advance_to(new_game(), StepKind.PREDICT)
    right = state.current.correct_option
    assert right is not None
    wrong = (right + 1) % len(state.current.options)
    first = engine.apply(state, PlayerAnswered("s1", "Sam", state.step, wrong, T0))
    assert first.effects == (UpdateAnswerCount(state.step, 1),)
    assert first.reply == "Locked in: " + "ABCD"[wrong] + " — you can change it until the question closes."
    second = engine.apply(first.state, PlayerAnswered("s1", "Sam", state.step, right, T0))
    assert second.effects == ()  # the count did not change
    closed = engine.apply(second.state, Advanced("host", False, T0))
    assert closed.scored == {state.step: {"s1": 100}}
    assert closed.state.players["s1"].score == 100
    tally = [0] * 4
    tally[right] = 1
    assert RevealStep(state.step, tuple(tally), right) in closed.effects


def test_changes_can_be_forbidden() -> None:
    state = advance_to(new_game(allow_changes=False), StepKind.PREDICT)
    state = engine.apply(state, PlayerAnswered("s1", "Sam", state.step, 0, T0)).state
    with pytest.raises(engine.IllegalCommand, match="answers can't be changed"):
        engine.apply(state, PlayerAnswered("s1", "Sam", state.step, 1, T0))


def test_stances_and_votes_are_never_scored() -> None:
    state = new_game()
    assert state.current.kind is StepKind.STANCE
    state = engine.apply(state, PlayerAnswered("s1", "Sam", state.step, 0, T0)).state
    closed = engine.apply(state, Advanced("host", False, T0))
    assert closed.scored == {}
    assert closed.state.players["s1"].score == 0 and closed.state.players["s1"].answered == 1
    voted = advance_to(closed.state, StepKind.STRONGER)
    voted = engine.apply(voted, PlayerAnswered("s1", "Sam", voted.step, 1, T0)).state
    after_vote = engine.apply(voted, Advanced("host", False, T0))
    assert after_vote.scored == {} and after_vote.state.players["s1"].score == 0
    assert RevealStep(voted.step, (0, 1), None) in after_vote.effects


def test_paused_game_refuses_answers_and_keeps_the_remaining_time() -> None:
    state = new_game(mode=Mode.TIMED, question_seconds=30)
    # 30 s plus a second per five words of options: the stance scale has nine.
    assert state.deadline == T0 + timedelta(seconds=31)
    paused = engine.apply(state, Paused("host", False, T0 + timedelta(seconds=10))).state
    assert paused.status is Status.PAUSED and paused.deadline is None and paused.paused_remaining == 21
    with pytest.raises(engine.IllegalCommand, match="paused"):
        engine.apply(paused, PlayerAnswered("s1", "Sam", paused.step, 0, T0))
    resumed = engine.apply(paused, Resumed("host", False, T0 + timedelta(seconds=100)))
    assert resumed.state.deadline == T0 + timedelta(seconds=121)
    assert ScheduleDeadline(T0 + timedelta(seconds=121), 0, "open") in resumed.effects


def test_stale_and_early_deadlines_are_refused() -> None:
    state = new_game(mode=Mode.TIMED, question_seconds=30)
    with pytest.raises(engine.IllegalCommand, match="stale"):
        engine.apply(state, DeadlinePassed(3, Phase.OPEN, T0 + timedelta(seconds=40)))
    with pytest.raises(engine.IllegalCommand, match="not run out"):
        engine.apply(state, DeadlinePassed(0, Phase.OPEN, T0 + timedelta(seconds=5)))
    fired = engine.apply(state, DeadlinePassed(0, Phase.OPEN, T0 + timedelta(seconds=31)))
    assert fired.state.phase is Phase.REVEALED


def test_timed_game_runs_to_the_end_on_deadlines_alone() -> None:
    state = new_game(mode=Mode.TIMED, question_seconds=10)
    at = T0
    for _ in range(200):
        if state.status is Status.ENDED:
            break
        assert state.deadline is not None
        at = state.deadline
        state = engine.apply(state, DeadlinePassed(state.step, state.phase, at)).state
    assert state.status is Status.ENDED and state.current.kind is StepKind.SCOREBOARD


def test_skip_closes_and_moves_on_and_end_stops_everything() -> None:
    state = advance_to(new_game(), StepKind.PREDICT)
    skipped = engine.apply(state, Skipped("host", False, T0))
    assert skipped.state.step == state.step + 1
    assert [type(e) for e in skipped.effects][:1] == [RevealStep] and ShowStep(state.step + 1) in skipped.effects
    ended = engine.apply(skipped.state, Ended("host", False, T0))
    assert ended.state.status is Status.ENDED and GameOver() in ended.effects
    with pytest.raises(engine.IllegalCommand, match=r"This game is over\."):
        engine.apply(ended.state, Advanced("host", False, T0))


@pytest.mark.parametrize(
    ("speed", "streak", "elapsed", "streak_before", "expected"),
    [
        (False, False, 25.0, 9, 100),
        (True, False, 0.0, 0, 100),
        (True, False, 10.0, 0, 75),
        (True, False, 99.0, 0, 50),
        (False, True, 0.0, 2, 120),
        (False, True, 0.0, 40, 150),
    ],
)
def test_prediction_points(speed: bool, streak: bool, elapsed: float, streak_before: int, expected: int) -> None:
    settings = GameSettings(speed_bonus=speed, streak_bonus=streak)
    assert prediction_points(settings, correct=True, elapsed=elapsed, window=20, streak=streak_before) == expected
    assert prediction_points(settings, correct=False, elapsed=elapsed, window=20, streak=streak_before) == 0


def test_answer_to_a_past_question_while_a_turn_is_shown_says_closed() -> None:
    state = advance_to(new_game(), StepKind.PREDICT)
    shown = engine.apply(engine.apply(state, Advanced("host", False, T0)).state, Advanced("host", False, T0)).state
    while shown.phase is not Phase.SHOWN:  # the next step may be another question; walk to a shown step
        shown = engine.apply(shown, Advanced("host", False, T0)).state
    with pytest.raises(engine.IllegalCommand, match=r"This question is closed\."):
        engine.apply(shown, PlayerAnswered("s1", "Sam", state.step, 0, T0))


@pytest.mark.parametrize("control", [Advanced, Skipped])
def test_a_control_drawn_for_an_earlier_step_changes_nothing(control: type[Advanced | Skipped]) -> None:
    state = advance_to(new_game(), StepKind.PREDICT)
    drawn = DrawnFor(state.step, state.phase)
    closed = engine.apply(state, control("host", False, T0, drawn)).state  # the first click counts
    with pytest.raises(engine.IllegalCommand, match="drawn for an earlier step"):
        engine.apply(closed, control("host", False, T0, drawn))  # a second click from the same message
    current = DrawnFor(closed.step, closed.phase)
    assert engine.apply(closed, control("host", False, T0, current)).state.step == closed.step + 1


def test_a_typed_control_means_the_current_step() -> None:
    state = advance_to(new_game(), StepKind.PREDICT)
    once = engine.apply(state, Advanced("host", False, T0)).state
    assert engine.apply(once, Advanced("host", False, T0)).state.step == state.step + 1  # no drawn_for: no guard


def test_pause_and_end_from_an_old_message_still_work() -> None:
    """Only Next and Skip move the game along a step; pausing or ending from any message is safe."""
    state = advance_to(new_game(), StepKind.PREDICT)
    old = DrawnFor(0, Phase.SHOWN)
    paused = engine.apply(state, Paused("host", False, T0, old)).state
    assert paused.status is Status.PAUSED
    assert engine.apply(paused, Ended("host", False, T0, old)).state.status is Status.ENDED


def test_a_close_settles_every_player_once_and_keeps_the_untouched_records() -> None:
    """Right, wrong and silent players on two predictions in a row, with the streak bonus."""
    state = advance_to(new_game(streak_bonus=True), StepKind.PREDICT)
    for round_ in range(2):
        right = state.current.correct_option
        assert right is not None
        wrong = (right + 1) % len(state.current.options)
        state = engine.apply(state, PlayerAnswered("ann", "Ann", state.step, right, T0)).state
        state = engine.apply(state, PlayerAnswered("bob", "Bob", state.step, wrong if round_ else right, T0)).state
        if round_ == 0:
            state = engine.apply(state, PlayerAnswered("cat", "Cat", state.step, right, T0)).state
        before = state
        closed = engine.apply(state, Advanced("host", False, T0))
        state = closed.state
        if round_ == 0:
            assert state.players["host"] is before.players["host"], "a silent player without a streak is kept"
            state = advance_to(state, StepKind.PREDICT)
    players = {p.player: (p.score, p.streak, p.correct, p.answered) for p in state.players.values()}
    assert players == {
        "host": (0, 0, 0, 0),
        "ann": (100 + 110, 2, 2, 2),  # the second in a row earns the 10% streak bonus
        "bob": (100, 0, 1, 2),  # the wrong one ends the streak
        "cat": (100, 0, 1, 1),  # silent on the second: streak reset, answered stays
    }
    assert closed.scored == {before.step: {"ann": 110, "bob": 0}}
