"""Commands: what can happen to a game, as plain values. Times come in; none are read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.engine.state import Phase


@dataclass(frozen=True)
class PlayerJoined:
    player: str
    name: str
    at: datetime


@dataclass(frozen=True)
class PlayerAnswered:
    player: str
    name: str
    step: int
    option: int
    at: datetime


@dataclass(frozen=True)
class DrawnFor:
    """The step and phase a control was drawn for: a button on a step's message, pressed
    after the game has moved on, must not move the game again (two quick "Next" clicks
    would otherwise skip the step everyone else just reached)."""

    step: int
    phase: Phase


@dataclass(frozen=True)
class HostCommand:
    """A control only the game's host or a teacher may give. ``drawn_for`` is set when the
    control came from a button drawn for one step; a typed command (``/debate next``)
    means "whatever is current" and leaves it ``None``."""

    actor: str
    actor_is_teacher: bool
    at: datetime
    drawn_for: DrawnFor | None = None


@dataclass(frozen=True)
class Advanced(HostCommand):
    """Close the open question, or move on to the next step."""


@dataclass(frozen=True)
class Skipped(HostCommand):
    """Move straight to the next step, closing an open question on the way."""


@dataclass(frozen=True)
class Paused(HostCommand):
    pass


@dataclass(frozen=True)
class Resumed(HostCommand):
    pass


@dataclass(frozen=True)
class Ended(HostCommand):
    pass


@dataclass(frozen=True)
class DeadlinePassed:
    """A timer armed for ``(step, phase)`` fired; stale timers are refused."""

    step: int
    phase: Phase
    at: datetime


ControlCommand = Advanced | Skipped | Paused | Resumed | Ended
Command = PlayerJoined | PlayerAnswered | Advanced | Skipped | Paused | Resumed | Ended | DeadlinePassed
