"""``rebuttal run slack [--http --port N [--reuse-port]] [--db PATH]``: settings from the environment, then serve.

Settings: ``SLACK_BOT_TOKEN`` always; ``SLACK_APP_TOKEN`` for Socket Mode (the default);
``SLACK_SIGNING_SECRET`` with ``--http``; ``REBUTTAL_SLACK_API_URL`` to point the Web API
client (and so Socket Mode's ``apps.connections.open``) somewhere other than slack.com.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import logging
import re
import sys
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from aiohttp import web
from aiohttp.typedefs import Handler
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.composition import Site
from bot.health import heartbeat
from bot.heap import start_up_objects_frozen
from bot.retrying import Unreachable, quiet_retries, until_reached
from bot.stopping import STOP_BUDGET_SECONDS, stop_on_signals
from bot.store.database import Database

from .app import build_app
from .context import ACK_DEADLINE, InFlight

log = logging.getLogger(__name__)

API_URL_VARIABLE = "REBUTTAL_SLACK_API_URL"
DEFAULT_API_URL = "https://slack.com/api/"
EVENTS_PATH = "/slack/events"
# Stopping, within ``bot.stopping.STOP_BUDGET_SECONDS``: clicks under way are recorded and
# acknowledged within ACK_DEADLINE; then their replies and redraws get a few seconds more.
ACKS_GRACE_SECONDS = ACK_DEADLINE + 1.0
FOLLOW_UPS_GRACE_SECONDS = STOP_BUDGET_SECONDS - ACKS_GRACE_SECONDS - 1.0


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


def run(args: argparse.Namespace, site: Site | None = None) -> int:
    import os

    from bot.store.location import database_location

    if getattr(args, "reuse_port", False) and not args.http:
        print("rebuttal run slack: --reuse-port needs --http (Socket Mode listens on no port)", file=sys.stderr)
        return 2
    settings = read_settings(os.environ, bool(args.http))
    if isinstance(settings, str):
        print(settings, file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        location = database_location(getattr(args, "db", None), getattr(args, "database_url", None))
    except ValueError as error:
        print(f"rebuttal run slack: {error}", file=sys.stderr)
        return 2
    try:
        serving = serve_until_signalled(
            settings,
            location,
            http=bool(args.http),
            port=int(args.port),
            reuse_port=bool(getattr(args, "reuse_port", False)),
            site=site,
        )
        asyncio.run(serving)
    except TokenRejected as rejected:
        print(f"rebuttal run slack: {rejected}", file=sys.stderr)
        return 2
    return 0


async def serve_until_signalled(
    settings: SlackSettings,
    database_path: Path | str,
    *,
    http: bool,
    port: int,
    reuse_port: bool = False,
    site: Site | None = None,
) -> None:
    """``serve`` until SIGTERM or Ctrl-C, then stop cleanly (``bot.stopping``)."""
    stop = asyncio.Event()
    with stop_on_signals(stop.set):
        await serve(settings, database_path, http=http, port=port, reuse_port=reuse_port, stop=stop, site=site)


def web_client(settings: SlackSettings, session: aiohttp.ClientSession | None = None) -> AsyncWebClient:
    """The bot's Web API client; it waits out Slack's rate limits (HTTP 429, ``Retry-After``)
    instead of failing, since a class clicking at once can hit them.

    Give it the ``session`` the bot keeps open while it runs: without one, slack_sdk opens and
    closes an aiohttp session, and so a new connection (TCP, and TLS to slack.com), for every
    call, and every click makes one (its private "Locked in"). Connecting was about half of
    what a "Locked in" cost the bot in ``benchmarks/slack_http_load.py``."""
    client = AsyncWebClient(token=settings.bot_token, base_url=settings.api_url, session=session)
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
    return client


async def serve(
    settings: SlackSettings,
    database_path: Path | str,
    *,
    http: bool,
    port: int = 3000,
    host: str = "0.0.0.0",
    reuse_port: bool = False,
    stop: asyncio.Event | None = None,
    site: Site | None = None,
) -> None:
    """Run the bot (and the results site beside it, if asked for) until ``stop`` is set (or
    forever), then stop cleanly: take no new clicks, let those in flight be recorded,
    acknowledged and answered, then close the store."""
    stop = stop or asyncio.Event()
    if not await reach_slack(settings, http=http, stop=stop):
        log.info("stopped before Slack could be reached")
        return
    async with Database.open(database_path) as database, AsyncExitStack() as beside:
        # Closed after the bot (``beside`` ends after the block below): follow-ups still post.
        session = await beside.enter_async_context(aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)))
        client = web_client(settings, session)
        bot = build_app(
            database, client, signing_secret=settings.signing_secret or "", web_url=site.url if site else None
        )
        if site is not None:
            await beside.enter_async_context(site.serving(database, bot.games.core.signin))
        resumed = await bot.resume()
        log.info("resumed %d running game(s)", resumed)
        beside.enter_context(start_up_objects_frozen())  # bot.heap: no collector pause walks them again
        try:
            if http:
                served = serve_http(bot.app, host, port, settings.signing_secret or "", reuse_port=reuse_port)
                async with served, heartbeat(database, "slack", lambda: True):
                    log.info("serving Slack events on http://%s:%d%s", host, port, EVENTS_PATH)
                    await stop.wait()
                # Leaving ``served`` closed the port and waited for requests under way: every
                # click that reached the bot has been acknowledged (or refused) by now.
            else:
                async with (
                    connect_socket_mode(bot.app, settings.app_token or "", bot.games.in_flight) as connection,
                    heartbeat(database, "slack", connection.is_connected),
                ):
                    log.info("connected to Slack over Socket Mode")
                    await stop.wait()
                    # Take no new requests, but keep the connection open until those under
                    # way have been recorded and their acks sent.
                    connection.stop_taking()
                    await bot.finish_in_flight(ACKS_GRACE_SECONDS)
        finally:
            left = await bot.finish_in_flight(FOLLOW_UPS_GRACE_SECONDS)
            await bot.close()
            if left:
                log.warning("stopped with %d click(s) still being handled", left)
            else:
                log.info("stopped cleanly")


@asynccontextmanager
async def serve_http(
    app: AsyncApp, host: str, port: int, signing_secret: str, *, reuse_port: bool = False
) -> AsyncIterator[None]:
    """Serve the Events API on ``host:port``. With ``reuse_port`` the socket is bound with
    SO_REUSEPORT, so several worker processes (on one database) can listen on one port and the
    kernel spreads new connections over them; any worker can take any click, since each click
    is serialised per game by the store's row lock, not by the process."""
    web_app = web.Application()
    web_app.router.add_post(EVENTS_PATH, verified_events(app, signing_secret))
    # On the way out, requests under way get this long to be answered (a click is answered
    # once recorded, within ACK_DEADLINE); idle keep-alive connections are closed at once.
    runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=ACKS_GRACE_SECONDS)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port, reuse_port=reuse_port or None).start()
        yield
    finally:
        await runner.cleanup()


