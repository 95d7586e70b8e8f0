"""Effects: what the outside world should do after a command, as plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ShowStep:
    """Post this step; a question step arrives open."""

    step: int


@dataclass(frozen=True)
class UpdateAnswerCount:
    """Show how many have answered the open question (never what they answered)."""

    step: int
    answered: int


@dataclass(frozen=True)
class RevealStep:
    """Close this question and show the room's tally (and the right answer, if scored)."""

    step: int
    tally: tuple[int, ...]
    correct_option: int | None


@dataclass(frozen=True)
class ScheduleDeadline:
    at: datetime
    step: int
    phase: str


@dataclass(frozen=True)
class CancelDeadline:
    pass


@dataclass(frozen=True)
class GamePaused:
    pass


@dataclass(frozen=True)
class GameResumed:
    pass


@dataclass(frozen=True)
class GameOver:
    """The game has ended; show the final scoreboard."""


Effect = (
    ShowStep | UpdateAnswerCount | RevealStep | ScheduleDeadline | CancelDeadline | GamePaused | GameResumed | GameOver
)
