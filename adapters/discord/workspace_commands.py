"""``/debate library|import|settings|forget-me``: the server's debates, teachers, and a
player's own data (daily-round leaderboards are in ``leaderboard_commands``)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import discord
from discord import app_commands

from adapters.discord.access import NotInServer, caller_of, caller_or_tell, can_manage, teacher_or_tell
from adapters.discord.buttons import forget_view
from adapters.discord.context import Services, serving
from adapters.discord.importing import read_upload
from adapters.discord.replies import MESSAGE_LIMIT, safe, tell
from bot.content.listing import known_tags
from bot.store.records import TeacherSettings


@app_commands.describe(tag="Only debates with this tag, e.g. national, economy (start typing to see the tags)")
async def library(interaction: discord.Interaction, tag: str | None = None) -> None:
    async with serving(interaction) as services:
        await _library(services, interaction, tag)


async def _library(services: Services, interaction: discord.Interaction, tag: str | None) -> None:
    caller = await caller_or_tell(services, interaction)
    if caller is None:
        return
    # The first listing loads a pronouncing dictionary (1.5-3 s): acknowledge first.
    await interaction.response.defer(ephemeral=True, thinking=True)
    shown = await services.workspaces.listing(caller.workspace_id, tag)
    if shown.problem is not None:
        await tell(interaction, safe(shown.problem))
        return
    heading = f"{safe(shown.heading)} (start one with /debate start). {safe(shown.tags_line)}"
    entries = [f"• `{e.id}` — {safe(e.question)}\n  {safe(e.summary())}" for e in shown.entries]
    for message in messages(heading, entries, MESSAGE_LIMIT):
        await tell(interaction, message)


def messages(heading: str, entries: list[str], limit: int) -> list[str]:
    """``heading`` then ``entries``, in as few messages of at most ``limit`` characters as
    they fit in, never splitting an entry (a long library reads on in a second message)."""
    found = [heading]
    for entry in entries:
        if len(found[-1]) + 1 + len(entry) <= limit:
            found[-1] += "\n" + entry
        else:
            found.append(entry)
    return found


async def complete_tag(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Tags of this server's library that contain what was typed."""
    async with serving(interaction) as services:
        try:
            caller = await caller_of(services, interaction)
        except NotInServer:
            return []
        library = await services.workspaces.library(caller.workspace_id)
    typed = current.casefold().strip()
    return [app_commands.Choice(name=t, value=t) for t in known_tags(library.packs.values()) if typed in t][:25]


@app_commands.describe(file="A card (.txt) or a pack file (.yaml, .yml, .json), at most 256 KiB")
async def import_debate(interaction: discord.Interaction, file: discord.Attachment) -> None:
    async with serving(interaction) as services:
        await _import_debate(services, interaction, file)


async def _import_debate(services: Services, interaction: discord.Interaction, file: discord.Attachment) -> None:
    caller = await teacher_or_tell(services, interaction)
    if caller is None:
        return
    await interaction.response.defer(ephemeral=True, thinking=True)
    result = await read_upload(file)
    if result.pack is not None:
        await services.workspaces.add_pack(caller.workspace_id, result.pack, caller.player.user_id)
    await tell(interaction, result.message)


@app_commands.describe(
    teacher_role="Members with this role count as teachers (start, control, import, results)",
    reset="Go back to the default: only Manage Server / Manage Channels",
)
async def settings(
    interaction: discord.Interaction, teacher_role: discord.Role | None = None, reset: bool = False
) -> None:
    async with serving(interaction) as services:
        await _settings(services, interaction, teacher_role, reset)


async def _settings(
    services: Services, interaction: discord.Interaction, teacher_role: discord.Role | None, reset: bool
) -> None:
    caller = await caller_or_tell(services, interaction)
    if caller is None:
        return
    current = await services.workspaces.teacher_settings(caller.workspace_id)
    if teacher_role is None and not reset:
        role = f"<@&{current.teacher_role}>" if current.teacher_role else "none"
        await tell(interaction, f"Teacher role: {role}. Members with Manage Server or Manage Channels always count.")
        return
    # Only server managers decide who teaches; a teacher role cannot widen itself.
    if not can_manage(interaction):
        await tell(interaction, "Only members with Manage Server or Manage Channels can change who is a teacher.")
        return
    chosen = None if reset else str(teacher_role.id) if teacher_role else None
    await services.workspaces.save_teacher_settings(caller.workspace_id, TeacherSettings(chosen, current.teacher_users))
    await tell(interaction, f"Teacher role set to <@&{chosen}>." if chosen else "Teacher role cleared.")


async def forget_me(interaction: discord.Interaction) -> None:
    if interaction.guild_id is None:
        await tell(interaction, "Run /debate forget-me in the server whose data you want deleted.")
        return
    await tell(
        interaction,
        "This deletes your answers and scores in every debate played in this server. It cannot be undone.",
        view=forget_view(interaction.user.id),
    )


def workspace_commands() -> list[app_commands.Command[app_commands.Group, ..., None]]:
    """Fresh command objects (a command belongs to one tree, and tests build several bots)."""
    specs: list[tuple[str, str, Callable[..., Coroutine[Any, Any, None]]]] = [
        ("library", "List this server's debates: tags, threads, playing time, reading level", library),
        ("import", "Add a debate from a card or pack file, for this server only (teachers)", import_debate),
        ("settings", "Show or set which role counts as teachers", settings),
        ("forget-me", "Delete your own answers and scores in this server", forget_me),
    ]
    commands: list[app_commands.Command[app_commands.Group, ..., None]] = [
        app_commands.Command(name=n, description=d, callback=c) for n, d, c in specs
    ]
    commands[0].autocomplete("tag")(complete_tag)
    return commands
