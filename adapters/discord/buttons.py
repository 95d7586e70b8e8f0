"""Buttons whose ``custom_id`` carries everything a click needs, so discord.py can route a
click on a message posted before a restart (``DynamicItem``s are matched by pattern).

* ``rebuttal:answer:<game>:<step>:<option>`` — a player's answer;
* ``rebuttal:host:<game>:<step>:<phase>:<action>`` — a host control, stamped with the step
  and phase it was drawn for, so a stale "Next" cannot skip a step someone else just reached;
* ``rebuttal:forget:<user>`` — confirms ``/debate forget-me`` for that user only;
* ``rebuttal:share:<game>`` — a teacher shares a game's anonymous summary (``results.ShareButton``);
* ``rebuttal:round:…`` — daily rounds: Play, and a player's private answers (``round_components``).

The workspace is never in a ``custom_id``: it comes from the server the click came from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import discord

from adapters.discord import interactions
from adapters.discord.replies import tell
from adapters.discord.results import SHARE_ID, ShareButton
from adapters.discord.round_interactions import ROUND_IDS, ROUND_ITEMS
from bot.engine.commands import DrawnFor
from bot.engine.script import Step
from bot.engine.state import Phase, Status
from bot.games.controls import PHASE_CODES, PHASES_BY_CODE, Control, controls_shown

Button = discord.ui.Button[discord.ui.View]
OPTIONS_PER_ROW = 5


# discord.py matches these templates with ``fullmatch`` (the whole id, a trailing newline
# included), and every number is bounded: 18 digits fit SQLite's integers, 20 a snowflake.
ANSWER_ID = re.compile(r"rebuttal:answer:(?P<game>[0-9]{1,18}):(?P<step>[0-9]{1,6}):(?P<option>[0-9]{1,3})")
HOST_ID = re.compile(
    rf"rebuttal:host:(?P<game>[0-9]{{1,18}}):(?P<step>[0-9]{{1,6}}):(?P<phase>[sor]):(?P<action>{'|'.join(Control)})"
)
FORGET_ID = re.compile(r"rebuttal:forget:(?P<user>[0-9]{1,20})")


class AnswerButton(discord.ui.DynamicItem[Button], template=ANSWER_ID):
    def __init__(
        self,
        game: int,
        step: int,
        option: int,
        *,
        label: str = "?",
        row: int | None = None,
        disabled: bool = False,
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    ) -> None:
        custom_id = f"rebuttal:answer:{game}:{step}:{option}"
        super().__init__(discord.ui.Button(label=label, custom_id=custom_id, row=row, disabled=disabled, style=style))
        self.game, self.step, self.option = game, step, option

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> AnswerButton:
        return cls(int(match["game"]), int(match["step"]), int(match["option"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await interactions.answer(interaction, self.game, self.step, self.option)


class HostButton(discord.ui.DynamicItem[Button], template=HOST_ID):
    def __init__(self, game: int, step: int, phase: Phase, control: Control, *, row: int | None = None) -> None:
        custom_id = f"rebuttal:host:{game}:{step}:{PHASE_CODES[phase]}:{control.value}"
        super().__init__(discord.ui.Button(label=control.value.title(), custom_id=custom_id, row=row))
        self.game, self.step, self.phase, self.control = game, step, phase, control

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> HostButton:
        return cls(int(match["game"]), int(match["step"]), PHASES_BY_CODE[match["phase"]], Control(match["action"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        drawn_for = DrawnFor(self.step, self.phase)
        await interactions.control_game(interaction, self.game, self.control, drawn_for=drawn_for)


class ForgetButton(discord.ui.DynamicItem[Button], template=FORGET_ID):
    def __init__(self, user: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Delete my data", style=discord.ButtonStyle.danger, custom_id=f"rebuttal:forget:{user}"
            )
        )
        self.user = user

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ForgetButton:
        return cls(int(match["user"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        await interactions.forget(interaction, self.user)


# DOTALL: without it ``.*`` stops at a newline, so an id with a trailing newline matched no
# item at all and the user saw Discord's "This interaction failed" instead of a reply.
ANY_ID = re.compile(r"rebuttal:(?P<rest>.*)", re.DOTALL)


class UnrecognisedButton(discord.ui.DynamicItem[Button], template=ANY_ID):
    """Any ``rebuttal:`` id the buttons above do not take (damaged, forged, or from an older
    version): a private "not recognised" instead of Discord's "This interaction failed".

    discord.py runs every item whose pattern matches, so this one stays silent when another
    item's pattern takes the id.
    """

    def __init__(self, custom_id: str) -> None:
        super().__init__(discord.ui.Button(label="?", custom_id=custom_id))
        self.custom_id_seen = custom_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> UnrecognisedButton:
        return cls(match.string)

    async def callback(self, interaction: discord.Interaction) -> None:
        known = (ANSWER_ID, HOST_ID, FORGET_ID, SHARE_ID, *ROUND_IDS)
        if any(pattern.fullmatch(self.custom_id_seen) for pattern in known):
            return
        await tell(interaction, "This button is not recognised any more; use the newest message in the thread.")


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    AnswerButton,
    HostButton,
    ForgetButton,
    ShareButton,
    *ROUND_ITEMS,
    UnrecognisedButton,
)


def step_view(
    game: int, step: Step, labels: Sequence[str], phase: Phase, *, correct_option: int | None = None
) -> discord.ui.View:
    """Answer buttons (disabled once revealed, the right one marked) and the host controls."""
    view = discord.ui.View(timeout=None)
    closed = phase is Phase.REVEALED
    for index, label in enumerate(labels):
        style = discord.ButtonStyle.success if closed and index == correct_option else discord.ButtonStyle.secondary
        row = index // OPTIONS_PER_ROW
        view.add_item(AnswerButton(game, step.index, index, label=label, row=row, disabled=closed, style=style))
    control_row = (len(labels) + OPTIONS_PER_ROW - 1) // OPTIONS_PER_ROW
    for control in controls_shown(Status.RUNNING):
        view.add_item(HostButton(game, step.index, phase, control, row=control_row))
    return view


def paused_view(game: int, step: int, phase: Phase) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for control in controls_shown(Status.PAUSED):
        view.add_item(HostButton(game, step, phase, control))
    return view


def forget_view(user: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ForgetButton(user))
    return view
