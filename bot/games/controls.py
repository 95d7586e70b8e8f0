"""Host controls, once for every platform: which controls a game shows, the engine command
each one gives, and how a button names the step and phase it was drawn for.

A control drawn on a button carries its step and phase (``DrawnFor``); the engine refuses
Next/Skip from a button drawn for a step the game has left, inside the same transaction
that would move the game, so two quick clicks can never skip a step, in one process or
many. A typed control (``/debate next``) means "the current step" and carries none.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from bot.engine.commands import Advanced, ControlCommand, DrawnFor, Ended, Paused, Resumed, Skipped
from bot.engine.state import Phase, Status


class Control(StrEnum):
    NEXT = "next"
    PAUSE = "pause"
    RESUME = "resume"
    SKIP = "skip"
    END = "end"


_COMMANDS: dict[Control, type[ControlCommand]] = {
    Control.NEXT: Advanced,
    Control.PAUSE: Paused,
    Control.RESUME: Resumed,
    Control.SKIP: Skipped,
    Control.END: Ended,
}

# One letter per phase keeps button ids short (Discord allows 100 characters, Slack 255).
PHASE_CODES: dict[Phase, str] = {Phase.SHOWN: "s", Phase.OPEN: "o", Phase.REVEALED: "r"}
PHASES_BY_CODE: dict[str, Phase] = {code: phase for phase, code in PHASE_CODES.items()}


def control_command(
    control: Control, actor: str, actor_is_teacher: bool, at: datetime, drawn_for: DrawnFor | None = None
) -> ControlCommand:
    """The engine command for ``control`` pressed (or typed) by ``actor``."""
    return _COMMANDS[control](actor, actor_is_teacher, at, drawn_for)


def controls_shown(status: Status) -> tuple[Control, ...]:
    """The controls a game offers in ``status``: none once it has ended, and only Resume and
    End while paused (Next and Skip would be refused then)."""
    if status is Status.RUNNING:
        return (Control.NEXT, Control.PAUSE, Control.SKIP, Control.END)
    if status is Status.PAUSED:
        return (Control.RESUME, Control.END)
    return ()
