"""pytest fixtures and helpers to run a real slack-bolt ``AsyncApp`` against the stand-in.

Import the fixtures you use into the test module (there is no shared conftest)::

    from tests.standins.slack_fixtures import (  # noqa: F401  (pytest finds them by name)
        slack_no_resource_warnings, slack_standin, slack_transport,
    )

    async def test_x(slack_standin: SlackStandIn, slack_transport: Transport) -> None:
        app = make_bolt_app(slack_standin)
        ...register listeners...
        async with drive_bolt_app(app, slack_standin, slack_transport) as slack:
            result = await slack.slash("/debate", "start", user="U1")
"""

from __future__ import annotations

import asyncio
import gc
import warnings
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any, Literal

import pytest
import pytest_asyncio
from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from .slack_drivers import HttpDriver, SlackDriver, SocketDriver
from .slack_server import SlackStandIn, SlackUser

Transport = Literal["http", "socket"]
TRANSPORTS: tuple[Transport, ...] = ("http", "socket")

DEFAULT_USERS = [
    SlackUser("U1", "alice", "Alice Adams", "alice"),
    SlackUser("U2", "bob", "Bob Brown", "bob"),
    SlackUser("UADMIN", "admin", "Ada Admin", "ada", is_admin=True, is_owner=True),
]


def make_bolt_app(standin: SlackStandIn, **kwargs: Any) -> AsyncApp:
    """An ``AsyncApp`` whose Web API client talks to the stand-in."""
    client = AsyncWebClient(token=standin.bot_token, base_url=standin.api_url)
    return AsyncApp(client=client, signing_secret=standin.signing_secret, **kwargs)


@asynccontextmanager
async def serve_bolt_http(app: AsyncApp, path: str = "/slack/events") -> AsyncIterator[str]:
    """Serve ``app`` with bolt's own aiohttp server on a free port; yields the events URL."""
    runner = web.AppRunner(app.web_app(path=path), access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        yield f"http://127.0.0.1:{port}{path}"
    finally:
        await runner.cleanup()


@asynccontextmanager
async def connect_bolt_socket(
    app: AsyncApp, standin: SlackStandIn, ping_interval: float = 10
) -> AsyncIterator[AsyncSocketModeHandler]:
    """Connect ``app`` over Socket Mode (bolt's aiohttp handler) to the stand-in."""
    handler = AsyncSocketModeHandler(app, standin.app_token, ping_interval=ping_interval)
    try:
        await handler.connect_async()  # type: ignore[no-untyped-call]
        await standin.socket.wait_connected()
        yield handler
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
        await asyncio.sleep(0)  # let the client's cancelled tasks unwind


@asynccontextmanager
async def drive_bolt_app(app: AsyncApp, standin: SlackStandIn, transport: Transport) -> AsyncIterator[SlackDriver]:
    """Run ``app`` over ``transport`` and yield a driver speaking to it."""
    if transport == "http":
        async with serve_bolt_http(app) as url, HttpDriver(standin, url) as driver:
            yield driver
    else:
        async with connect_bolt_socket(app, standin), SocketDriver(standin) as driver:
            yield driver


@pytest_asyncio.fixture
async def slack_standin() -> AsyncIterator[SlackStandIn]:
    """A running stand-in with users U1 (alice), U2 (bob), UADMIN and channel C0GENERAL."""
    async with SlackStandIn(users=[SlackUser(**vars(u)) for u in DEFAULT_USERS]) as standin:
        yield standin


@pytest.fixture(autouse=True)
def slack_no_resource_warnings() -> Iterator[None]:
    """Autouse where imported: unclosed aiohttp sessions/sockets (ResourceWarning) fail the test."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        yield
        gc.collect()
    leaks = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert not leaks, leaks


@pytest.fixture(params=TRANSPORTS)
def slack_transport(request: pytest.FixtureRequest) -> Transport:
    """Parametrises a test over ``"http"`` and ``"socket"``."""
    transport: Transport = request.param
    return transport
