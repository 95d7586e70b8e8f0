"""``rebuttal run slack [--http --port N] [--db PATH]``: settings from the environment, then serve.

Settings: ``SLACK_BOT_TOKEN`` always; ``SLACK_APP_TOKEN`` for Socket Mode (the default);
``SLACK_SIGNING_SECRET`` with ``--http``; ``REBUTTAL_SLACK_API_URL`` to point the Web API
client (and so Socket Mode's ``apps.connections.open``) somewhere other than slack.com.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from aiohttp.typedefs import Handler
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.health import heartbeat
from bot.store.database import Database

from .app import build_app

log = logging.getLogger(__name__)

API_URL_VARIABLE = "REBUTTAL_SLACK_API_URL"
DEFAULT_API_URL = "https://slack.com/api/"
EVENTS_PATH = "/slack/events"


@dataclass(frozen=True)
class SlackSettings:
    bot_token: str
    app_token: str | None
    signing_secret: str | None
    api_url: str


def read_settings(environ: Mapping[str, str], http: bool) -> SlackSettings | str:
    """The settings, or one line naming the variable that is missing."""
    needed = ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET" if http else "SLACK_APP_TOKEN"]
    for name in needed:
        if not environ.get(name, "").strip():
            needs = (
                "--http needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET"
                if http
                else ("Socket Mode needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN")
            )
            return f"rebuttal run slack: set {name} ({needs}); see docs/slack.md"
    api_url = environ.get(API_URL_VARIABLE, "").strip() or DEFAULT_API_URL
    return SlackSettings(
        bot_token=environ["SLACK_BOT_TOKEN"].strip(),
        app_token=environ.get("SLACK_APP_TOKEN", "").strip() or None,
        signing_secret=environ.get("SLACK_SIGNING_SECRET", "").strip() or None,
        # slack_sdk joins method names onto the base URL, which must end in a slash.
        api_url=api_url if api_url.endswith("/") else api_url + "/",
    )


def run(args: argparse.Namespace) -> int:
    import os

    from bot.store.location import default_database

    settings = read_settings(os.environ, bool(args.http))
    if isinstance(settings, str):
        print(settings, file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(serve(settings, args.db or default_database(), http=bool(args.http), port=int(args.port)))
    except KeyboardInterrupt:
        log.info("stopped")
    return 0


def web_client(settings: SlackSettings) -> AsyncWebClient:
    """The bot's Web API client; it waits out Slack's rate limits (HTTP 429, ``Retry-After``)
    instead of failing, since a class clicking at once can hit them."""
    client = AsyncWebClient(token=settings.bot_token, base_url=settings.api_url)
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
    return client


async def serve(
    settings: SlackSettings,
    database_path: Path,
    *,
    http: bool,
    port: int = 3000,
    host: str = "0.0.0.0",
    stop: asyncio.Event | None = None,
) -> None:
    """Run the bot until ``stop`` is set (or forever)."""
    stop = stop or asyncio.Event()
    async with Database.open(database_path) as database:
        client = web_client(settings)
        bot = build_app(database, client, signing_secret=settings.signing_secret or "")
        resumed = await bot.resume()
        log.info("resumed %d running game(s)", resumed)
        try:
            if http:
                async with serve_http(bot.app, host, port), heartbeat(database, "slack", lambda: True):
                    log.info("serving Slack events on http://%s:%d%s", host, port, EVENTS_PATH)
                    await stop.wait()
            else:
                async with connect_socket_mode(bot.app, settings.app_token or "") as handler, heartbeat(
                    database, "slack", handler.client.is_connected
                ):
                    log.info("connected to Slack over Socket Mode")
                    await stop.wait()
        finally:
            await bot.close()


@asynccontextmanager
async def serve_http(app: AsyncApp, host: str, port: int) -> AsyncIterator[None]:
    web_app = app.web_app(path=EVENTS_PATH)
    web_app.middlewares.append(reject_malformed_bodies)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        yield
    finally:
        await runner.cleanup()


@web.middleware
async def reject_malformed_bodies(request: web.Request, handler: Handler) -> web.StreamResponse:
    """400 for a body slack-bolt cannot parse (it raises while reading ``payload=`` JSON,
    before any listener or signature check runs, which aiohttp would turn into a 500)."""
    try:
        return await handler(request)
    except (ValueError, UnicodeDecodeError) as error:  # json.JSONDecodeError is a ValueError
        log.info("refused a malformed request body: %s", type(error).__name__)
        return web.Response(status=400, text="malformed request body")


@asynccontextmanager
async def connect_socket_mode(app: AsyncApp, app_token: str) -> AsyncIterator[AsyncSocketModeHandler]:
    # The handler's client calls apps.connections.open through app.client, i.e. the API URL above.
    handler = AsyncSocketModeHandler(app, app_token)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    try:
        yield handler
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
