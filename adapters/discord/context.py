"""The bot object and the services its callbacks reach through ``interaction.client``.

Button clicks are routed by their ids (``routing.route_click``) from ``on_interaction``, and
commands by discord.py's command tree; either way a callback finds the services through the
client rather than through module-level state.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any

import discord
from discord import app_commands

from adapters.discord.replies import NO_MENTIONS
from adapters.discord.routing import Route, route_click
from bot.composition import Core, GamePresenter
from bot.health import heartbeat, record_heartbeat

log = logging.getLogger(__name__)
# Within Docker's 10 s between SIGTERM and SIGKILL, with time left to close the store.
SHUTDOWN_GRACE_SECONDS = 6


# What callbacks reach through the client: the core, built once by ``bot.composition``.
Services = Core[GamePresenter]


def intents() -> discord.Intents:
    """Only ``guilds`` (not privileged): channels, threads and roles. Interactions need none."""
    chosen = discord.Intents.none()
    chosen.guilds = True
    return chosen


class RebuttalBot(discord.Client):
    def __init__(self, routes: Sequence[Route], **options: Any) -> None:
        super().__init__(intents=intents(), allowed_mentions=NO_MENTIONS, **options)
        self.tree = app_commands.CommandTree(self)
        self._routes = tuple(routes)
        self._services: Services | None = None
        self._in_flight: set[asyncio.Task[object]] = set()
        self.unfinished_at_close = 0
        self._connected = False  # for the heartbeat `rebuttal health` reads
        self._lifetime = contextlib.AsyncExitStack()

    def attach(self, services: Services) -> None:
        self._services = services

    @property
    def services(self) -> Services:
        if self._services is None:
            raise RuntimeError("the bot was built without services; use adapters.discord.app.build_bot")
        return self._services

    async def setup_hook(self) -> None:
        await self.tree.sync()
        database = self.services.games.database
        await self._lifetime.enter_async_context(heartbeat(database, "discord", lambda: self._connected))

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        # Button clicks, by id pattern, so buttons on messages posted before a restart still
        # reach their game; discord.py's tree takes the commands.
        await route_click(interaction, self._routes)

    async def on_ready(self) -> None:
        # Re-arm stored deadlines; nothing is reposted (the messages are still there). Counted
        # as in flight, so a close right after connecting waits for it before the database goes.
        async with self.serving():
            # Daily rounds start once the gateway is up, so the first tick can post; a second
            # READY (a fresh session after a long disconnect) finds the scheduler running.
            resumed = await self.services.start()
            await self._mark_connected(True)
        log.info("ready as %s; %d running game(s) resumed", self.user, resumed)

    async def on_resumed(self) -> None:
        await self._mark_connected(True)

    async def on_disconnect(self) -> None:
        self._connected = False

    async def _mark_connected(self, connected: bool) -> None:
        self._connected = connected
        if connected:  # at once, rather than at the next beat
            await record_heartbeat(self.services.games.database, "discord", self.services.games.clock())

    @contextlib.asynccontextmanager
    async def serving(self) -> AsyncIterator[Services]:
        """The services, with the calling callback counted as in flight until it returns."""
        task = asyncio.current_task()
        if task is not None:
            self._in_flight.add(task)
        try:
            yield self.services
        finally:
            if task is not None:
                self._in_flight.discard(task)

    async def close(self) -> None:
        """Close cleanly; ``unfinished_at_close`` says how many callbacks the grace cut off."""
        # No new round may be posted or closed from here on; a tick cut short is redone from
        # the database on the next start (each step of it is its own transaction).
        if self._services is not None:
            await self._services.scheduler.close()
        # Let callbacks already running finish their writes before the database goes away,
        # and those that start meanwhile (the gateway is still open until the end).
        loop = asyncio.get_running_loop()
        deadline = loop.time() + SHUTDOWN_GRACE_SECONDS
        while busy := {task for task in self._in_flight if task is not asyncio.current_task() and not task.done()}:
            if loop.time() >= deadline:
                break
            await asyncio.wait(busy, timeout=deadline - loop.time())
        self._connected = False
        await self._lifetime.aclose()
        if self._services is not None:
            await self._services.close()  # timers and pending redraws, before the database closes
        self.unfinished_at_close = len(busy)
        await super().close()


class ShardedRebuttalBot(RebuttalBot, discord.AutoShardedClient):
    """The bot running some of its shards (``shard_ids`` of ``shard_count``) in this process:
    Discord sends it the events of those shards' servers only."""


def serving(interaction: discord.Interaction) -> contextlib.AbstractAsyncContextManager[Services]:
    """``async with serving(interaction) as services``: what every callback runs inside."""
    client = interaction.client
    if not isinstance(client, RebuttalBot):
        raise TypeError("Rebuttal's interactions must come through a RebuttalBot")
    return client.serving()
