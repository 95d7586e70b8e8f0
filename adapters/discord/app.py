"""``build_bot``: the one place the Discord bot is put together (used by ``entry`` and tests)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from discord import app_commands

from adapters.discord.access import PLATFORM
from adapters.discord.buttons import ROUTES
from adapters.discord.context import RebuttalBot, ShardedRebuttalBot
from adapters.discord.game_commands import game_commands
from adapters.discord.leaderboard_commands import leaderboard_groups
from adapters.discord.presenter import DiscordPresenter
from adapters.discord.results import results_commands
from adapters.discord.round_presenter import DiscordRoundPresenter
from adapters.discord.schedule_commands import schedule_group
from adapters.discord.workspace_commands import workspace_commands
from bot.composition import build_core
from bot.content.library import Library, load_library
from bot.games.service import utc_now
from bot.store.interface import Store


def debate_group() -> app_commands.Group:
    group = app_commands.Group(name="debate", description="Rebuttal debates", guild_only=True)
    for command in [*game_commands(), *workspace_commands(), *results_commands()]:
        group.add_command(command)
    for subgroup in [schedule_group(), *leaderboard_groups()]:
        group.add_command(subgroup)
    return group


def build_bot(
    database: Store,
    *,
    library: Library | None = None,
    clock: Callable[[], datetime] = utc_now,
    counter_interval: float = 2.0,
    web_url: str | None = None,
    **client_options: Any,
) -> RebuttalBot:
    """A ready-to-start bot on ``database``; ``counter_interval`` bounds "N answered" edits;
    ``client_options`` go to discord.py (``shard_ids`` and ``shard_count`` run some shards)."""
    # Sharded (``shard_ids``, ``shard_count`` given): only those shards' servers reach this process.
    kind = ShardedRebuttalBot if client_options.get("shard_ids") is not None else RebuttalBot
    bot = kind(ROUTES, **client_options)
    core = build_core(
        database,
        library or load_library(),
        platform=PLATFORM,
        game_presenter=lambda games: DiscordPresenter(bot, games, counter_interval),
        round_presenter=lambda rounds: DiscordRoundPresenter(bot),
        clock=clock,
        web_url=web_url,
    )
    bot.attach(core)
    bot.tree.add_command(debate_group())
    return bot
