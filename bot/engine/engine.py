"""The game engine: ``apply(state, command) -> Transition``.

Theory of operation. A game is a position in its script (``state.step``) and a phase:
information steps are SHOWN; questions are OPEN, then REVEALED. The host (or a teacher)
advances: an open question closes and is revealed; otherwise the next step is shown. In
timed mode deadlines do the advancing. ``LEGAL`` below is the whole table of which command
may arrive in which status and phase; anything else raises ``IllegalCommand`` with a reason
for the person who sent it, and the state is unchanged (it is a frozen value).

Scores are settled when a question closes, from the answers then standing, so an answer
can be changed until the close and never counts after it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from bot.engine.commands import (
    Advanced,
    Command,
    DeadlinePassed,
    Ended,
    HostCommand,
    Paused,
    PlayerAnswered,
    PlayerJoined,
    Resumed,
    Skipped,
)
from bot.engine.effects import (
    CancelDeadline,
    Effect,
    GameOver,
    GamePaused,
    GameResumed,
    RevealStep,
    ScheduleDeadline,
    ShowStep,
    UpdateAnswerCount,
)
from bot.engine.scoring import SPEED_WINDOW_WITHOUT_TIMER, prediction_points
from bot.engine.script import Script, Step, StepKind, option_letter
from bot.engine.state import AnswerRecord, GameSettings, GameState, Mode, Phase, PlayerRecord, Status

_HOST_MOVES = {Advanced, Skipped, Paused, Ended}
LEGAL: Mapping[Status, Mapping[Phase, frozenset[type]]] = {
    Status.RUNNING: {
        Phase.SHOWN: frozenset({PlayerJoined, DeadlinePassed, *_HOST_MOVES}),
        Phase.OPEN: frozenset({PlayerJoined, PlayerAnswered, DeadlinePassed, *_HOST_MOVES}),
        Phase.REVEALED: frozenset({PlayerJoined, DeadlinePassed, *_HOST_MOVES}),
    },
    Status.PAUSED: {phase: frozenset({PlayerJoined, Resumed, Ended}) for phase in Phase},
    Status.ENDED: {phase: frozenset() for phase in Phase},
}

STALE_CONTROL = "That button was drawn for an earlier step and the game has moved on; use the current controls."
READING_WORDS_PER_SECOND = 4
MIN_READING_SECONDS, MAX_READING_SECONDS = 8, 60


class IllegalCommand(Exception):
    """A command that may not happen now; ``reason`` is fit to show the sender."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Transition:
    state: GameState
    effects: tuple[Effect, ...] = ()
    reply: str | None = None  # private answer to whoever sent the command
    scored: Mapping[int, Mapping[str, int]] = field(default_factory=dict)  # step -> player -> points


def start(game_id: int, host: str, host_name: str, settings: GameSettings, script: Script, at: datetime) -> Transition:
    """A new game, showing its first step."""
    state = GameState(
        game_id=game_id,
        host=host,
        settings=settings,
        script=script,
        status=Status.RUNNING,
        step=0,
        phase=Phase.SHOWN,
        phase_started_at=at,
        players={host: PlayerRecord(host, host_name)},
    )
    state, effects = _enter(state, 0, at)
    return Transition(state, tuple(effects), reply="The debate has started.")


def apply(state: GameState, command: Command) -> Transition:
    """The transition ``command`` causes from ``state``; raises ``IllegalCommand``."""
    if state.settings.mode is Mode.SELF_PACED:
        raise IllegalCommand("This is a daily round: play it with its Play button.")
    if type(command) not in LEGAL[state.status][state.phase]:
        raise IllegalCommand(_why_not(state, command))
    if isinstance(command, HostCommand) and not (command.actor == state.host or command.actor_is_teacher):
        raise IllegalCommand("Only the host or a teacher can control the game.")
    if isinstance(command, Advanced | Skipped) and _is_stale(state, command):
        raise IllegalCommand(STALE_CONTROL)
    match command:
        case PlayerJoined():
            return Transition(_with_player(state, command.player, command.name), reply="You're in.")
        case PlayerAnswered():
            return _answer(state, command)
        case Advanced():
            return _advance(state, command.at, skip=False)
        case Skipped():
            return _advance(state, command.at, skip=True)
        case DeadlinePassed():
            return _deadline(state, command)
        case Paused():
            return _pause(state, command.at)
        case Resumed():
            return _resume(state, command.at)
        case Ended():
            return _end(state, command.at)
    raise AssertionError(f"unhandled command {command!r}")  # pragma: no cover


