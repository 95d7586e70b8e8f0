"""What Slack button ids carry, so a click routes to its game even after a restart.

Every interactive element names its game (and step and option) in its ``action_id`` and
``value``; the workspace comes from the team id Slack sends, never from the button, so a
value copied into another workspace opens nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.engine.commands import DrawnFor
from bot.games.controls import PHASE_CODES, PHASES_BY_CODE, Control

ANSWER_PREFIX = "answer"
HOST_PREFIX = "host"
SHARE_PREFIX = "results-share"
FORGET_ACTION = "forget-me:confirm"
IMPORT_CALLBACK = "rebuttal-import"
IMPORT_BLOCK = "content"  # the first box; problems are shown under it
IMPORT_INPUT = "text"
# Boxes of 3,000 characters each (Slack's limit per text box; a form may hold 100 blocks): the
# longest shipped card, with its author decoys, fills 16 (tests/slack/test_restart_and_import.py).
IMPORT_PARTS = 20


def import_block(part: int) -> str:
    """The block id of box ``part`` (1-based) of the import form."""
    return IMPORT_BLOCK if part == 1 else f"{IMPORT_BLOCK}-{part}"


# Every number is bounded (18 digits fit SQLite's 64-bit integers; a step or an option is far
# smaller) and every pattern is anchored with \A…\Z: ``$`` also matches before a trailing
# newline. Bolt matches with ``re.search``, so the anchors make it a whole-string match.
GAME = "[0-9]{1,18}"
ANSWER_FORM = rf"{ANSWER_PREFIX}:{GAME}:[0-9]{{1,6}}:[0-9]{{1,3}}"
# host:<game>:<step>:<phase>:<control>; buttons posted before controls carried their step
# (host:<game>:<control>) still work, as typed controls do.
HOST_FORM = rf"{HOST_PREFIX}:{GAME}(?::[0-9]{{1,6}}:[sor])?:[a-z]{{1,10}}"
SHARE_FORM = rf"{SHARE_PREFIX}:{GAME}"
ANSWER_ACTION = re.compile(rf"\A{ANSWER_FORM}\Z")
HOST_ACTION = re.compile(rf"\A{HOST_FORM}\Z")
SHARE_ACTION = re.compile(rf"\A{SHARE_FORM}\Z")
# Anything else that claims to be a game button (damaged, forged, too long): it gets a
# private "not recognised" instead of no answer at all. The lookahead keeps it off the valid
# forms, so it may be registered before or after their listeners.
UNRECOGNISED_GAME_ACTION = re.compile(
    rf"\A(?!(?:{ANSWER_FORM}|{HOST_FORM}|{SHARE_FORM})\Z)(?:{ANSWER_PREFIX}|{HOST_PREFIX}|{SHARE_PREFIX}):"
)


@dataclass(frozen=True)
class AnswerButton:
    game_id: int
    step: int
    option: int

    @property
    def action_id(self) -> str:
        # action_ids must be unique within a message, so the option is part of it.
        return f"{ANSWER_PREFIX}:{self.game_id}:{self.step}:{self.option}"

    @property
    def value(self) -> str:
        return f"{self.game_id}:{self.step}:{self.option}"

    @classmethod
    def parse(cls, action_id: str) -> AnswerButton | None:
        if not ANSWER_ACTION.fullmatch(action_id):
            return None
        _, game, step, option = action_id.split(":")
        return cls(int(game), int(step), int(option))


@dataclass(frozen=True)
class HostButton:
    """A host control drawn for one step and phase of a game (see ``bot.games.controls``)."""

    game_id: int
    control: Control
    drawn_for: DrawnFor | None

    @property
    def action_id(self) -> str:
        if self.drawn_for is None:
            return f"{HOST_PREFIX}:{self.game_id}:{self.control.value}"
        step, phase = self.drawn_for.step, PHASE_CODES[self.drawn_for.phase]
        return f"{HOST_PREFIX}:{self.game_id}:{step}:{phase}:{self.control.value}"

    @classmethod
    def parse(cls, action_id: str) -> HostButton | None:
        if not HOST_ACTION.fullmatch(action_id):
            return None
        parts = action_id.split(":")
        try:
            control = Control(parts[-1])
        except ValueError:
            return None
        drawn_for = DrawnFor(int(parts[2]), PHASES_BY_CODE[parts[3]]) if len(parts) == 5 else None
        return cls(int(parts[1]), control, drawn_for)


@dataclass(frozen=True)
class ShareButton:
    """A teacher's "share the anonymous summary" button; it names only the game."""

    game_id: int

    @property
    def action_id(self) -> str:
        return f"{SHARE_PREFIX}:{self.game_id}"

    @classmethod
    def parse(cls, action_id: str) -> ShareButton | None:
        if not SHARE_ACTION.fullmatch(action_id):
            return None
        return cls(int(action_id.split(":")[1]))


@dataclass(frozen=True)
class ThreadRef:
    """A game's thread as stored with the game: ``channel/ts`` of its parent message."""

    channel: str
    ts: str

    def __str__(self) -> str:
        return f"{self.channel}/{self.ts}"

    @classmethod
    def parse(cls, stored: str | None) -> ThreadRef | None:
        if not stored or "/" not in stored:
            return None
        channel, ts = stored.split("/", 1)
        return cls(channel, ts)


# --- daily rounds -------------------------------------------------------------------------
# A round's buttons name the round, and inside the private view the step (and option) the
# button acts on: never a score or a position, which live in the database.
ROUND_PREFIX = "round"
ROUND_CALLBACK = "rebuttal-round"  # the private round view (a modal)
PLAY_ACTION = re.compile(rf"\A{ROUND_PREFIX}-play:{GAME}\Z")
ROUND_ANSWER_ACTION = re.compile(rf"\A{ROUND_PREFIX}-answer:{GAME}:[0-9]{{1,6}}:[0-9]{{1,3}}\Z")
ROUND_CONTINUE_ACTION = re.compile(rf"\A{ROUND_PREFIX}-continue:{GAME}:[0-9]{{1,6}}\Z")
# Anything else that claims to be a round button (damaged, forged, from a newer version).
ANY_ROUND_ACTION = re.compile(rf"\A{ROUND_PREFIX}-")


@dataclass(frozen=True)
class RoundButton:
    """Play (no step), Continue (a step) or an answer (a step and an option) of one round."""

    round_id: int
    step: int | None = None
    option: int | None = None

    @property
    def action_id(self) -> str:
        if self.step is None:
            return f"{ROUND_PREFIX}-play:{self.round_id}"
        if self.option is None:
            return f"{ROUND_PREFIX}-continue:{self.round_id}:{self.step}"
        return f"{ROUND_PREFIX}-answer:{self.round_id}:{self.step}:{self.option}"

    @property
    def value(self) -> str:
        return str(self.round_id)

    @classmethod
    def parse(cls, action_id: str) -> RoundButton | None:
        patterns = (PLAY_ACTION, ROUND_ANSWER_ACTION, ROUND_CONTINUE_ACTION)
        if not any(pattern.fullmatch(action_id) for pattern in patterns):
            return None
        numbers = [int(part) for part in action_id.split(":")[1:]]
        return cls(*numbers)
