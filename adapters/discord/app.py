"""``build_bot``: the one place the Discord bot is put together (used by ``entry`` and tests)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from discord import app_commands

from adapters.discord.components import DYNAMIC_ITEMS
from adapters.discord.context import RebuttalBot, Services
from adapters.discord.game_commands import game_commands
from adapters.discord.presenter import DiscordPresenter
from adapters.discord.results import results_commands
from adapters.discord.workspace_commands import workspace_commands
from bot.content.library import Library, load_library
from bot.runner import GameRunner
from bot.service import GameService, utc_now
from bot.store.database import Database
from bot.workspaces import WorkspaceService


def debate_group() -> app_commands.Group:
    group = app_commands.Group(name="debate", description="Rebuttal debates", guild_only=True)
    for command in [*game_commands(), *workspace_commands(), *results_commands()]:
        group.add_command(command)
    return group


def build_bot(
    database: Database,
    *,
    library: Library | None = None,
    clock: Callable[[], datetime] = utc_now,
    counter_interval: float = 2.0,
    **client_options: Any,
) -> RebuttalBot:
    """A ready-to-start bot on ``database``; ``counter_interval`` bounds "N answered" edits."""
    bot = RebuttalBot(DYNAMIC_ITEMS, **client_options)
    games = GameService(database, clock)
    workspaces = WorkspaceService(database, library or load_library(), clock)
    presenter = DiscordPresenter(bot, games, counter_interval)
    bot.attach(Services(games, workspaces, GameRunner(games, presenter), presenter))
    bot.tree.add_command(debate_group())
    return bot
