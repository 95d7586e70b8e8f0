"""A local stand-in for Slack's servers, for end-to-end tests of a real slack-bolt app.

Usage::

    async with SlackStandIn(users=[SlackUser("U1", "alice")]) as slack:
        client = AsyncWebClient(token=slack.bot_token, base_url=slack.api_url)
        await client.chat_postMessage(channel="C0GENERAL", text="hi")
        assert slack.messages_in("C0GENERAL")[0].text == "hi"

Routes (all on ``127.0.0.1:<free port>``):

* ``/api/{method}``        Web API (JSON, form-encoded or multipart bodies + query args)
* ``/upload/v1/{file_id}`` upload URL handed out by ``files.getUploadURLExternal``
* ``/response/{id}``       response_url endpoints put into command/action payloads
* ``/socket/link/``        Socket Mode WebSocket (URL from ``apps.connections.open``)

State, recording and query helpers live in :class:`SlackWorkspace`
(``slack_webapi.py``); Socket Mode in :class:`SocketModeHub` (``slack_socket.py``).
"""

from __future__ import annotations

import contextlib
import json
from types import TracebackType
from typing import Any, Self

from aiohttp import BodyPartReader, web

from .slack_records import (
    JSON,
    JSON_FIELDS,
    ActionTarget,
    ApiCall,
    ApiError,
    EphemeralRecord,
    FileRecord,
    MessageRecord,
    ResponseMessage,
    SlackChannel,
    SlackUser,
    ViewRecord,
)
from .slack_socket import Envelope, SocketAck, SocketModeHub
from .slack_webapi import SlackWorkspace

__all__ = [
    "JSON",
    "ActionTarget",
    "ApiCall",
    "ApiError",
    "Envelope",
    "EphemeralRecord",
    "FileRecord",
    "MessageRecord",
    "ResponseMessage",
    "SlackChannel",
    "SlackStandIn",
    "SlackUser",
    "SlackWorkspace",
    "SocketAck",
    "SocketModeHub",
    "ViewRecord",
]


async def read_args(request: web.Request) -> JSON:
    """Merge query string and body (JSON, urlencoded or multipart) the way Slack does."""
    args: JSON = dict(request.query)
    content_type = request.content_type
    if request.can_read_body:
        if content_type == "application/json":
            body = await request.json()
            if isinstance(body, dict):
                args.update(body)
        elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for key, field in form.items():
                if isinstance(field, str):
                    args[key] = field
                elif isinstance(field, (bytes, bytearray)):
                    args[key] = bytes(field)
                else:  # an uploaded file part
                    args[key] = field.file.read()
    for key in JSON_FIELDS:  # slack_sdk JSON-encodes these inside form/query params
        value = args.get(key)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            with contextlib.suppress(ValueError):
                args[key] = json.loads(value)
    return args


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


class SlackStandIn(SlackWorkspace):
    """aiohttp server impersonating slack.com's Web API, response_urls, uploads and Socket Mode.

    All constructor arguments of :class:`SlackWorkspace` are accepted (tokens,
    signing secret, team/app/bot ids, users, channels, ``trigger_ttl``...).
    """

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.host = host
        self.port = port
        self.socket = SocketModeHub(self.app_id, self.notifier, self.problems)
        self.register_method("apps.connections.open", lambda _args: {"url": self.socket.issue_url()})
        self._runner: web.AppRunner | None = None

    # ---------------------------------------------------------- lifecycle
    @property
    def api_url(self) -> str:
        """``base_url`` for ``AsyncWebClient`` (the trailing slash matters: urljoin)."""
        return f"{self.base_url}/api/"

    async def start(self) -> Self:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/upload/v1/{file_id}", self._handle_upload)
        app.router.add_post("/response/{response_id}", self._handle_response)
        app.router.add_get(self.socket.path, self.socket.handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self.base_url = f"http://{self.host}:{self.port}"
        self.socket.ws_base = f"ws://{self.host}:{self.port}"
        return self

    async def close(self) -> None:
        await self.socket.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    # ------------------------------------------------------- socket mode
    async def push_envelope(self, type: str, payload: JSON, **kwargs: Any) -> Envelope:
        """Shortcut for ``self.socket.push`` (see :meth:`SocketModeHub.push`)."""
        return await self.socket.push(type, payload, **kwargs)

    async def wait_ack(self, envelope_id: str, timeout: float = 3.0) -> SocketAck:
        return await self.socket.wait_ack(envelope_id, timeout)

    # ---------------------------------------------------------- handlers
    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await read_args(request)
        token = bearer_token(request)
        body_token = args.pop("token", None)
        if token is None and isinstance(body_token, str):
            token = body_token
        call = self.dispatch(method, args, token)
        peer = request.transport.get_extra_info("peername") if request.transport is not None else None
        call.client = (str(peer[0]), int(peer[1])) if peer else None
        return web.json_response(call.response, status=call.status, headers=call.headers or None)

    async def _handle_upload(self, request: web.Request) -> web.Response:
        data: bytes
        if request.content_type == "multipart/form-data":
            data = b""
            reader = await request.multipart()
            async for part in reader:
                if isinstance(part, BodyPartReader) and part.filename is not None:
                    data = bytes(await part.read())
                    break
        else:
            data = await request.read()
        status, text = self.receive_upload(request.match_info["file_id"], data)
        return web.Response(status=status, text=text)

    async def _handle_response(self, request: web.Request) -> web.Response:
        try:
            payload = await request.json()
        except ValueError:
            payload = None
        if not isinstance(payload, dict):
            self.problems.append("non-JSON body POSTed to a response_url")
            return web.Response(status=400, text="invalid_payload")
        status, text = self.receive_response(request.match_info["response_id"], payload)
        return web.Response(status=status, text=text)
