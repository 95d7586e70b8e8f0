"""``rebuttal run discord`` and ``rebuttal discord invite-url``.

A missing or rejected token is one line on stderr and exit status 2, never a traceback.
``--shard-ids 0,1 --shard-count 4`` runs only those shards of the bot (Discord sends a process
the events of the servers whose ``(guild_id >> 22) % shard_count`` is one of its shards); every
process on one database posts and closes daily rounds for any server, each exactly once.
``REBUTTAL_DISCORD_API_BASE`` and ``REBUTTAL_DISCORD_GATEWAY_URL`` point discord.py at
another server (a local stand-in in tests); by default it talks to Discord.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import aiohttp
import discord
import discord.gateway
import discord.http
import yarl

from adapters.discord.app import build_bot
from adapters.discord.context import RebuttalBot
from bot.composition import Site
from bot.heap import start_up_objects_frozen
from bot.retrying import Unreachable, quiet_retries, until_reached
from bot.stopping import stop_on_signals
from bot.store.database import Database
from bot.store.location import database_location

log = logging.getLogger(__name__)

TOKEN_VARIABLE = "DISCORD_TOKEN"
CLIENT_ID_VARIABLE = "DISCORD_CLIENT_ID"
API_BASE_VARIABLE = "REBUTTAL_DISCORD_API_BASE"
GATEWAY_VARIABLE = "REBUTTAL_DISCORD_GATEWAY_URL"

# Exactly what the bot does, and nothing more (docs/discord.md says why each is needed).
BOT_PERMISSIONS = discord.Permissions(
    view_channel=True,  # see the channel /debate start is run in (and its threads)
    embed_links=True,  # steps are embeds
    create_public_threads=True,  # each debate gets its own thread
    send_messages_in_threads=True,  # post the steps there
    send_messages=True,  # daily rounds and their summaries are posted in the schedule's channel
)  # Mention Everyone is not asked for: a daily round pings only a role set to be mentionable.
SCOPES = ("bot", "applications.commands")


def parse_shards(shard_ids: str | None, shard_count: int | None) -> dict[str, Any]:
    """The client options for ``--shard-ids``/``--shard-count`` ({} for an unsharded bot);
    ValueError with what is wrong."""
    if shard_ids is None and shard_count is None:
        return {}
    if shard_ids is None or shard_count is None:
        raise ValueError("--shard-ids and --shard-count go together")
    if shard_count < 1:
        raise ValueError(f"--shard-count must be at least 1, not {shard_count}")
    try:
        ids = [int(part) for part in shard_ids.split(",")]
    except ValueError:
        raise ValueError(f"--shard-ids takes shard numbers separated by commas (e.g. 0,1), not {shard_ids!r}") from None
    outside = [i for i in ids if not 0 <= i < shard_count]
    if outside:
        raise ValueError(f"shard {outside[0]} is outside 0..{shard_count - 1} (--shard-count {shard_count})")
    if len(set(ids)) != len(ids):
        raise ValueError(f"--shard-ids names a shard twice: {shard_ids}")
    return {"shard_ids": sorted(ids), "shard_count": shard_count}


def _fail(message: str) -> int:
    print(f"rebuttal: {message}", file=sys.stderr)
    return 2


@contextlib.contextmanager
def redirected_endpoints(environ: Mapping[str, str]) -> Iterator[None]:
    """Point discord.py's REST base and default gateway where the environment says; restored after."""
    route, websocket = discord.http.Route, discord.gateway.DiscordWebSocket
    saved = (route.BASE, websocket.DEFAULT_GATEWAY)
    if environ.get(API_BASE_VARIABLE):
        route.BASE = environ[API_BASE_VARIABLE].rstrip("/")
    if environ.get(GATEWAY_VARIABLE):
        websocket.DEFAULT_GATEWAY = yarl.URL(environ[GATEWAY_VARIABLE])
    try:
        yield
    finally:
        route.BASE, websocket.DEFAULT_GATEWAY = saved


