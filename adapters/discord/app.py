"""``build_bot``: the one place the Discord bot is put together (used by ``entry`` and tests)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from discord import app_commands

from adapters.discord.access import PLATFORM
from adapters.discord.buttons import DYNAMIC_ITEMS
from adapters.discord.context import RebuttalBot, Services
from adapters.discord.game_commands import game_commands
from adapters.discord.leaderboard_commands import leaderboard_groups
from adapters.discord.presenter import DiscordPresenter
from adapters.discord.results import results_commands
from adapters.discord.round_presenter import DiscordRoundPresenter
from adapters.discord.schedule_commands import schedule_group
from adapters.discord.workspace_commands import workspace_commands
from bot.content.library import Library, load_library
from bot.games.runner import GameRunner
from bot.games.service import GameService, utc_now
from bot.rounds.leaderboards import LeaderboardService
from bot.rounds.scheduler import Scheduler
from bot.rounds.service import RoundService
from bot.store.database import Database
from bot.workspaces import WorkspaceService


def debate_group() -> app_commands.Group:
    group = app_commands.Group(name="debate", description="Rebuttal debates", guild_only=True)
    for command in [*game_commands(), *workspace_commands(), *results_commands()]:
        group.add_command(command)
    for subgroup in [schedule_group(), *leaderboard_groups()]:
        group.add_command(subgroup)
    return group


def build_bot(
    database: Database,
    *,
    library: Library | None = None,
    clock: Callable[[], datetime] = utc_now,
    counter_interval: float = 2.0,
    **client_options: Any,
) -> RebuttalBot:
    """A ready-to-start bot on ``database``; ``counter_interval`` bounds "N answered" edits.
    Games and daily rounds share ``clock``, so a test moves both with one hand."""
    bot = RebuttalBot(DYNAMIC_ITEMS, **client_options)
    games = GameService(database, clock)
    workspaces = WorkspaceService(database, library or load_library(), clock)
    presenter = DiscordPresenter(bot, games, counter_interval)
    rounds = RoundService(database, workspaces.library, clock)
    # Only this platform's schedules: a Slack bot on the same database posts its own.
    scheduler = Scheduler(rounds, DiscordRoundPresenter(bot), PLATFORM)
    runner = GameRunner(games, presenter)
    bot.attach(Services(games, workspaces, runner, presenter, rounds, scheduler, LeaderboardService(database, clock)))
    bot.tree.add_command(debate_group())
    return bot
