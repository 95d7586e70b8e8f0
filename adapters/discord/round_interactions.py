"""A player's private walk through a daily round, and the buttons that drive it.

* ``rebuttal:round:play:<round>`` — "Play today's round" on the public announcement: opens the
  clicker's private view (a new ephemeral message), at the start or where they left off;
* ``rebuttal:round:answer:<round>:<step>:<option>`` and ``rebuttal:round:continue:<round>:<step>``
  — on that private message: each click is one ``RoundService`` call, committed before the
  reply, and the reply replaces the private message with the next card.

Ids carry only what routes a click after a restart; the player comes from the click and their
place in the round from the database. A click drawn for an earlier step is refused by the
core ("You've already answered that one.") and the message then shows where they really are.
"""

from __future__ import annotations

import re

import discord

from adapters.discord.access import NotInServer, caller_of
from adapters.discord.context import Services, serving
from adapters.discord.replies import NO_MENTIONS, safe, tell
from adapters.discord.round_render import option_labels, private_embed
from adapters.discord.routing import Button, Route, drawn_view
from bot.rounds.presentation import CONTINUE_LABEL, PLAY_LABEL, Action, PrivateCard, private_card
from bot.rounds.service import PrivateView, RoundError

OPTIONS_PER_ROW = 5
IN_SERVERS = "Daily rounds are played in servers."

PLAY_ID = re.compile(r"rebuttal:round:play:(?P<round>[0-9]{1,18})")
ROUND_ANSWER_ID = re.compile(
    r"rebuttal:round:answer:(?P<round>[0-9]{1,18}):(?P<step>[0-9]{1,6}):(?P<option>[0-9]{1,3})"
)
CONTINUE_ID = re.compile(r"rebuttal:round:continue:(?P<round>[0-9]{1,18}):(?P<step>[0-9]{1,6})")


def play_button(round_id: int) -> Button:
    style = discord.ButtonStyle.primary
    return discord.ui.Button(label=PLAY_LABEL, style=style, custom_id=f"rebuttal:round:play:{round_id}")


def round_answer_button(round_id: int, step: int, option: int, *, label: str = "?", row: int | None = None) -> Button:
    return discord.ui.Button(label=label, custom_id=f"rebuttal:round:answer:{round_id}:{step}:{option}", row=row)


def continue_button(round_id: int, step: int) -> Button:
    style = discord.ButtonStyle.primary
    return discord.ui.Button(label=CONTINUE_LABEL, style=style, custom_id=f"rebuttal:round:continue:{round_id}:{step}")


async def _play_clicked(interaction: discord.Interaction, match: re.Match[str]) -> None:
    await _clicked(interaction, int(match["round"]), None, None)


async def _answer_clicked(interaction: discord.Interaction, match: re.Match[str]) -> None:
    await _clicked(interaction, int(match["round"]), int(match["step"]), int(match["option"]))


async def _continue_clicked(interaction: discord.Interaction, match: re.Match[str]) -> None:
    await _clicked(interaction, int(match["round"]), int(match["step"]), None)


ROUND_ROUTES = (
    Route(PLAY_ID, _play_clicked),
    Route(ROUND_ANSWER_ID, _answer_clicked),
    Route(CONTINUE_ID, _continue_clicked),
)


def play_view(round_id: int) -> discord.ui.View:
    return drawn_view([play_button(round_id)])


def private_buttons(view: PrivateView, card: PrivateCard) -> discord.ui.View | None:
    """The buttons of a private card: one per option, or Continue, or none at the end."""
    round_id = view.round.id
    if card.action is Action.NONE:
        return None
    if card.action is Action.CONTINUE:
        return drawn_view([continue_button(round_id, card.step)])
    labels = option_labels(view, card)
    return drawn_view(
        [
            round_answer_button(round_id, card.step, index, label=label, row=index // OPTIONS_PER_ROW)
            for index, label in enumerate(labels)
        ]
    )


async def _clicked(interaction: discord.Interaction, round_id: int, step: int | None, option: int | None) -> None:
    async with serving(interaction) as services:
        await _move(services, interaction, round_id, step, option)


async def _move(
    services: Services, interaction: discord.Interaction, round_id: int, step: int | None, option: int | None
) -> None:
    """Play (no step), answer (a step and an option) or Continue (a step only)."""
    try:
        caller = await caller_of(services, interaction)
    except NotInServer:
        await tell(interaction, IN_SERVERS)
        return
    rounds = services.rounds
    try:
        if step is None:
            view = await rounds.play(round_id, caller.player, caller.name)
        elif option is None:
            view = await rounds.carry_on(round_id, caller.player, caller.name, step)
        else:
            view = await rounds.answer(round_id, caller.player, caller.name, step, option)
    except RoundError as refusal:
        await tell(interaction, str(refusal))
        return
    await _show(interaction, view, replace=step is not None)


async def _show(interaction: discord.Interaction, view: PrivateView, *, replace: bool) -> None:
    """Draw ``view`` privately: in place of the clicked private message, or as a new one."""
    card = private_card(view)
    embed = private_embed(view, card)
    buttons = private_buttons(view, card)
    content = safe(card.note) if card.note else None
    message = interaction.message
    # Only a private message is replaced: a round button forged onto a public post must not
    # turn that post into someone's private card.
    if replace and message is not None and message.flags.ephemeral:
        await interaction.response.edit_message(
            content=content, embed=embed, view=buttons, allowed_mentions=NO_MENTIONS
        )
    elif buttons is None:
        await interaction.response.send_message(content, embed=embed, ephemeral=True, allowed_mentions=NO_MENTIONS)
    else:
        await interaction.response.send_message(
            content, embed=embed, view=buttons, ephemeral=True, allowed_mentions=NO_MENTIONS
        )
