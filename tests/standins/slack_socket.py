"""Socket Mode side of the Slack stand-in.

Serves what ``slack_sdk.socket_mode.aiohttp.SocketModeClient`` expects:

* ``apps.connections.open`` (app token) returns a one-time ``ws://.../socket/link/?ticket=..`` URL;
* on connect the server sends ``{"type": "hello", ...}``;
* envelopes ``{"envelope_id", "type", "payload", "accepts_response_payload", ...}`` are
  pushed by tests; the client acks with ``{"envelope_id": ..., "payload": ...}``;
* ping frames (``sdk-ping-pong:<time>``) are answered by aiohttp's autoping;
* ``{"type": "disconnect", "reason": ...}`` makes the client fetch a new URL and reconnect.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .slack_records import JSON, Notifier

ENVELOPE_TYPES = ("slash_commands", "interactive", "events_api")


@dataclass
class SocketConnection:
    id: str
    ws: web.WebSocketResponse
    opened_at: float = field(default_factory=time.monotonic)
    received: list[JSON] = field(default_factory=list)

    @property
    def open(self) -> bool:
        return not self.ws.closed


@dataclass
class Envelope:
    envelope_id: str
    type: str
    payload: JSON
    accepts_response_payload: bool
    retry_attempt: int = 0
    retry_reason: str = ""
    connection_id: str = ""
    sent_at: float = 0.0

    def to_message(self) -> JSON:
        message: JSON = {
            "envelope_id": self.envelope_id,
            "type": self.type,
            "payload": self.payload,
            "accepts_response_payload": self.accepts_response_payload,
        }
        if self.type == "events_api":
            message["retry_attempt"] = self.retry_attempt
            message["retry_reason"] = self.retry_reason
        return message


@dataclass
class SocketAck:
    envelope_id: str
    payload: JSON | None
    latency: float  # seconds between sending the envelope and receiving the ack
    raw: JSON


class SocketModeHub:
    """WebSocket endpoint plus envelope/ack bookkeeping."""

    path = "/socket/link/"

    def __init__(self, app_id: str, notifier: Notifier, problems: list[str]) -> None:
        self.app_id = app_id
        self.notifier = notifier
        self.problems = problems
        self.ws_base = "ws://127.0.0.1"
        self.tickets: set[str] = set()
        self.connections: list[SocketConnection] = []
        self.envelopes: dict[str, Envelope] = {}
        self.acks: dict[str, SocketAck] = {}
        self.connection_urls_issued = 0
        self._ack_waiters: dict[str, asyncio.Future[SocketAck]] = {}

    # ------------------------------------------------------------ URLs
    def issue_url(self) -> str:
        ticket = uuid.uuid4().hex
        self.tickets.add(ticket)
        self.connection_urls_issued += 1
        return f"{self.ws_base}{self.path}?ticket={ticket}&app_id={self.app_id}"

    @property
    def active(self) -> list[SocketConnection]:
        return [c for c in self.connections if c.open]

    # -------------------------------------------------------- endpoint
    async def handle(self, request: web.Request) -> web.StreamResponse:
        ticket = request.query.get("ticket", "")
        if ticket not in self.tickets:
            self.problems.append(f"socket connection with unknown/reused ticket {ticket!r}")
            raise web.HTTPUnauthorized(text="invalid ticket")
        self.tickets.discard(ticket)
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        conn = SocketConnection(ticket[:12], ws)
        self.connections.append(conn)
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": len(self.active),
                "debug_info": {
                    "host": "applink-standin",
                    "build_number": 1,
                    "approximate_connection_time": 18060,
                },
                "connection_info": {"app_id": self.app_id},
            }
        )
        self.notifier.notify()
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self._on_text(conn, msg.data)
        finally:
            self.notifier.notify()
        return ws

    def _on_text(self, conn: SocketConnection, data: str) -> None:
        try:
            message = json.loads(data)
        except ValueError:
            self.problems.append(f"non-JSON socket message: {data[:200]!r}")
            return
        if not isinstance(message, dict):
            self.problems.append(f"unexpected socket message: {data[:200]!r}")
            return
        conn.received.append(message)
        envelope_id = message.get("envelope_id")
        envelope = self.envelopes.get(str(envelope_id))
        if envelope is None:
            self.problems.append(f"ack for unknown envelope {envelope_id!r}: {message!r}")
            return
        if envelope_id in self.acks:
            self.problems.append(f"envelope {envelope_id} acked twice")
            return
        payload = message.get("payload")
        if payload is not None and not envelope.accepts_response_payload:
            self.problems.append(
                f"ack of {envelope.type} envelope {envelope_id} carries a payload "
                "although accepts_response_payload is false"
            )
        ack = SocketAck(str(envelope_id), payload, time.monotonic() - envelope.sent_at, message)
        self.acks[ack.envelope_id] = ack
        waiter = self._ack_waiters.pop(ack.envelope_id, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(ack)
        self.notifier.notify()

    # ------------------------------------------------------- test API
    async def wait_connected(self, timeout: float = 3.0) -> SocketConnection:
        """The newest open connection, waiting up to ``timeout`` for one."""
        try:
            active = await self.notifier.wait_for(lambda: self.active, timeout)
        except TimeoutError:
            raise TimeoutError(f"no Socket Mode client connected within {timeout}s") from None
        return active[-1]

    async def push(
        self,
        type: str,
        payload: JSON,
        *,
        accepts_response_payload: bool | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
        envelope_id: str | None = None,
        timeout: float = 3.0,
    ) -> Envelope:
        """Send an envelope to the newest open connection (waits for one)."""
        if type not in ENVELOPE_TYPES:
            raise ValueError(f"unknown envelope type {type!r}")
        if accepts_response_payload is None:
            accepts_response_payload = type == "slash_commands" or (
                type == "interactive" and payload.get("type") in ("view_submission", "block_suggestion")
            )
        conn = await self.wait_connected(timeout)
        envelope = Envelope(
            envelope_id or str(uuid.uuid4()),
            type,
            payload,
            accepts_response_payload,
            retry_attempt,
            retry_reason,
            conn.id,
        )
        self.envelopes[envelope.envelope_id] = envelope
        self._ack_waiters[envelope.envelope_id] = asyncio.get_running_loop().create_future()
        envelope.sent_at = time.monotonic()
        await conn.ws.send_json(envelope.to_message())
        return envelope

    async def wait_ack(self, envelope_id: str, timeout: float = 3.0) -> SocketAck:
        """The client's ack for ``envelope_id``; raises ``TimeoutError`` if none arrives."""
        if envelope_id in self.acks:
            return self.acks[envelope_id]
        waiter = self._ack_waiters.get(envelope_id)
        if waiter is None:
            raise KeyError(f"envelope {envelope_id} was never pushed")
        try:
            return await asyncio.wait_for(asyncio.shield(waiter), timeout)
        except TimeoutError:
            raise TimeoutError(f"no ack for envelope {envelope_id} within {timeout}s") from None

    async def send_raw(self, message: Any) -> None:
        conn = await self.wait_connected()
        await conn.ws.send_str(message if isinstance(message, str) else json.dumps(message))

    async def request_disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask the client to reconnect, as Slack does every few hours."""
        await self.send_raw({"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-standin"}})

    async def close_all(self) -> None:
        for conn in self.connections:
            if conn.open:
                await conn.ws.close(code=1001, message=b"stand-in shutting down")
        for waiter in self._ack_waiters.values():
            waiter.cancel()
        self._ack_waiters.clear()
