"""The game's buttons: the ids they carry, how they are drawn, and where their clicks go.

Each ``custom_id`` carries everything a click needs, so a click on a message posted before a
restart still reaches its game (``routing.route_click`` matches the id against ``ROUTES``):

* ``rebuttal:answer:<game>:<step>:<option>`` — a player's answer;
* ``rebuttal:host:<game>:<step>:<phase>:<action>`` — a host control, stamped with the step
  and phase it was drawn for, so a stale "Next" cannot skip a step someone else just reached;
* ``rebuttal:forget:<user>`` — confirms ``/debate forget-me`` for that user only;
* ``rebuttal:share:<game>`` — a teacher shares a game's anonymous summary (``results``);
* ``rebuttal:round:…`` — daily rounds: Play, and a player's private answers (``round_interactions``).

The workspace is never in a ``custom_id``: it comes from the server the click came from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import discord

from adapters.discord import interactions
from adapters.discord.results import SHARE_ROUTE
from adapters.discord.round_interactions import ROUND_ROUTES
from adapters.discord.routing import Button, Route, drawn_view
from bot.engine.commands import DrawnFor
from bot.engine.script import Step
from bot.engine.state import Phase, Status
from bot.games.controls import PHASE_CODES, PHASES_BY_CODE, Control, controls_shown

OPTIONS_PER_ROW = 5


# Every number is bounded: 18 digits fit SQLite's integers, 20 a snowflake.
ANSWER_ID = re.compile(r"rebuttal:answer:(?P<game>[0-9]{1,18}):(?P<step>[0-9]{1,6}):(?P<option>[0-9]{1,3})")
HOST_ID = re.compile(
    rf"rebuttal:host:(?P<game>[0-9]{{1,18}}):(?P<step>[0-9]{{1,6}}):(?P<phase>[sor]):(?P<action>{'|'.join(Control)})"
)
FORGET_ID = re.compile(r"rebuttal:forget:(?P<user>[0-9]{1,20})")


def answer_button(
    game: int,
    step: int,
    option: int,
    *,
    label: str = "?",
    row: int | None = None,
    disabled: bool = False,
    style: discord.ButtonStyle = discord.ButtonStyle.secondary,
) -> Button:
    custom_id = f"rebuttal:answer:{game}:{step}:{option}"
    return discord.ui.Button(label=label, custom_id=custom_id, row=row, disabled=disabled, style=style)


def host_button(game: int, step: int, phase: Phase, control: Control, *, row: int | None = None) -> Button:
    custom_id = f"rebuttal:host:{game}:{step}:{PHASE_CODES[phase]}:{control.value}"
    return discord.ui.Button(label=control.value.title(), custom_id=custom_id, row=row)


def forget_button(user: int) -> Button:
    return discord.ui.Button(
        label="Delete my data", style=discord.ButtonStyle.danger, custom_id=f"rebuttal:forget:{user}"
    )


async def _answer_clicked(interaction: discord.Interaction, match: re.Match[str]) -> None:
    await interactions.answer(interaction, int(match["game"]), int(match["step"]), int(match["option"]))


async def _host_clicked(interaction: discord.Interaction, match: re.Match[str]) -> None:
    drawn_for = DrawnFor(int(match["step"]), PHASES_BY_CODE[match["phase"]])
    await interactions.control_game(interaction, int(match["game"]), Control(match["action"]), drawn_for=drawn_for)


async def _forget_clicked(interaction: discord.Interaction, match: re.Match[str]) -> None:
    await interactions.forget(interaction, int(match["user"]))


ROUTES: tuple[Route, ...] = (
    Route(ANSWER_ID, _answer_clicked),
    Route(HOST_ID, _host_clicked),
    Route(FORGET_ID, _forget_clicked),
    SHARE_ROUTE,
    *ROUND_ROUTES,
)


def step_view(
    game: int, step: Step, labels: Sequence[str], phase: Phase, *, correct_option: int | None = None
) -> discord.ui.View:
    """Answer buttons (disabled once revealed, the right one marked) and the host controls."""
    closed = phase is Phase.REVEALED
    buttons: list[Button] = []
    for index, label in enumerate(labels):
        style = discord.ButtonStyle.success if closed and index == correct_option else discord.ButtonStyle.secondary
        row = index // OPTIONS_PER_ROW
        buttons.append(answer_button(game, step.index, index, label=label, row=row, disabled=closed, style=style))
    control_row = (len(labels) + OPTIONS_PER_ROW - 1) // OPTIONS_PER_ROW
    for control in controls_shown(Status.RUNNING):
        buttons.append(host_button(game, step.index, phase, control, row=control_row))
    return drawn_view(buttons)


def paused_view(game: int, step: int, phase: Phase) -> discord.ui.View:
    return drawn_view([host_button(game, step, phase, control) for control in controls_shown(Status.PAUSED)])


def forget_view(user: int) -> discord.ui.View:
    return drawn_view([forget_button(user)])
