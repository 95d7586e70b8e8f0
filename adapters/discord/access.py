"""Who is acting: their workspace, their player identity and whether they count as a teacher.

A teacher is anyone with Manage Server or Manage Channels, the role set with
``/debate settings``, or a user listed in the workspace's teacher settings.
"""

from __future__ import annotations

from dataclasses import dataclass

import discord

from adapters.discord.context import Services
from adapters.discord.replies import tell
from bot.identity import Player
from bot.store.records import TeacherSettings

PLATFORM = "discord"


class NotInServer(Exception):
    """The interaction did not come from a server (a DM): there is no classroom there."""


@dataclass(frozen=True)
class Caller:
    workspace_id: int
    player: Player
    name: str


async def caller_of(services: Services, interaction: discord.Interaction) -> Caller:
    if interaction.guild_id is None:
        raise NotInServer
    guild = str(interaction.guild_id)
    workspace_id = await services.games.workspace_id(PLATFORM, guild)
    player = Player(PLATFORM, guild, str(interaction.user.id))
    return Caller(workspace_id, player, interaction.user.display_name)


async def caller_or_tell(services: Services, interaction: discord.Interaction) -> Caller | None:
    """The caller, or ``None`` once they have been told (privately) to use a server."""
    try:
        return await caller_of(services, interaction)
    except NotInServer:
        await tell(interaction, "Use /debate in a server.")
        return None


def can_manage(interaction: discord.Interaction) -> bool:
    """Server managers: Manage Server or Manage Channels (Discord folds Administrator in)."""
    permissions = interaction.permissions
    return permissions.manage_guild or permissions.manage_channels


def is_teacher(interaction: discord.Interaction, settings: TeacherSettings) -> bool:
    if can_manage(interaction) or str(interaction.user.id) in settings.teacher_users:
        return True
    member = interaction.user
    if settings.teacher_role is None or not isinstance(member, discord.Member):
        return False
    return any(str(role.id) == settings.teacher_role for role in member.roles)


async def teacher_check(services: Services, interaction: discord.Interaction, caller: Caller) -> bool:
    return is_teacher(interaction, await services.workspaces.teacher_settings(caller.workspace_id))


TEACHERS_ONLY = (
    "Only teachers can do that: members with Manage Server or Manage Channels, "
    "or the teacher role set with /debate settings."
)


async def teacher_or_tell(services: Services, interaction: discord.Interaction) -> Caller | None:
    """The caller if they count as a teacher here; otherwise ``None`` once they have been told why not."""
    caller = await caller_or_tell(services, interaction)
    if caller is None:
        return None
    if not await teacher_check(services, interaction, caller):
        await tell(interaction, TEACHERS_ONLY)
        return None
    return caller