def _is_stale(state: GameState, command: HostCommand) -> bool:
    drawn = command.drawn_for
    return drawn is not None and (drawn.step, drawn.phase) != (state.step, state.phase)


def _why_not(state: GameState, command: Command) -> str:
    if state.status is Status.ENDED:
        return "This game is over."
    if isinstance(command, Resumed):
        return "The game is not paused."
    if state.status is Status.PAUSED:
        return "The game is paused; wait for the host to resume it."
    if isinstance(command, PlayerAnswered):
        if state.phase is Phase.REVEALED or command.step != state.step:
            return "This question is closed."
        return "There is no open question right now."
    return "That can't be done right now."  # pragma: no cover - the table covers the rest


def _with_player(state: GameState, player: str, name: str) -> GameState:
    players = _players_with(state, player, name)
    return state if players is state.players else state.evolve(players=players)


def _players_with(state: GameState, player: str, name: str) -> Mapping[str, PlayerRecord]:
    """The players with ``player`` joined under ``name`` (the same mapping if nothing changed)."""
    record = state.players.get(player)
    if record is not None and record.name == name:
        return state.players
    updated = PlayerRecord(player, name) if record is None else replace(record, name=name)
    return {**state.players, player: updated}


def _answer(state: GameState, command: PlayerAnswered) -> Transition:
    step = state.current
    if command.step != state.step:
        raise IllegalCommand("That question is closed.")
    if not 0 <= command.option < len(step.options):
        raise IllegalCommand(f"There is no option {command.option + 1} on this question.")
    previous = state.answers.get(command.player)
    if previous is not None and not state.settings.allow_changes:
        raise IllegalCommand("You have already answered; answers can't be changed in this game.")
    choice = _choice_name(step, command.option)
    later = " — you can change it until the question closes." if state.settings.allow_changes else "."
    reply = f"Locked in: {choice}{later}"
    if previous is not None and previous.option == command.option:
        return Transition(state, reply=reply)
    answers = {**state.answers, command.player: AnswerRecord(command.player, command.option, command.at)}
    state = state.evolve(answers=answers, players=_players_with(state, command.player, command.name))
    effects: tuple[Effect, ...] = () if previous else (UpdateAnswerCount(state.step, len(answers)),)
    return Transition(state, effects, reply=reply)


def _choice_name(step: Step, option: int) -> str:
    if step.kind is StepKind.STANCE:
        return step.options[option].text
    return option_letter(option)


def _advance(state: GameState, at: datetime, *, skip: bool) -> Transition:
    effects: list[Effect] = []
    scored: dict[int, Mapping[str, int]] = {}
    if state.phase is Phase.OPEN:
        state = _close(state, at, effects, scored)
        if not skip:
            return Transition(state, tuple(effects), reply="Question closed.", scored=scored)
    state, more = _enter(state, state.step + 1, at)
    return Transition(state, tuple(effects + more), reply="Moved on.", scored=scored)


def _deadline(state: GameState, command: DeadlinePassed) -> Transition:
    if (command.step, command.phase) != (state.step, state.phase) or state.deadline is None:
        raise IllegalCommand("That timer is stale.")
    if command.at < state.deadline:
        raise IllegalCommand("That timer has not run out yet.")
    state = state.evolve(deadline=None)
    if state.phase is Phase.OPEN:
        effects: list[Effect] = []
        scored: dict[int, Mapping[str, int]] = {}
        state = _close(state, command.at, effects, scored)
        return Transition(state, tuple(effects), scored=scored)
    state, effects = _enter(state, state.step + 1, command.at)
    return Transition(state, tuple(effects))


def _pause(state: GameState, at: datetime) -> Transition:
    remaining = (state.deadline - at).total_seconds() if state.deadline else None
    state = state.evolve(status=Status.PAUSED, deadline=None, paused_remaining=remaining)
    effects: tuple[Effect, ...] = (CancelDeadline(), GamePaused()) if remaining is not None else (GamePaused(),)
    return Transition(state, effects, reply="Paused.")


def _resume(state: GameState, at: datetime) -> Transition:
    effects: list[Effect] = [GameResumed()]
    deadline = None
    if state.paused_remaining is not None:
        deadline = at + timedelta(seconds=max(0.0, state.paused_remaining))
        effects.append(ScheduleDeadline(deadline, state.step, state.phase.value))
    state = state.evolve(status=Status.RUNNING, deadline=deadline, paused_remaining=None)
    return Transition(state, tuple(effects), reply="Resumed.")