async def serve(
    database_path: Path | str, token: str, site: Site | None = None, shards: Mapping[str, Any] | None = None
) -> None:
    """Run the bot (and the results site beside it, if asked for) until SIGTERM or Ctrl-C."""
    # A plain formatter: discord.py's own colours its lines whenever it thinks it runs in
    # Docker, which puts escape codes into `docker compose logs` and log files.
    plain = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    discord.utils.setup_logging(level=logging.INFO, formatter=plain)
    # The bot has no voice; two warnings about voice libraries at every start are noise.
    discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
    quiet_retries(logging.getLogger("discord.client"), "Attempting a reconnect")  # its gateway backoff
    stop = asyncio.Event()
    with stop_on_signals(stop.set):
        if not await until_reached("Discord", reach_discord, stop):
            log.info("stopped before Discord could be reached")
            return
        async with Database.open(database_path) as database, AsyncExitStack() as beside:
            bot = build_bot(database, web_url=site.url if site else None, **(shards or {}))
            if site is not None:
                await beside.enter_async_context(site.serving(database, bot.services.signin))
            async with bot:
                await bot.login(token)  # a rejected token fails here, with nothing else logged
                beside.enter_context(start_up_objects_frozen())  # bot.heap: no collector pause walks them again
                await connect_until(bot, stop)


async def reach_discord() -> None:
    """One attempt to reach Discord's API (its unauthenticated ``/gateway``): any answer but a
    server error will do; refused, timed out or 5xx is ``Unreachable``. Checked before the bot
    logs in, because discord.py's login cannot be retried on the same client."""
    timeout = aiohttp.ClientTimeout(total=10)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(f"{discord.http.Route.BASE}/gateway") as response,
        ):
            if response.status >= 500:
                raise Unreachable(f"Discord answered HTTP {response.status}")
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        raise Unreachable(f"{type(error).__name__}: {error}") from None


async def connect_until(bot: RebuttalBot, stop: asyncio.Event) -> None:
    """Stay connected until ``stop`` is set (SIGTERM, Ctrl-C), then close the bot cleanly:
    callbacks under way finish their writes and replies (``RebuttalBot.close``) before the
    database closes. A connection failure still raises from here."""
    connected = asyncio.create_task(bot.connect())
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({connected, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if not stop.is_set():
        stopping.cancel()
        await connected  # returned (closed elsewhere) or raised: pass it on
        return
    await bot.close()
    await connected  # returns once the gateway is closed
    if bot.unfinished_at_close:
        log.warning("stopped with %d interaction(s) still being handled", bot.unfinished_at_close)
    else:
        log.info("stopped cleanly")


def run(args: argparse.Namespace, site: Site | None = None) -> int:
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        return _fail(f"{TOKEN_VARIABLE} is not set; put the bot's token there (see docs/discord.md).")
    try:  # --database-url or $REBUTTAL_DATABASE_URL (PostgreSQL), else --db, $REBUTTAL_DB or the user data dir
        path = database_location(getattr(args, "db", None), getattr(args, "database_url", None))
    except ValueError as error:
        return _fail(str(error))
    try:
        shards = parse_shards(getattr(args, "shard_ids", None), getattr(args, "shard_count", None))
    except ValueError as error:
        return _fail(str(error))
    with redirected_endpoints(os.environ):
        try:
            asyncio.run(serve(path, token, site, shards))
        except discord.LoginFailure:
            return _fail(f"Discord rejected {TOKEN_VARIABLE}; copy it again (Developer Portal → Bot → Reset Token).")
        except discord.PrivilegedIntentsRequired:
            return _fail("Discord refused the gateway connection: this bot must not need privileged intents.")
        except (aiohttp.ClientError, OSError) as error:
            print(f"rebuttal: cannot reach Discord ({error.__class__.__name__}: {error}).", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            return 0
    return 0


def invite_url(args: argparse.Namespace) -> int:
    client_id = (getattr(args, "client_id", None) or os.environ.get(CLIENT_ID_VARIABLE, "")).strip()
    if not client_id.isdigit():
        return _fail(f"give the application id: --client-id ID or {CLIENT_ID_VARIABLE} (see docs/discord.md).")
    print(discord.utils.oauth_url(client_id, permissions=BOT_PERMISSIONS, scopes=SCOPES))
    return 0
