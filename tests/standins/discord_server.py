"""A local stand-in for Discord's servers (REST API + gateway) for end-to-end tests.

The real discord.py client runs against it unchanged::

    async with DiscordStandIn() as discord_:
        async with discord_.run(bot):            # patches discord.py's URLs, starts, waits for ready
            rec = await discord_.slash("ping")   # dispatches INTERACTION_CREATE, awaits the answer
            assert rec.content == "pong" and rec.ephemeral

See README-discord.md for the full picture. Split in modules: ``discord_models`` (data),
``discord_gateway`` (websocket), ``discord_rest`` (HTTP routes), ``discord_fixtures`` (pytest).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any, Self, TypeVar

import discord
import discord.asset
import discord.gateway
import discord.http
import yarl
from aiohttp import web

from .discord_gateway import Gateway
from .discord_models import (
    CHANNEL_DM,
    CHANNEL_TEXT,
    JSON,
    WAIT_PATIENCE,
    DiscordState,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeRole,
    FakeUser,
    InteractionRecord,
    RecordedAttachment,
    RecordedMessage,
    RecordedRequest,
)
from .discord_rest import RestAPI

__all__ = [
    "DiscordStandIn",
    "FakeChannel",
    "FakeGuild",
    "FakeMember",
    "FakeRole",
    "FakeUser",
    "InteractionRecord",
    "RecordedAttachment",
    "RecordedMessage",
    "RecordedRequest",
]

T = TypeVar("T")
ClientT = TypeVar("ClientT", bound=discord.Client)
UserRef = FakeUser | int | str
ChannelRef = FakeChannel | int | str
INTERACTION_COMMAND, INTERACTION_COMPONENT, INTERACTION_AUTOCOMPLETE, INTERACTION_MODAL = 2, 3, 4, 5


class _ListHandler(logging.Handler):
    def __init__(self, into: list[logging.LogRecord]) -> None:
        super().__init__(logging.ERROR)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record)


class DiscordStandIn:
    """Fake Discord on 127.0.0.1; an async context manager (starts on a free port)."""

    def __init__(
        self,
        *,
        guilds: list[FakeGuild] | None = None,
        bot: FakeUser | None = None,
        token: str | None = None,
        compress: bool = True,
        echo_messages: bool = True,
        heartbeat_interval_ms: int = 41250,
        interaction_timeout: float = 5.0,
        default_user: str = "alice",
    ) -> None:
        """``token``: when set, REST and IDENTIFY reject other tokens (401 / close 4004).
        ``compress``: honour ``compress=zlib-stream``; ``echo_messages``: send MESSAGE_CREATE
        /UPDATE for messages the bot posts (as Discord does, subject to intents)."""
        self.state = DiscordState(guilds=guilds, bot=bot, token=token)
        self.gateway = Gateway(self.state, compress=compress, heartbeat_interval_ms=heartbeat_interval_ms)
        self.rest = RestAPI(self.state, self.gateway, echo_messages=echo_messages)
        self.interaction_timeout = interaction_timeout
        self.default_user = default_user
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.logged_errors: list[logging.LogRecord] = []  # ERROR+ from "discord" during run()

    # -- lifecycle -------------------------------------------------------------------
    async def start(self) -> Self:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_route("*", "/api/v{version:\\d+}/{tail:.*}", self.rest.handle)
        app.router.add_route("*", "/{tail:.*}", self.rest.handle_other)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self.state.http_base = f"http://127.0.0.1:{self.port}"
        self.gateway.url = f"ws://127.0.0.1:{self.port}/gateway"
        return self

    async def close(self) -> None:
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    @property
    def api_base(self) -> str:
        return f"{self.state.http_base}/api/v10"

    @property
    def gateway_url(self) -> str:
        return self.gateway.url

    @contextlib.contextmanager
    def patch_discord(self) -> Iterator[None]:
        """Point discord.py's REST base, default gateway and CDN base at the stand-in."""
        route, ws, asset = discord.http.Route, discord.gateway.DiscordWebSocket, discord.asset.Asset
        saved = (route.BASE, ws.DEFAULT_GATEWAY, asset.BASE)
        route.BASE = self.api_base
        ws.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        asset.BASE = f"{self.state.http_base}/cdn"
        try:
            yield
        finally:
            route.BASE, ws.DEFAULT_GATEWAY, asset.BASE = saved

    @contextlib.asynccontextmanager
    async def run(
        self,
        client: ClientT,
        *,
        token: str | None = None,
        ready_timeout: float = 5.0,
        fast_ready: bool = True,
    ) -> AsyncIterator[ClientT]:
        """Patch discord.py, ``client.start()`` in a task, wait for ``on_ready``; close after.

        ``fast_ready`` lowers the client's ``guild_ready_timeout`` (default 2 s: discord.py
        waits that long after the last GUILD_CREATE before dispatching ``ready``)."""
        collector = _ListHandler(self.logged_errors)
        logging.getLogger("discord").addHandler(collector)
        try:
            with self.patch_discord():
                if fast_ready:
                    state = client._connection
                    state.guild_ready_timeout = min(state.guild_ready_timeout, 0.05)
                task = asyncio.create_task(client.start(token or self.state.token or "standin-token"))
                crashed: BaseException | None = None
                try:
                    await self._wait_ready(client, task, ready_timeout)
                    yield client
                finally:
                    await client.close()
                    await asyncio.wait({task}, timeout=5)
                    if not task.done():
                        task.cancel()
                    elif not task.cancelled():
                        crashed = task.exception()
                if crashed is not None:  # the client died while the test body ran
                    raise crashed
        finally:
            logging.getLogger("discord").removeHandler(collector)

    @staticmethod
    async def _wait_ready(client: discord.Client, task: asyncio.Task[None], timeout: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not client.is_ready():
            if task.done():
                task.result()  # raises the startup error (LoginFailure, ...)
                raise RuntimeError("client stopped before becoming ready")
            if loop.time() > deadline:
                raise TimeoutError(f"client not ready after {timeout}s")
            await asyncio.sleep(0.005)

    # -- entities ------------------------------------------------------------------------
    @property
    def bot(self) -> FakeUser:
        return self.state.bot

    @property
    def application_id(self) -> int:
        return self.state.application_id

    @property
    def guilds(self) -> list[FakeGuild]:
        return list(self.state.guilds.values())

    @property
    def guild(self) -> FakeGuild:
        return self.guilds[0]

    @property
    def text_channel(self) -> FakeChannel:
        """First text channel of the first guild (``#general`` in the default guild)."""
        return next(c for c in self.guild.channels if c.type == CHANNEL_TEXT)

    def channel(self, ref: ChannelRef) -> FakeChannel:
        if isinstance(ref, FakeChannel):
            return ref
        if isinstance(ref, int):
            return self.state.channels[ref]
        for channel in self.state.channels.values():
            if channel.name == ref.lstrip("#"):
                return channel
        raise KeyError(f"no channel named {ref!r}")

    def user(self, ref: UserRef) -> FakeUser:
        if isinstance(ref, FakeUser):
            return ref
        return self.state.users[ref] if isinstance(ref, int) else self.state.user_named(ref)

    def role(self, ref: FakeRole | int | str, guild: FakeGuild | None = None) -> FakeRole:
        if isinstance(ref, FakeRole):
            return ref
        for role in (guild or self.guild).roles:
            if ref in (role.id, role.name):
                return role
        raise KeyError(f"no role {ref!r}")

    def add_user(self, name: str, *, roles: Sequence[str | int] = (), guild: FakeGuild | None = None) -> FakeUser:
        """Add a guild member (before the client connects, or it won't be in its cache)."""
        guild = guild or self.guild
        user = FakeUser(self.state.snowflake(), name)
        guild.members.append(FakeMember(user, [self.role(r, guild).id for r in roles]))
        self.state.users[user.id] = user
        return user

    def add_guild(
        self, name: str, *, text_channels: Sequence[str] = ("general",), users: Sequence[str] = ("alice",)
    ) -> FakeGuild:
        """Another guild (before the client connects): the bot, ``users`` (reused by name
        across guilds) and text channels; ``@everyone`` gets normal member permissions."""
        return self.state.add_guild(self.state.make_guild(name, text_channels, users))

    def upload(self, filename: str, data: bytes, content_type: str | None = None) -> RecordedAttachment:
        """A file a user "uploaded" (for ATTACHMENT options); downloadable from the stand-in."""
        return self.state.new_attachment(self.text_channel.id, filename, data, content_type)

    # -- records ---------------------------------------------------------------------
    @property
    def requests(self) -> list[RecordedRequest]:
        return self.state.requests

    @property
    def unknown_requests(self) -> list[RecordedRequest]:
        return self.state.unknown_requests

    def assert_no_unknown_routes(self) -> None:
        assert not self.unknown_requests, f"unexpected Discord API calls: {[str(r) for r in self.unknown_requests]}"

    def requests_to(self, method: str, path_contains: str = "") -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method and path_contains in r.path]

    @property
    def messages(self) -> list[RecordedMessage]:
        """Every message ever created (incl. deleted and ephemeral), oldest first."""
        return sorted(self.state.messages.values(), key=lambda m: m.id)

    def messages_in(
        self, channel: ChannelRef, *, include_ephemeral: bool = False, include_deleted: bool = False
    ) -> list[RecordedMessage]:
        cid = self.channel(channel).id
        return [
            m
            for m in self.messages
            if m.channel_id == cid and (include_ephemeral or not m.ephemeral) and (include_deleted or not m.deleted)
        ]

    def last_message(self, channel: ChannelRef, *, include_ephemeral: bool = False) -> RecordedMessage | None:
        found = self.messages_in(channel, include_ephemeral=include_ephemeral)
        return found[-1] if found else None

    def ephemeral_responses_for(self, user: UserRef) -> list[RecordedMessage]:
        uid = self.user(user).id
        return [m for m in self.messages if m.ephemeral and m.visible_to == uid and not m.deleted]

    def visible_to(self, user: UserRef, channel: ChannelRef) -> list[RecordedMessage]:
        """What ``user`` sees in ``channel``: public messages plus their own ephemerals."""
        uid = self.user(user).id
        return [m for m in self.messages_in(channel, include_ephemeral=True) if m.visible_to in (None, uid)]

    @property
    def interactions(self) -> list[InteractionRecord]:
        return list(self.state.interactions.values())

    @property
    def threads(self) -> list[FakeChannel]:
        return [t for g in self.guilds for t in g.threads]

    def commands(self, guild: FakeGuild | int | None = None) -> list[JSON]:
        """Registered application commands (global, or of one guild)."""
        if guild is None:
            return self.state.global_commands
        return self.state.guild_commands.get(guild if isinstance(guild, int) else guild.id, [])

    def command(self, name: str, guild_id: int | None = None) -> JSON | None:
        pool = [*self.state.guild_commands.get(guild_id or 0, []), *self.state.global_commands]
        return next((c for c in pool if c["name"] == name and c.get("type", 1) == 1), None)

    async def wait_for(self, predicate: Callable[[], T | None], timeout: float = WAIT_PATIENCE) -> T:
        """Wait until ``predicate()`` is truthy (e.g. a followup arrived); returns its value."""
        return await self.state.wait_for(predicate, timeout)

    # -- gateway -----------------------------------------------------------------------
    async def dispatch(self, event: str, data: Any) -> int:
        """Push any dispatch event (op 0) to all connected clients."""
        return await self.gateway.dispatch(event, data)

    async def request_reconnect(self) -> None:
        await self.gateway.request_reconnect()

    async def user_says(
        self, content: str, *, channel: ChannelRef | None = None, user: UserRef | None = None
    ) -> RecordedMessage:
        """A user posts a message (recorded + MESSAGE_CREATE, subject to intents)."""
        ch = self.channel(channel or self.text_channel)
        msg = RecordedMessage(self.state.snowflake(), ch.id, ch.guild_id, self.user(user or self.default_user), content)
        msg.payloads.append({"content": content})
        self.state.messages[msg.id] = msg
        await self.gateway.dispatch_message("MESSAGE_CREATE", msg)
        return msg

    # -- interactions ------------------------------------------------------------------
    def build_interaction(
        self,
        kind: int,
        data: JSON,
        *,
        user: UserRef | None = None,
        channel: ChannelRef | None = None,
        message: RecordedMessage | None = None,
        locale: str = "en-US",
    ) -> JSON:
        """A realistic INTERACTION_CREATE payload (guild or DM)."""
        who = self.user(user or self.default_user)
        ch = self.channel(channel or (message.channel_id if message else self.text_channel))
        guild = self.state.guild_of(ch)
        iid = self.state.snowflake()
        payload: JSON = {
            "id": str(iid),
            "application_id": str(self.application_id),
            "type": kind,
            "data": data,
            "token": f"standin-{iid}-{secrets.token_urlsafe(24)}",
            "version": 1,
            "channel_id": str(ch.id),
            "locale": locale,
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if guild is None or ch.type == CHANNEL_DM:
            payload.update(
                user=who.to_api(),
                channel=ch.to_api(),
                context=1,
                app_permissions=str(0),
                authorizing_integration_owners={"0": "0"},
            )
        else:
            member = guild.member(who.id)
            assert member is not None, f"{who.username} is not a member of {guild.name}"
            perms = guild.permissions_of(who.id)
            payload.update(
                guild_id=str(guild.id),
                guild_locale="en-US",
                guild={"id": str(guild.id), "locale": "en-US", "features": []},
                member=member.to_api(permissions=perms),
                channel={**ch.to_api(), "permissions": str(perms)},
                app_permissions=str(guild.permissions_of(self.bot.id)),
                context=0,
                authorizing_integration_owners={"0": str(guild.id)},
            )
        if message is not None:
            payload["message"] = message.to_api()
        return payload

    async def send_interaction(
        self, payload: JSON, *, wait: bool = True, timeout: float | None = None
    ) -> InteractionRecord:
        """Dispatch INTERACTION_CREATE; with ``wait`` block until the bot's callback arrives."""
        channel = self.channel(int(payload["channel_id"]))
        user_data = payload["member"]["user"] if "member" in payload else payload["user"]
        message = payload.get("message")
        rec = InteractionRecord(
            int(payload["id"]),
            payload["token"],
            payload["type"],
            payload,
            self.user(int(user_data["id"])),
            channel.id,
            channel.guild_id,
            int(message["id"]) if message else None,
        )
        self.state.interactions[rec.id] = rec
        self.state.interactions_by_token[rec.token] = rec
        if not await self.dispatch("INTERACTION_CREATE", payload):
            raise RuntimeError("no client is connected to the stand-in gateway")
        if wait:
            limit = timeout or self.interaction_timeout
            try:
                await asyncio.wait_for(rec.responded.wait(), limit)
            except TimeoutError:
                what = payload["data"].get("name") or payload["data"].get("custom_id")
                errors = [
                    f"{r.getMessage()}: {r.exc_info[1]!r}" if r.exc_info else r.getMessage() for r in self.logged_errors
                ]
                raise AssertionError(
                    f"bot did not answer interaction (type {payload['type']}, {what!r}) within {limit}s; "
                    f"discord.py logged errors: {errors}; "
                    f"unknown API calls: {[str(r) for r in self.unknown_requests]}"
                ) from None
            for _ in range(5):  # let the client process the HTTP response (e.g. store views)
                await asyncio.sleep(0)
        return rec

    async def slash(
        self,
        name: str,
        options: Mapping[str, Any] | None = None,
        *,
        subcommand: str | Sequence[str] | None = None,
        user: UserRef | None = None,
        channel: ChannelRef | None = None,
        wait: bool = True,
        timeout: float | None = None,
    ) -> InteractionRecord:
        """Run ``/name [group] [subcommand] option:value...`` as a user; needs a synced command.

        Option values: plain str/int/float/bool; users/channels/roles as Fake* objects, ids or
        names; attachments as :meth:`upload` results. Resolved data is filled in like Discord."""
        data = self._command_data(name, options or {}, subcommand, channel, focused=None)
        payload = self.build_interaction(INTERACTION_COMMAND, data, user=user, channel=channel)
        return await self.send_interaction(payload, wait=wait, timeout=timeout)

    async def autocomplete(
        self,
        name: str,
        options: Mapping[str, Any],
        *,
        focused: str,
        subcommand: str | Sequence[str] | None = None,
        user: UserRef | None = None,
        channel: ChannelRef | None = None,
        timeout: float | None = None,
    ) -> InteractionRecord:
        """Type 4 interaction; the answer's ``choices`` are on the returned record."""
        data = self._command_data(name, options, subcommand, channel, focused=focused)
        payload = self.build_interaction(INTERACTION_AUTOCOMPLETE, data, user=user, channel=channel)
        return await self.send_interaction(payload, timeout=timeout)

    async def click(
        self,
        message: RecordedMessage | int,
        custom_id: str,
        *,
        values: Sequence[Any] | None = None,
        user: UserRef | None = None,
        wait: bool = True,
        timeout: float | None = None,
    ) -> InteractionRecord:
        """Click a button / choose select ``values`` on a message the bot posted."""
        msg = message if isinstance(message, RecordedMessage) else self.state.messages[message]
        component = msg.find_component(custom_id)
        if component is None:
            raise LookupError(f"no component {custom_id!r} on message {msg.id}; it has {msg.custom_ids()}")
        if component.get("disabled"):
            raise ValueError(f"component {custom_id!r} is disabled; users cannot use it")
        who = self.user(user or (msg.interaction_user if msg.ephemeral and msg.interaction_user else self.default_user))
        if msg.visible_to not in (None, who.id):
            raise ValueError(f"{who.username} cannot see ephemeral message {msg.id}")
        data: JSON = {"custom_id": custom_id, "component_type": component["type"]}
        if component["type"] in (3, 5, 6, 7, 8):
            data["values"], resolved = self._select_values(component["type"], values or [], msg.channel_id)
            if resolved:
                data["resolved"] = resolved
        payload = self.build_interaction(INTERACTION_COMPONENT, data, user=who, message=msg)
        return await self.send_interaction(payload, wait=wait, timeout=timeout)

    async def submit_modal(
        self,
        modal: InteractionRecord | JSON,
        values: Mapping[str, str | Sequence[str]],
        *,
        user: UserRef | None = None,
        channel: ChannelRef | None = None,
        wait: bool = True,
        timeout: float | None = None,
    ) -> InteractionRecord:
        """Submit a modal: pass the record whose callback opened it (type 9) or its JSON."""
        message = None
        if isinstance(modal, InteractionRecord):
            spec = modal.modal
            if spec is None:
                raise ValueError(f"interaction {modal.id} was answered with type {modal.callback_type}, not a modal")
            user, channel = user or modal.user, channel or modal.channel_id
            message = self.state.messages.get(modal.message_id or 0)
        else:
            spec = modal
        remaining = dict(values)
        components = [self._submitted(c, remaining) for c in spec["components"]]
        if remaining:
            raise LookupError(f"modal {spec['custom_id']!r} has no inputs {sorted(remaining)}")
        data = {"custom_id": spec["custom_id"], "components": components}
        payload = self.build_interaction(INTERACTION_MODAL, data, user=user, channel=channel, message=message)
        return await self.send_interaction(payload, wait=wait, timeout=timeout)

    # -- payload helpers ---------------------------------------------------------------
    def _command_data(
        self,
        name: str,
        values: Mapping[str, Any],
        subcommand: str | Sequence[str] | None,
        channel: ChannelRef | None,
        *,
        focused: str | None,
    ) -> JSON:
        ch = self.channel(channel or self.text_channel)
        cmd = self.command(name, ch.guild_id)
        if cmd is None:
            raise LookupError(f"/{name} is not registered (did the bot sync its command tree?)")
        path = subcommand.split() if isinstance(subcommand, str) else list(subcommand or [])
        schema: list[JSON] = cmd.get("options") or []
        for part in path:
            sub = next((o for o in schema if o["name"] == part and o["type"] in (1, 2)), None)
            if sub is None:
                raise LookupError(f"/{name} has no subcommand (group) {part!r}")
            schema = sub.get("options") or []
        guild = self.state.guild_of(ch)
        resolved: dict[str, dict[str, JSON]] = {}
        options: list[JSON] = []
        for opt_name, value in values.items():
            spec = next((o for o in schema if o["name"] == opt_name), None)
            if spec is None or spec["type"] in (1, 2):
                raise LookupError(f"/{name} {' '.join(path)} has no option {opt_name!r}")
            if opt_name == focused:
                options.append({"name": opt_name, "type": spec["type"], "value": str(value), "focused": True})
            else:
                options.append(
                    {
                        "name": opt_name,
                        "type": spec["type"],
                        "value": self._option_value(spec["type"], value, resolved, guild),
                    }
                )
        missing = [o["name"] for o in schema if o.get("required") and o["name"] not in values]
        if missing and focused is None:
            raise ValueError(f"/{name}: required options missing: {missing}")
        for depth, part in reversed(list(enumerate(path))):
            options = [{"name": part, "type": 1 if depth == len(path) - 1 else 2, "options": options}]
        data: JSON = {"id": cmd["id"], "name": name, "type": 1, "options": options}
        if cmd.get("guild_id"):
            data["guild_id"] = cmd["guild_id"]
        if resolved:
            data["resolved"] = resolved
        return data

    def _option_value(
        self, kind: int, value: Any, resolved: dict[str, dict[str, JSON]], guild: FakeGuild | None
    ) -> Any:
        if kind == 6 or (kind == 9 and isinstance(value, FakeUser)):
            user = self.user(value)
            resolved.setdefault("users", {})[str(user.id)] = user.to_api()
            member = guild.member(user.id) if guild else None
            if guild is not None and member is not None:
                perms = guild.permissions_of(user.id)
                resolved.setdefault("members", {})[str(user.id)] = member.to_api(with_user=False, permissions=perms)
            return str(user.id)
        if kind == 7:
            ch = self.channel(value)
            resolved.setdefault("channels", {})[str(ch.id)] = {**ch.to_api(), "permissions": str(0)}
            return str(ch.id)
        if kind in (8, 9):
            role = self.role(value, guild)
            resolved.setdefault("roles", {})[str(role.id)] = role.to_api()
            return str(role.id)
        if kind == 11:
            if not isinstance(value, RecordedAttachment):
                raise TypeError("attachment options take DiscordStandIn.upload(...) results")
            resolved.setdefault("attachments", {})[str(value.id)] = value.to_api()
            return str(value.id)
        return {4: int, 5: bool, 10: float}.get(kind, str)(value)

    def _select_values(self, kind: int, values: Sequence[Any], channel_id: int) -> tuple[list[str], JSON]:
        if kind == 3:
            return [str(v) for v in values], {}
        resolved: dict[str, dict[str, JSON]] = {}
        option_kind = {5: 6, 6: 8, 8: 7}.get(kind, 9)
        guild = self.state.guild_of(self.channel(channel_id))
        return [str(self._option_value(option_kind, v, resolved, guild)) for v in values], dict(resolved)

    def _submitted(self, component: JSON, values: dict[str, str | Sequence[str]]) -> JSON:
        kind = component["type"]
        out: JSON = {"type": kind}
        if "id" in component:
            out["id"] = component["id"]
        if kind == 1:
            out["components"] = [self._submitted(c, values) for c in component["components"]]
        elif kind == 18:
            out["component"] = self._submitted(component["component"], values)
        elif kind == 4:
            value = values.pop(component["custom_id"], component.get("value") or "")
            if component.get("required", True) and not value:
                raise ValueError(f"required text input {component['custom_id']!r} left empty")
            out.update(custom_id=component["custom_id"], value=str(value))
        elif "custom_id" in component:
            picked = values.pop(component["custom_id"], [])
            out.update(custom_id=component["custom_id"], values=[picked] if isinstance(picked, str) else list(picked))
        return out
