"""Buttons whose ``custom_id`` carries everything a click needs, so discord.py can route a
click on a message posted before a restart (``DynamicItem``s are matched by pattern).

* ``rebuttal:answer:<game>:<step>:<option>`` — a player's answer;
* ``rebuttal:host:<game>:<step>:<phase>:<action>`` — a host control, stamped with the step
  and phase it was drawn for, so a stale "Next" cannot skip a step someone else just reached;
* ``rebuttal:forget:<user>`` — confirms ``/debate forget-me`` for that user only.

The workspace is never in a ``custom_id``: it comes from the server the click came from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import discord

from adapters.discord import plays
from bot.engine.script import Step
from bot.engine.state import Phase

Button = discord.ui.Button[discord.ui.View]
HOST_ACTIONS = ("next", "pause", "resume", "skip", "end")
PHASE_CODES = {Phase.SHOWN: "s", Phase.OPEN: "o", Phase.REVEALED: "r"}
PHASES = {code: phase for phase, code in PHASE_CODES.items()}
OPTIONS_PER_ROW = 5


class AnswerButton(
    discord.ui.DynamicItem[Button],
    template=r"rebuttal:answer:(?P<game>[0-9]{1,18}):(?P<step>[0-9]{1,6}):(?P<option>[0-9]{1,3})",
):
    def __init__(
        self, game: int, step: int, option: int, *, label: str = "?", row: int | None = None,
        disabled: bool = False, style: discord.ButtonStyle = discord.ButtonStyle.secondary,
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
        await plays.answer(interaction, self.game, self.step, self.option)


class HostButton(
    discord.ui.DynamicItem[Button],
    template=r"rebuttal:host:(?P<game>[0-9]{1,18}):(?P<step>[0-9]{1,6}):(?P<phase>[sor]):(?P<action>[a-z]+)",
):
    def __init__(self, game: int, step: int, phase: Phase, action: str, *, row: int | None = None) -> None:
        custom_id = f"rebuttal:host:{game}:{step}:{PHASE_CODES[phase]}:{action}"
        super().__init__(discord.ui.Button(label=action.title(), custom_id=custom_id, row=row))
        self.game, self.step, self.phase, self.action = game, step, phase, action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> HostButton:
        if match["action"] not in HOST_ACTIONS:
            raise ValueError(f"unknown host action {match['action']!r}")
        return cls(int(match["game"]), int(match["step"]), PHASES[match["phase"]], match["action"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await plays.control_game(interaction, self.game, self.action, drawn_for=(self.step, self.phase))


class ForgetButton(discord.ui.DynamicItem[Button], template=r"rebuttal:forget:(?P<user>[0-9]{1,20})"):
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
        await plays.forget(interaction, self.user)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (AnswerButton, HostButton, ForgetButton)


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
    for action in ("next", "pause", "skip", "end"):
        view.add_item(HostButton(game, step.index, phase, action, row=control_row))
    return view


def paused_view(game: int, step: int, phase: Phase) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for action in ("resume", "end"):
        view.add_item(HostButton(game, step, phase, action))
    return view


def forget_view(user: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ForgetButton(user))
    return view