# Slack's timestamps are Unix seconds; ten digits until 2286. Bounding the digits keeps
# ``int()`` cheap and far from Python's 4,300-digit conversion limit.
TIMESTAMP = re.compile(r"[0-9]{1,12}")
SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
STALE_AFTER = 5 * 60  # seconds; Slack's own rule against replayed requests


def verified_events(app: AsyncApp, signing_secret: str) -> Handler:
    """The Events API endpoint: check each request, parse it once, and hand it to bolt.

    Checked before bolt sees it: signed, fresh, and a body bolt can parse. slack-bolt parses
    the body (and builds its context from it) before its own signature check, and raises on
    input it does not expect: a non-numeric timestamp, ``payload=[1,2,3]``, a JSON body that
    is a string; aiohttp would turn those into a 500 with an ERROR traceback. Here an unsigned
    or stale request gets 401 and a signed one bolt cannot read gets 400, each with one WARNING
    line, so malformed input never reaches a listener. The request parsed for that check is
    the one bolt dispatches (bolt's own aiohttp adapter would parse the body a second time:
    about a tenth of the bot's time per click)."""
    key = signing_secret.encode()

    async def events(request: web.Request) -> web.StreamResponse:
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            log.warning("refused a request: body too large")
            raise
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if not (TIMESTAMP.fullmatch(timestamp) and SIGNATURE.fullmatch(signature)):
            log.warning("refused a request: missing or malformed signature headers")
            return web.Response(status=401, text="unsigned request")
        if not _signed(key, timestamp, body, signature):
            log.warning("refused a request: bad signature or stale timestamp")
            return web.Response(status=401, text="invalid signature")
        parsed = _parsed(body, request.headers, request.query_string)
        if isinstance(parsed, str):
            log.warning("refused a signed request: %s", parsed)
            return web.Response(status=400, text="malformed request body")
        return await to_aiohttp_response(await app.async_dispatch(parsed))

    return events


