"""Gateway (websocket) half of the Discord stand-in.

Implements HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeats, RESUME, REQUEST_GUILD_MEMBERS
and lets tests push arbitrary dispatch events. Sharding as Discord does it: a connection that
identified with ``shard: [id, count]`` is sent only the guilds, and the guild events, whose
``(guild_id >> 22) % count`` is its id. Honours ``compress=zlib-stream`` (one shared
zlib context per connection, every frame ending in Z_SYNC_FLUSH) like the real gateway; any
other compression request gets plain JSON text frames, which discord.py also accepts.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
import zlib
from typing import Any

from aiohttp import WSMsgType, web

from .discord_models import CHANNEL_DM, JSON, DiscordState, RecordedMessage

log = logging.getLogger("tests.standins.discord.gateway")

INTENT_GUILD_MEMBERS = 1 << 1
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15


class GatewayConnection:
    def __init__(self, ws: web.WebSocketResponse, *, zlib_stream: bool) -> None:
        self.ws = ws
        self.zlib_stream = zlib_stream
        self._compressor = zlib.compressobj() if zlib_stream else None
        self._lock = asyncio.Lock()
        self.session_id: str | None = None
        self.seq = 0
        self.intents = 0
        self.shard: list[int] | None = None

    @property
    def identified(self) -> bool:
        return self.session_id is not None and not self.ws.closed

    async def _send_locked(self, payload: JSON) -> None:
        if self.ws.closed:
            return
        raw = json.dumps(payload)
        if self._compressor is not None:
            data = self._compressor.compress(raw.encode()) + self._compressor.flush(zlib.Z_SYNC_FLUSH)
            await self.ws.send_bytes(data)
        else:
            await self.ws.send_str(raw)

    async def send(self, op: int, d: Any) -> None:
        async with self._lock:
            await self._send_locked({"op": op, "d": d, "s": None, "t": None})

    async def dispatch(self, event: str, data: Any) -> None:
        async with self._lock:
            self.seq += 1
            await self._send_locked({"op": 0, "t": event, "s": self.seq, "d": data})


class Gateway:
    def __init__(self, state: DiscordState, *, compress: bool = True, heartbeat_interval_ms: int = 41250) -> None:
        self.state = state
        self.compress = compress
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.url = "ws://127.0.0.1:0/gateway"
        self.connections: list[GatewayConnection] = []
        self.sessions: dict[str, int] = {}  # session id -> last sequence (for RESUME)
        self.received: list[JSON] = []  # every payload a client sent us
        self.connect_queries: list[dict[str, str]] = []
        self.identify_count = 0
        self.resume_count = 0
        self.heartbeat_count = 0
        self.zlib_connections = 0  # connections that got zlib-stream compressed frames

    # -- public ------------------------------------------------------------------------
    @property
    def live(self) -> list[GatewayConnection]:
        return [c for c in self.connections if c.identified]

    def serves(self, conn: GatewayConnection, guild_id: object) -> bool:
        """Whether ``conn`` gets the events of ``guild_id``: Discord sends a guild's events to
        shard ``(guild_id >> 22) % shard_count`` only (events of no guild, to every shard)."""
        if guild_id is None or not conn.shard:
            return True
        shard_id, shard_count = (int(n) for n in conn.shard)
        return (int(str(guild_id)) >> 22) % shard_count == shard_id

    async def dispatch(self, event: str, data: Any) -> int:
        """Send a dispatch event to every identified client that serves its guild (all of them
        when unsharded); returns how many got it."""
        guild_id = data.get("guild_id") if isinstance(data, dict) else None
        targets = [conn for conn in self.live if self.serves(conn, guild_id)]
        for conn in targets:
            await conn.dispatch(event, data)
        self.state.notify()
        return len(targets)

    async def dispatch_message(self, event: str, message: RecordedMessage) -> None:
        """MESSAGE_CREATE/UPDATE honouring intents, like Discord does (never for ephemerals)."""
        if message.ephemeral:
            return
        channel = self.state.channels.get(message.channel_id)
        is_dm = channel is not None and channel.type == CHANNEL_DM
        for conn in self.live:
            if not self.serves(conn, message.guild_id):
                continue
            if not conn.intents & (INTENT_DIRECT_MESSAGES if is_dm else INTENT_GUILD_MESSAGES):
                continue
            data = message.to_api()
            guild = self.state.guilds.get(message.guild_id or 0)
            member = guild.member(message.author.id) if guild else None
            if member is not None:
                data["member"] = member.to_api(with_user=False)
            privileged = not (conn.intents & INTENT_MESSAGE_CONTENT)
            bot_id = self.state.bot.id
            mentioned = f"<@{bot_id}>" in message.content or f"<@!{bot_id}>" in message.content
            if privileged and not (is_dm or mentioned or message.author.id == self.state.bot.id):
                data.update(content="", embeds=[], attachments=[], components=[])
            await conn.dispatch(event, data)
        self.state.notify()

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT: clients close and RESUME on ``resume_gateway_url``."""
        for conn in self.live:
            await conn.send(7, None)

    async def invalidate_sessions(self) -> None:
        """Send op 9 (not resumable): clients start over with a fresh IDENTIFY."""
        self.sessions.clear()
        for conn in self.live:
            await conn.send(9, False)

    async def close_all(self, code: int = 1000) -> None:
        for conn in list(self.connections):
            await conn.ws.close(code=code)

    # -- websocket handler -----------------------------------------------------------
    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self.connect_queries.append(dict(request.query))
        zlib_stream = self.compress and request.query.get("compress") == "zlib-stream"
        conn = GatewayConnection(ws, zlib_stream=zlib_stream)
        self.zlib_connections += zlib_stream
        self.connections.append(conn)
        try:
            await conn.send(10, {"heartbeat_interval": self.heartbeat_interval_ms, "_trace": ["standin"]})
            async for msg in ws:
                if msg.type in (WSMsgType.TEXT, WSMsgType.BINARY):
                    await self._on_payload(conn, json.loads(msg.data))
                elif msg.type is WSMsgType.ERROR:
                    break
        finally:
            self.connections.remove(conn)
            if conn.session_id is not None and conn.session_id in self.sessions:
                self.sessions[conn.session_id] = conn.seq
            self.state.notify()
        return ws

    async def _on_payload(self, conn: GatewayConnection, payload: JSON) -> None:
        self.received.append(payload)
        op, raw = payload.get("op"), payload.get("d")
        data: JSON = raw if isinstance(raw, dict) else {}
        if op == 1:
            self.heartbeat_count += 1
            await conn.send(11, None)
        elif op == 2:
            await self._identify(conn, data)
        elif op == 6:
            await self._resume(conn, data)
        elif op == 8:
            await self._request_members(conn, data)
        else:
            log.debug("ignoring gateway op %s", op)

    async def _identify(self, conn: GatewayConnection, data: JSON) -> None:
        if self.state.token is not None and data.get("token") != self.state.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        self.identify_count += 1
        conn.intents = int(data.get("intents", 0))
        conn.shard = data.get("shard")
        served = [g for g in self.state.guilds.values() if self.serves(conn, g.id)]
        conn.session_id = uuid.uuid4().hex
        self.sessions[conn.session_id] = 0
        state = self.state
        await conn.dispatch(
            "READY",
            {
                "v": 10,
                "user": state.bot.to_api(),
                "application": {"id": str(state.application_id), "flags": 0},
                "guilds": [{"id": str(g.id), "unavailable": True} for g in served],
                "session_id": conn.session_id,
                "session_type": "normal",
                "resume_gateway_url": self.url,
                "shard": conn.shard or [0, 1],
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "geo_ordered_rtc_regions": ["local"],
                "user_settings": {},
                "_trace": ["standin"],
            },
        )
        for guild in served:
            members = None
            if not conn.intents & INTENT_GUILD_MEMBERS:  # Discord only sends ourselves then
                members = [m for m in guild.members if m.user.id == state.bot.id]
            await conn.dispatch("GUILD_CREATE", guild.to_api(members=members))
        state.notify()

    async def _resume(self, conn: GatewayConnection, data: JSON) -> None:
        session_id = str(data.get("session_id"))
        if self.state.token is not None and data.get("token") != self.state.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
        elif session_id in self.sessions:
            self.resume_count += 1
            conn.session_id = session_id
            conn.seq = max(self.sessions[session_id], int(data.get("seq") or 0))
            await conn.dispatch("RESUMED", {"_trace": ["standin"]})
            self.state.notify()
        else:
            await conn.send(9, False)

    async def _request_members(self, conn: GatewayConnection, data: JSON) -> None:
        guild = self.state.guilds.get(int(data["guild_id"]))
        if guild is None:
            return
        wanted = {int(u) for u in data.get("user_ids") or []}
        query = str(data.get("query") or "").lower()
        members = [
            m.to_api()
            for m in guild.members
            if (not wanted or m.user.id in wanted) and m.user.username.lower().startswith(query)
        ]
        limit = int(data.get("limit") or 0)
        chunk: JSON = {
            "guild_id": str(guild.id),
            "members": members[:limit] if limit else members,
            "chunk_index": 0,
            "chunk_count": 1,
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        await conn.dispatch("GUILD_MEMBERS_CHUNK", chunk)
