"""Game settings and state: frozen values the engine reads and replaces, never mutates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum

from bot.engine.script import Script, Step


class Mode(StrEnum):
    CLASSROOM = "classroom"  # a host advances; questions may have a timer
    TIMED = "timed"  # everything advances by itself on timers
    SELF_PACED = "self-paced"  # a daily round: each player walks the script alone (bot.engine.solo)


LIVE_MODES = (Mode.CLASSROOM, Mode.TIMED)  # the modes a game started in a channel may use


class Status(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    ENDED = "ended"


class Phase(StrEnum):
    SHOWN = "shown"  # an information step is on screen
    OPEN = "open"  # a question takes answers
    REVEALED = "revealed"  # a question is closed and its results shown


@dataclass(frozen=True)
class GameSettings:
    mode: Mode = Mode.CLASSROOM
    question_seconds: int | None = None  # classroom: None means the host closes questions
    points: int = 100
    speed_bonus: bool = False
    streak_bonus: bool = False
    allow_changes: bool = True
    reveal_seconds: int = 8  # timed mode: how long results stay before moving on

    def __post_init__(self) -> None:
        if self.question_seconds is not None and not 5 <= self.question_seconds <= 3600:
            raise ValueError("a question timer must be between 5 and 3600 seconds")
        if not 1 <= self.points <= 10_000:
            raise ValueError("points per correct prediction must be between 1 and 10000")
        if self.mode is Mode.TIMED and self.question_seconds is None:
            object.__setattr__(self, "question_seconds", 30)


@dataclass(frozen=True)
class AnswerRecord:
    player: str
    option: int
    answered_at: datetime


@dataclass(frozen=True)
class PlayerRecord:
    """A player's running totals in one game."""

    player: str
    name: str
    score: int = 0
    streak: int = 0
    correct: int = 0
    answered: int = 0


@dataclass(frozen=True)
class GameState:
    game_id: int
    host: str
    settings: GameSettings
    script: Script
    status: Status
    step: int
    phase: Phase
    phase_started_at: datetime
    deadline: datetime | None = None
    paused_remaining: float | None = None  # seconds left on the deadline when paused
    asked: int = 0  # questions closed so far: the denominator of participation
    answers: Mapping[str, AnswerRecord] = field(default_factory=dict)  # current step only
    players: Mapping[str, PlayerRecord] = field(default_factory=dict)

    @property
    def current(self) -> Step:
        return self.script.steps[self.step]

    def evolve(self, **changes: object) -> GameState:
        """A copy with ``changes``. Every answer makes one, so this skips what
        ``dataclasses.replace`` does per field (re-running ``__init__``'s frozen assignments):
        GameState has no ``__post_init__`` nor ``init=False`` field to honour."""
        unknown = changes.keys() - _GAME_STATE_FIELDS
        if unknown:
            raise TypeError(f"GameState has no field {', '.join(sorted(unknown))}")
        copy = object.__new__(GameState)
        copy.__dict__.update(self.__dict__)
        copy.__dict__.update(changes)
        return copy


_GAME_STATE_FIELDS = frozenset(f.name for f in fields(GameState))