def _end(state: GameState, at: datetime) -> Transition:
    effects: list[Effect] = []
    scored: dict[int, Mapping[str, int]] = {}
    if state.phase is Phase.OPEN and state.status is Status.RUNNING:
        state = _close(state, at, effects, scored)
    state = state.evolve(status=Status.ENDED, deadline=None, paused_remaining=None)
    effects += [CancelDeadline(), GameOver()]
    return Transition(state, tuple(effects), reply="The game has ended.", scored=scored)


def _close(state: GameState, at: datetime, effects: list[Effect], scored: dict[int, Mapping[str, int]]) -> GameState:
    """Close the open question: tally, settle points, reveal."""
    step = state.current
    tally = [0] * len(step.options)
    for answer in state.answers.values():
        tally[answer.option] += 1
    points: dict[str, int] = {}
    players = _players_after(state, points)
    if step.kind.is_scored:
        scored[step.index] = points
    deadline = None
    if state.settings.mode is Mode.TIMED:
        deadline = at + timedelta(seconds=state.settings.reveal_seconds)
    state = state.evolve(
        phase=Phase.REVEALED,
        phase_started_at=at,
        deadline=deadline,
        asked=state.asked + 1,
        players=players,
    )
    effects.append(RevealStep(step.index, tuple(tally), step.correct_option))
    effects.append(ScheduleDeadline(deadline, step.index, Phase.REVEALED.value) if deadline else CancelDeadline())
    return state


def _players_after(state: GameState, points: dict[str, int]) -> dict[str, PlayerRecord]:
    """Every player's record once the open question closes: one more answered for those who
    answered and, on a prediction, its points (into ``points``), streak and correct count.
    One new record per changed player (a close touches the whole class), the rest kept."""
    step = state.current
    scoring = step.kind.is_scored
    window = float(_question_seconds(state.settings, step) or SPEED_WINDOW_WITHOUT_TIMER)
    players: dict[str, PlayerRecord] = {}
    for key, record in state.players.items():
        answer = state.answers.get(key)
        if answer is None:
            players[key] = replace(record, streak=0) if scoring and record.streak else record
            continue
        if not scoring:
            players[key] = replace(record, answered=record.answered + 1)
            continue
        correct = answer.option == step.correct_option
        elapsed = (answer.answered_at - state.phase_started_at).total_seconds()
        earned = prediction_points(
            state.settings, correct=correct, elapsed=elapsed, window=window, streak=record.streak
        )
        points[key] = earned
        players[key] = PlayerRecord(
            record.player,
            record.name,
            score=record.score + earned,
            streak=record.streak + 1 if correct else 0,
            correct=record.correct + int(correct),
            answered=record.answered + 1,
        )
    return players


def _enter(state: GameState, index: int, at: datetime) -> tuple[GameState, list[Effect]]:
    """Show step ``index``; the scoreboard step ends the game."""
    step = state.script.steps[index]
    if step.kind is StepKind.SCOREBOARD:
        ended = state.evolve(
            step=index, phase=Phase.SHOWN, phase_started_at=at, status=Status.ENDED, deadline=None, answers={}
        )
        return ended, [ShowStep(index), CancelDeadline(), GameOver()]
    phase = Phase.OPEN if step.kind.is_question else Phase.SHOWN
    seconds = _question_seconds(state.settings, step) if step.kind.is_question else None
    if seconds is None and state.settings.mode is Mode.TIMED:
        seconds = _reading_seconds(step)
    deadline = at + timedelta(seconds=seconds) if seconds else None
    state = state.evolve(step=index, phase=phase, phase_started_at=at, deadline=deadline, answers={})
    effects: list[Effect] = [ShowStep(index)]
    effects.append(ScheduleDeadline(deadline, index, phase.value) if deadline else CancelDeadline())
    return state, effects


def _question_seconds(settings: GameSettings, step: Step) -> int | None:
    """The question's timer: the base setting, longer for long options, at most triple."""
    base = settings.question_seconds
    if base is None:
        return None
    return min(base * 3, base + step.reading_words // 5)


def _reading_seconds(step: Step) -> int:
    seconds = step.reading_words // READING_WORDS_PER_SECOND
    return max(MIN_READING_SECONDS, min(MAX_READING_SECONDS, seconds))
