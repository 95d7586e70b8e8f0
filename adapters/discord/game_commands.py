"""``/debate start`` and the typed controls ``/debate next|pause|resume|skip|end``."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Coroutine
from typing import Any, Literal

import discord
from discord import app_commands

from adapters.discord import interactions
from adapters.discord.access import PLATFORM, TEACHERS_ONLY, NotInServer, caller_of, teacher_check
from adapters.discord.context import Services, serving
from adapters.discord.replies import safe, tell
from bot.engine.state import GameSettings, Mode
from bot.games.controls import Control
from bot.identity import Venue
from bot.store.records import ChannelBusy

THREAD_NAME_LIMIT = 100
CHOICES_LIMIT = 25
NO_THREAD_PERMISSION = (
    "I can't open a thread in this channel: give me View Channel, Embed Links, "
    "Create Public Threads and Send Messages in Threads here."
)


async def complete_debate(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Debates of this server's library whose id or question contains what was typed."""
    async with serving(interaction) as services:
        return await _complete_debate(services, interaction, current)


async def _complete_debate(
    services: Services, interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    try:
        caller = await caller_of(services, interaction)
    except NotInServer:
        return []
    library = await services.workspaces.library(caller.workspace_id)
    typed = current.casefold().strip()
    found = [p for p in library.packs.values() if typed in p.id or typed in p.question.casefold()]
    found.sort(key=lambda p: p.question.casefold())
    return [app_commands.Choice(name=p.question[:100], value=p.id) for p in found[:CHOICES_LIMIT]]


@app_commands.describe(
    debate="Which debate (start typing to search this server's library)",
    mode="classroom: the host moves on; timed: everything runs on timers",
    timer="Seconds per question (5-3600); timed mode defaults to 30",
    speed_bonus="Faster correct predictions earn more (down to half at the end of the timer)",
    streak_bonus="+10% per earlier correct prediction in a row, at most +50%",
)
async def start(
    interaction: discord.Interaction,
    debate: str,
    mode: Literal["classroom", "timed"] = "classroom",
    timer: app_commands.Range[int, 5, 3600] | None = None,
    speed_bonus: bool = False,
    streak_bonus: bool = False,
) -> None:
    async with serving(interaction) as services:
        settings = _settings(mode, timer, speed_bonus, streak_bonus)
        await _start(services, interaction, debate, settings)


def _settings(mode: str, timer: int | None, speed_bonus: bool, streak_bonus: bool) -> GameSettings | str:
    """The game's settings, or why they are not allowed."""
    try:
        return GameSettings(mode=Mode(mode), question_seconds=timer, speed_bonus=speed_bonus, streak_bonus=streak_bonus)
    except ValueError as error:
        reason = str(error)
        return reason[:1].upper() + reason[1:] + "."


async def _start(
    services: Services, interaction: discord.Interaction, debate: str, settings: GameSettings | str
) -> None:
    try:
        caller = await caller_of(services, interaction)
    except NotInServer:
        await tell(interaction, "Start debates in a server channel.")
        return
    if not await teacher_check(services, interaction, caller):
        await tell(interaction, TEACHERS_ONLY)
        return
    channel = interaction.channel
    if not isinstance(channel, discord.TextChannel):
        await tell(interaction, "Run /debate start in a text channel: the debate gets a thread there.")
        return
    library = await services.workspaces.library(caller.workspace_id)
    pack = library.packs.get(debate)
    if pack is None:
        await tell(interaction, f"There is no debate “{safe(debate)}” here; /debate library lists them.")
        return
    if isinstance(settings, str):
        await tell(interaction, settings)
        return
    # A cheap check first, for a message that links the running game and so that no thread is
    # opened in vain; correctness comes from the store's constraint in ``start_game``.
    running = await services.games.live_game_at(caller.workspace_id, str(channel.id))
    if running is not None:
        thread_ref = await services.games.thread_of(running)
        where = f" in <#{thread_ref}>" if thread_ref else ""
        await tell(interaction, f"A debate is already running here{where}; end it first (/debate end there).")
        return
    # Creating the thread and posting the first step can take a moment: acknowledge first.
    await interaction.response.defer(ephemeral=True, thinking=True)
    try:
        thread = await channel.create_thread(
            name=pack.question[:THREAD_NAME_LIMIT], type=discord.ChannelType.public_thread, auto_archive_duration=1440
        )
    except discord.Forbidden:
        await tell(interaction, NO_THREAD_PERMISSION)
        return
    venue = Venue(PLATFORM, caller.player.workspace_id, str(channel.id), str(thread.id))
    try:
        ref, outcome = await services.games.start_game(
            venue, caller.player, caller.name, pack, settings, seed=secrets.randbelow(2**31), channel_name=channel.name
        )
    except ChannelBusy:
        # Another start won the race after the check above; the store's constraint decided.
        await tell(interaction, "A debate is already running here; end it first (/debate end there).")
        return
    await services.games.set_thread(ref, str(thread.id))
    await tell(interaction, f"Started “{safe(pack.question)}” in {thread.mention}. You are the host.")
    await services.runner.present(ref, outcome)


async def next_step(interaction: discord.Interaction) -> None:
    await interactions.control_game(interaction, None, Control.NEXT)


async def pause(interaction: discord.Interaction) -> None:
    await interactions.control_game(interaction, None, Control.PAUSE)


async def resume(interaction: discord.Interaction) -> None:
    await interactions.control_game(interaction, None, Control.RESUME)


async def skip(interaction: discord.Interaction) -> None:
    await interactions.control_game(interaction, None, Control.SKIP)


async def end(interaction: discord.Interaction) -> None:
    await interactions.control_game(interaction, None, Control.END)


def game_commands() -> list[app_commands.Command[app_commands.Group, ..., None]]:
    """Fresh command objects (a command belongs to one tree, and tests build several bots)."""
    start_command: app_commands.Command[app_commands.Group, ..., None] = app_commands.Command(
        name="start", description="Start a debate in a new thread", callback=start
    )
    start_command.autocomplete("debate")(complete_debate)
    commands = [start_command]
    controls: list[tuple[str, str, Callable[..., Coroutine[Any, Any, None]]]] = [
        ("next", "Close the open question, or show the next step", next_step),
        ("pause", "Pause the debate here (timers stop)", pause),
        ("resume", "Resume the paused debate here", resume),
        ("skip", "Skip to the next step", skip),
        ("end", "End the debate here and show the scoreboard", end),
    ]
    for name, description, callback in controls:
        commands.append(app_commands.Command(name=name, description=description, callback=callback))
    return commands
