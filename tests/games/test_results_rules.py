"""The results rules every platform asks: when a summary may be shared, and who it counts."""

from bot.engine import engine
from bot.engine.commands import Advanced, PlayerAnswered
from bot.engine.script import StepKind, build_script
from bot.engine.state import GameSettings, GameState, Phase
from bot.games.presentation import final_scoreboard, public_shift_lines
from bot.games.results import STILL_OPEN, share_refusal
from tests.engine.helpers import T0, sample_pack


def new_game() -> GameState:
    return engine.start(1, "host", "Teacher", GameSettings(), build_script(sample_pack(), 11), T0).state


def test_sharing_is_refused_while_any_question_is_open_a_stance_question_included() -> None:
    state = new_game()
    assert state.current.kind is StepKind.STANCE and state.phase is Phase.OPEN
    assert share_refusal(state) == STILL_OPEN
    closed = engine.apply(state, Advanced("host", False, T0)).state
    assert closed.phase is Phase.REVEALED and share_refusal(closed) is None
    ended = engine.apply(closed, Advanced("host", True, T0)).state
    while ended.status.value != "ended":
        ended = engine.apply(ended, Advanced("host", True, T0)).state
    assert share_refusal(ended) is None


def test_the_host_is_left_out_of_public_shifts() -> None:
    pack = sample_pack()
    thread = pack.all_threads()[0].id
    students = {"a": (0, 4), "b": (2, 2), "c": (1, 1)}  # -4, 0, 0: mean -1.33 over 3
    with_host = {thread: {**students, "host": (4, 0)}}  # the host moving +4 would make it 0.00 over 4
    lines = public_shift_lines(pack, "host", with_host)
    assert lines[0].endswith(": -1.33 (towards no; 3 players)")
    only_two = {thread: {"a": (0, 4), "b": (2, 2), "host": (4, 0)}}
    assert "fewer than 3 gave both stances" in public_shift_lines(pack, "host", only_two)[0]


def test_the_final_scoreboard_ranks_players_and_leaves_out_a_host_who_only_ran_the_game() -> None:
    state = new_game()
    state = engine.apply(state, PlayerAnswered("s1", "Sam", state.step, 0, T0)).state
    board = final_scoreboard(sample_pack(), state, {})
    assert board.score_lines == ()  # no one has answered a closed question yet
    closed = engine.apply(state, Advanced("host", False, T0)).state
    board = final_scoreboard(sample_pack(), closed, {})
    assert board.score_lines == ("1. Sam — 0 pts (0 correct)",)
    assert len(board.shift_lines) == len(sample_pack().all_threads())