def _signed(key: bytes, timestamp: str, body: bytes, signature: str) -> bool:
    """Slack's v0 signature over the raw bytes (slack_sdk's verifier decodes the body as
    UTF-8 first, and raises on a body that is not), within Slack's five minutes."""
    if abs(time.time() - int(timestamp)) > STALE_AFTER:
        return False
    expected = hmac.new(key, b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"v0={expected}", signature)


def _parsed(body: bytes, headers: Mapping[str, str], query: str) -> AsyncBoltRequest | str:
    """``body`` as the request bolt dispatches, or why bolt could not read it: parsed here,
    as bolt's aiohttp adapter would, so whatever it would raise is caught before it runs."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return "body is not UTF-8"
    try:
        request = AsyncBoltRequest(body=text, query=query, headers=dict(headers), mode="http")
    except Exception as error:  # bolt raises anything from ValueError to AttributeError here
        return f"body cannot be parsed ({type(error).__name__})"
    if not isinstance(request.body, dict):
        return "body is not an object"
    return request


# Slack's answers meaning a token itself is wrong: waiting will not help, so the bot exits.
REJECTED_TOKEN = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "not_allowed_token_type"}
)


class TokenRejected(Exception):
    """Slack refused a token: one line for the operator, and exit status 2."""


async def reach_slack(settings: SlackSettings, *, http: bool, stop: asyncio.Event) -> bool:
    """Wait until Slack accepts the tokens: True then, False if ``stop`` was set meanwhile.

    Out of reach is retried as ``bot.retrying`` says (backoff, one WARNING line per attempt);
    a rejected token raises ``TokenRejected`` at once. The bot token is checked with
    ``auth.test``; in Socket Mode the app token with ``apps.connections.open`` too, since
    slack_sdk would otherwise retry a rejected app token forever."""
    # No retry handlers: each attempt is one request, and ``until_reached`` does the waiting.
    client = AsyncWebClient(token=settings.bot_token, base_url=settings.api_url, retry_handlers=[])

    async def attempt() -> None:
        try:
            await client.auth_test()
            if not http:
                await client.apps_connections_open(app_token=settings.app_token or "")
        except SlackApiError as error:
            code = str(error.response.get("error") or "error")
            if code in REJECTED_TOKEN:
                which = "SLACK_BOT_TOKEN" if error.response.api_url.endswith("auth.test") else "SLACK_APP_TOKEN"
                raise TokenRejected(f"Slack rejected {which} ({code}); copy it again (see docs/slack.md)") from None
            raise Unreachable(f"Slack answered {code}") from None
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            raise Unreachable(f"{type(error).__name__}: {error}") from None

    return await until_reached("Slack", attempt, stop)


@dataclass
class SocketModeConnection:
    """An open Socket Mode connection whose requests are counted as in flight until their ack
    has been sent, so that stopping can wait for them with the connection still open."""

    handler: AsyncSocketModeHandler
    taking: bool = True

    def is_connected(self) -> bool:
        return bool(self.handler.client.is_connected())

    def stop_taking(self) -> None:
        """Leave later requests unanswered: Slack shows such a click as failed, and nothing of
        it was stored."""
        self.taking = False


@asynccontextmanager
async def connect_socket_mode(
    app: AsyncApp, app_token: str, in_flight: InFlight
) -> AsyncIterator[SocketModeConnection]:
    # The handler's client calls apps.connections.open through app.client, i.e. the API URL above.
    socket_log = logging.getLogger("adapters.slack.socket_mode")
    quiet_retries(socket_log, "Failed to connect")  # slack_sdk's reconnection, every 10 s
    handler = AsyncSocketModeHandler(app, app_token, logger=socket_log)
    connection = SocketModeConnection(handler)
    listeners = list(handler.client.socket_mode_request_listeners)

    async def counted(client: AsyncBaseSocketModeClient, request: SocketModeRequest) -> None:
        if not connection.taking:
            return
        with in_flight.counting():  # slack_sdk runs each request in a task of its own
            for listener in listeners:
                await listener(client, request)  # type: ignore[call-arg, arg-type, misc]  # as slack_sdk calls it

    handler.client.socket_mode_request_listeners[:] = [counted]
    await handler.connect_async()  # type: ignore[no-untyped-call]
    try:
        yield connection
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
