"""What a click or a control command does: one engine command, the private reply first,
then the effects for everyone (``GameRunner.present``).

The interaction id is the event id, so a redelivered interaction is applied once.
"""

from __future__ import annotations

import discord

from adapters.discord.access import NotInServer, caller_of, teacher_check
from adapters.discord.context import Services, serving
from adapters.discord.replies import NO_MENTIONS, tell
from bot.engine.commands import Command, DrawnFor, PlayerAnswered
from bot.games.controls import Control, control_command
from bot.store.records import GameNotFound, GameRef

NO_GAME = "This debate no longer exists."


async def answer(interaction: discord.Interaction, game: int, step: int, option: int) -> None:
    async with serving(interaction) as services:
        await _answer(services, interaction, game, step, option)


async def _answer(services: Services, interaction: discord.Interaction, game: int, step: int, option: int) -> None:
    try:
        caller = await caller_of(services, interaction)
    except NotInServer:
        await tell(interaction, "Debates are played in servers.")
        return
    ref = GameRef(caller.workspace_id, game)
    command = PlayerAnswered(caller.player.key, caller.name, step, option, services.games.clock())
    await _submit(services, interaction, ref, command, "Noted.")


async def control_game(
    interaction: discord.Interaction, game: int | None, control: Control, *, drawn_for: DrawnFor | None = None
) -> None:
    """Next/pause/resume/skip/end for ``game`` (``None``: the game running where it was typed)."""
    async with serving(interaction) as services:
        await _control_game(services, interaction, game, control, drawn_for)


async def _control_game(
    services: Services,
    interaction: discord.Interaction,
    game: int | None,
    control: Control,
    drawn_for: DrawnFor | None,
) -> None:
    try:
        caller = await caller_of(services, interaction)
    except NotInServer:
        await tell(interaction, "Debates are played in servers.")
        return
    if game is None:
        ref = await services.games.live_game_at(caller.workspace_id, str(interaction.channel_id))
        if ref is None:
            await tell(interaction, "No debate is running here. Use this in a debate's thread or channel.")
            return
    else:
        ref = GameRef(caller.workspace_id, game)
    teacher = await teacher_check(services, interaction, caller)
    # A stale button (drawn for a step the game has left) is refused by the engine, inside
    # the transaction that would otherwise move the game.
    command = control_command(control, caller.player.key, teacher, services.games.clock(), drawn_for)
    await _submit(services, interaction, ref, command, "Done.")


async def _submit(
    services: Services, interaction: discord.Interaction, ref: GameRef, command: Command, fallback: str
) -> None:
    """Apply ``command`` (the interaction id is the event id), tell the sender privately
    first, then draw the effects for everyone."""
    try:
        outcome = await services.games.handle(ref, command, event_id=str(interaction.id))
    except GameNotFound:
        await tell(interaction, NO_GAME)
        return
    await tell(interaction, outcome.reply or fallback)
    await services.runner.present(ref, outcome)


async def forget(interaction: discord.Interaction, user: int) -> None:
    async with serving(interaction) as services:
        await _forget(services, interaction, user)


async def _forget(services: Services, interaction: discord.Interaction, user: int) -> None:
    if interaction.user.id != user:
        await tell(interaction, "Only the person who asked can confirm this.")
        return
    try:
        caller = await caller_of(services, interaction)
    except NotInServer:
        await tell(interaction, "Run /debate forget-me in the server whose data you want deleted.")
        return
    deleted = await services.workspaces.forget_player(caller.workspace_id, caller.player.user_id)
    await interaction.response.edit_message(
        content=f"Done: your answers and scores in this server are deleted ({deleted} records).",
        view=None,
        allowed_mentions=NO_MENTIONS,
    )
