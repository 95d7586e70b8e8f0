"""What a click or a control command does: one engine command, the private reply first,
then the effects for everyone (``GameRunner.present``).

The interaction id is the event id, so a redelivered interaction is applied once.
"""

from __future__ import annotations

import discord

from adapters.discord.access import NotInServer, caller_of, teacher_check
from adapters.discord.context import Services, serving
from adapters.discord.replies import NO_MENTIONS, tell
from bot.engine.commands import Advanced, Ended, Paused, PlayerAnswered, Resumed, Skipped
from bot.engine.state import Phase, Status
from bot.store.records import GameNotFound, GameRef

CONTROLS: dict[str, type[Advanced | Paused | Resumed | Skipped | Ended]] = {
    "next": Advanced, "pause": Paused, "resume": Resumed, "skip": Skipped, "end": Ended,
}
NO_GAME = "This debate no longer exists."
STALE = "That button belongs to an earlier step; use the newest message in the thread."


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
    try:
        outcome = await services.games.handle(ref, command, event_id=str(interaction.id))
    except GameNotFound:
        await tell(interaction, NO_GAME)
        return
    await tell(interaction, outcome.reply or "Noted.")
    await services.runner.present(ref, outcome)


async def control_game(
    interaction: discord.Interaction, game: int | None, action: str, *, drawn_for: tuple[int, Phase] | None = None
) -> None:
    """Next/pause/resume/skip/end for ``game`` (``None``: the game running where it was typed)."""
    async with serving(interaction) as services:
        await _control_game(services, interaction, game, action, drawn_for)


async def _control_game(
    services: Services, interaction: discord.Interaction, game: int | None, action: str,
    drawn_for: tuple[int, Phase] | None,
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
    async with services.controls.hold(ref):
        try:
            state = await services.games.load(ref)
        except GameNotFound:
            await tell(interaction, NO_GAME)
            return
        stale = drawn_for is not None and drawn_for != (state.step, state.phase)
        if stale and action in ("next", "skip") and state.status is Status.RUNNING:
            await tell(interaction, STALE)  # a second "Next" must not skip what others just reached
            return
        command = CONTROLS[action](caller.player.key, teacher, services.games.clock())
        outcome = await services.games.handle(ref, command, event_id=str(interaction.id))
        await tell(interaction, outcome.reply or "Done.")
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
