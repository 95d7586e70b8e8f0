"""REST half of the Discord stand-in (the routes a bot built on discord.py calls).

Responses carry ``Content-Type: application/json`` exactly: discord.py only decodes JSON when
the header is that literal string. Unknown routes answer ``404 {"message": "404: Not Found",
"code": 0}`` and are recorded in ``DiscordState.unknown_requests``.
"""

from __future__ import annotations

import asyncio
import json
import mimetypes
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote

from aiohttp import BodyPartReader, web

from .discord_gateway import Gateway
from .discord_models import (
    CHANNEL_DM,
    EPHEMERAL,
    JSON,
    LOADING,
    THREAD_PUBLIC,
    THREAD_TYPES,
    DiscordState,
    FakeChannel,
    FakeGuild,
    InteractionRecord,
    RecordedAttachment,
    RecordedMessage,
    RecordedRequest,
    iso,
)

Handler = Callable[[RecordedRequest, re.Match[str]], Awaitable[web.StreamResponse]]
TRUTHY = ("1", "true", "True")


class ApiError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def json_response(data: Any, status: int = 200) -> web.Response:
    return web.Response(body=json.dumps(data).encode(), status=status, content_type="application/json")


def no_content() -> web.Response:
    return web.Response(status=204)


def unknown(what: str, code: int) -> ApiError:
    return ApiError(404, code, f"Unknown {what}")


class RestAPI:
    def __init__(self, state: DiscordState, gateway: Gateway, *, echo_messages: bool = True) -> None:
        self.state = state
        # While this is an unset event, the reply to a posted message waits for it (the message
        # is already in the channel): a slow network between Discord and the bot.
        self.hold_post_replies: asyncio.Event | None = None
        self.gateway = gateway
        self.echo_messages = echo_messages
        cmds = r"/applications/(?P<app>\d+)(?:/guilds/(?P<guild>\d+))?/commands"
        hook = r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)"
        msg = r"/channels/(?P<cid>\d+)/messages/(?P<mid>\d+)"
        table: list[tuple[str, str, Handler]] = [
            ("GET", r"/users/@me", self.get_me),
            ("GET", r"/users/(?P<uid>\d+)", self.get_user),
            ("POST", r"/users/@me/channels", self.create_dm),
            ("GET", r"/(?:oauth2/)?applications/@me", self.get_application),
            ("PATCH", r"/applications/@me", self.get_application),
            ("GET", r"/gateway(?:/bot)?", self.get_gateway),
            ("GET", cmds, self.get_commands),
            ("PUT", cmds, self.put_commands),
            ("POST", cmds, self.upsert_command),
            ("PATCH", cmds + r"/(?P<cmd>\d+)", self.upsert_command),
            ("DELETE", cmds + r"/(?P<cmd>\d+)", self.delete_command),
            ("GET", cmds + r"/permissions", self.empty_list),
            ("GET", r"/channels/(?P<cid>\d+)", self.get_channel),
            ("PATCH", r"/channels/(?P<cid>\d+)", self.edit_channel),
            ("GET", r"/channels/(?P<cid>\d+)/messages", self.list_messages),
            ("POST", r"/channels/(?P<cid>\d+)/messages", self.post_message),
            ("GET", msg, self.get_message),
            ("PATCH", msg, self.edit_message),
            ("DELETE", msg, self.delete_message),
            ("PUT", msg + r"/reactions/(?P<emoji>[^/]+)/@me", self.react),
            ("DELETE", msg + r"/reactions/(?P<emoji>[^/]+)/@me", self.react),
            ("POST", r"/channels/(?P<cid>\d+)/threads", self.create_thread),
            ("POST", msg + r"/threads", self.create_thread),
            ("PUT", r"/channels/(?P<cid>\d+)/thread-members/[^/]+", self.no_content),
            ("DELETE", r"/channels/(?P<cid>\d+)/thread-members/[^/]+", self.no_content),
            ("POST", r"/channels/(?P<cid>\d+)/typing", self.no_content),
            ("GET", r"/guilds/(?P<gid>\d+)", self.get_guild),
            ("GET", r"/guilds/(?P<gid>\d+)/channels", self.get_guild_channels),
            ("GET", r"/guilds/(?P<gid>\d+)/roles", self.get_guild_roles),
            ("GET", r"/guilds/(?P<gid>\d+)/members", self.list_members),
            ("GET", r"/guilds/(?P<gid>\d+)/members/(?P<uid>\d+)", self.get_member),
            ("POST", r"/interactions/(?P<iid>\d+)/(?P<token>[^/]+)/callback", self.callback),
            ("POST", hook, self.followup),
            ("GET", hook + r"/messages/(?P<mid>\d+|@original)", self.webhook_message),
            ("PATCH", hook + r"/messages/(?P<mid>\d+|@original)", self.webhook_message),
            ("DELETE", hook + r"/messages/(?P<mid>\d+|@original)", self.webhook_message),
        ]
        self.routes = [(m, re.compile(p), h) for m, p, h in table]

    # -- plumbing ----------------------------------------------------------------------
    async def parse(self, request: web.Request, path: str) -> RecordedRequest:
        rec = RecordedRequest(request.method, path, dict(request.query))
        if request.content_type == "multipart/form-data":
            reader = await request.multipart()
            async for part in reader:
                if not isinstance(part, BodyPartReader):
                    continue
                if part.name == "payload_json":
                    rec.json = json.loads(await part.text())
                elif part.name is not None and part.name.startswith("files["):
                    filename = part.filename or part.name
                    rec.files.append(
                        RecordedAttachment(
                            int(part.name[6:-1]),
                            filename,
                            bytes(await part.read()),
                            "",
                            mimetypes.guess_type(filename)[0] or "application/octet-stream",
                        )
                    )
        elif request.can_read_body:
            body = await request.read()
            rec.json = json.loads(body) if body else None
        return rec

    async def handle(self, request: web.Request) -> web.StreamResponse:
        rec = await self.parse(request, "/" + request.match_info["tail"])
        self.state.requests.append(rec)
        try:
            needs_auth = not rec.path.startswith(("/interactions/", "/webhooks/"))
            token = self.state.token
            if needs_auth and token is not None and request.headers.get("Authorization") != f"Bot {token}":
                raise ApiError(401, 0, "401: Unauthorized")
            for method, pattern, handler in self.routes:
                match = pattern.fullmatch(rec.path)
                if match is not None and method == rec.method:
                    return await handler(rec, match)
            return self.not_found(rec)
        except ApiError as exc:
            return json_response({"message": exc.message, "code": exc.code}, exc.status)
        finally:
            self.state.notify()

    def not_found(self, rec: RecordedRequest) -> web.Response:
        self.state.unknown_requests.append(rec)
        return json_response({"message": "404: Not Found", "code": 0}, 404)

    async def handle_other(self, request: web.Request) -> web.StreamResponse:
        """Non-API paths: attachment downloads, everything else is an unknown route."""
        rec = RecordedRequest(request.method, request.path, dict(request.query))
        self.state.requests.append(rec)
        found = re.fullmatch(r"/attachments/\d+/(\d+)/[^/]+", request.path)
        if request.method == "GET" and found and int(found[1]) in self.state.attachments:
            att = self.state.attachments[int(found[1])]
            return web.Response(body=att.data, content_type=att.content_type or "application/octet-stream")
        return self.not_found(rec)

    def channel(self, cid: str | int) -> FakeChannel:
        channel = self.state.channels.get(int(cid))
        if channel is None:
            raise unknown("Channel", 10003)
        return channel

    def message(self, mid: str | int, channel_id: int | None = None) -> RecordedMessage:
        msg = self.state.messages.get(int(mid))
        if msg is None or msg.deleted or (channel_id is not None and msg.channel_id != channel_id):
            raise unknown("Message", 10008)
        return msg

    def interaction(self, token: str) -> InteractionRecord:
        rec = self.state.interactions_by_token.get(token)
        if rec is None:
            raise unknown("Webhook", 10015)
        return rec

    async def no_content(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        return no_content()

    async def empty_list(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        return json_response([])

    # -- messages ----------------------------------------------------------------------
    def apply_payload(self, msg: RecordedMessage, body: JSON, files: list[RecordedAttachment]) -> None:
        """Apply a create/edit body (only keys present change, like Discord's PATCH)."""
        if msg.payloads:
            msg.history.append(msg.snapshot())
            msg.edited_at = iso()
        msg.payloads.append(body)
        if "content" in body:
            msg.content = body["content"] or ""
        if "embed" in body:
            msg.embeds = [body["embed"]] if body["embed"] else []
        for key in ("embeds", "components"):
            if key in body:
                setattr(msg, key, list(body[key] or []))
        if body.get("flags") is not None:
            # ephemerality/loading are fixed at creation; other flags (suppress embeds,
            # components v2, ...) may change
            msg.flags = (msg.flags & (EPHEMERAL | LOADING)) | (int(body["flags"]) & ~(EPHEMERAL | LOADING))
        if "allowed_mentions" in body:
            msg.allowed_mentions = body["allowed_mentions"]
        msg.tts = bool(body.get("tts", msg.tts))
        if body.get("message_reference"):
            msg.message_reference = body["message_reference"]
            msg.type = 19
        uploads = {f.id: f for f in files}
        kept = {a.id: a for a in msg.attachments}
        if "attachments" in body or files:
            spec = body.get("attachments")
            if spec is None:
                spec = [*({"id": a} for a in kept), *({"id": i} for i in uploads)]
            new: list[RecordedAttachment] = []
            for item in spec:
                aid = int(item["id"])
                if aid in kept:
                    new.append(kept[aid])
                elif aid in uploads:
                    up = uploads[aid]
                    new.append(
                        self.state.new_attachment(
                            msg.channel_id,
                            item.get("filename") or up.filename,
                            up.data,
                            up.content_type,
                            item.get("description"),
                        )
                    )
            msg.attachments = new

    def new_message(
        self,
        channel: FakeChannel,
        body: JSON,
        files: list[RecordedAttachment],
        interaction: InteractionRecord | None = None,
        webhook: bool = False,
    ) -> RecordedMessage:
        msg = RecordedMessage(self.state.snowflake(), channel.id, channel.guild_id, self.state.bot)
        if interaction is not None:
            msg.interaction_id, msg.interaction_type = interaction.id, interaction.type
            msg.interaction_user = interaction.user
            msg.type = 20 if interaction.type == 2 else 0
            if body.get("flags") is not None:
                msg.flags = int(body["flags"]) & (EPHEMERAL | LOADING)
        if webhook or interaction is not None:
            msg.webhook_id = self.state.application_id
        self.apply_payload(msg, body, files)
        self.state.messages[msg.id] = msg
        if not msg.ephemeral:
            channel.message_count += 1
        return msg

    async def echo(self, event: str, msg: RecordedMessage) -> None:
        if self.echo_messages:
            await self.gateway.dispatch_message(event, msg)

    async def post_message(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        msg = self.new_message(self.channel(m["cid"]), rec.json or {}, rec.files)
        await self.echo("MESSAGE_CREATE", msg)
        if self.hold_post_replies is not None:
            self.state.notify()  # the message is visible now, before its reply
            await self.hold_post_replies.wait()
        return json_response(msg.to_api())

    async def list_messages(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        cid = self.channel(m["cid"]).id
        found = [
            msg
            for msg in self.state.messages.values()
            if msg.channel_id == cid
            and not msg.deleted
            and not msg.ephemeral
            and int(rec.query.get("before", 1 << 63)) > msg.id > int(rec.query.get("after", 0))
        ]
        found.sort(key=lambda msg: msg.id, reverse=True)
        return json_response([msg.to_api() for msg in found[: int(rec.query.get("limit", 50))]])

    async def get_message(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        return json_response(self.message(m["mid"], int(m["cid"])).to_api())

    async def edit_message(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        msg = self.message(m["mid"], int(m["cid"]))
        if msg.author.id != self.state.bot.id and set(rec.json or {}) - {"flags"}:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        self.apply_payload(msg, rec.json or {}, rec.files)
        await self.echo("MESSAGE_UPDATE", msg)
        return json_response(msg.to_api())

    async def delete_message(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        msg = self.message(m["mid"], int(m["cid"]))
        msg.deleted = True
        if not msg.ephemeral:
            data = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
            if msg.guild_id is not None:
                data["guild_id"] = str(msg.guild_id)
            await self.gateway.dispatch("MESSAGE_DELETE", data)
        return no_content()

    async def react(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        msg = self.message(m["mid"], int(m["cid"]))
        emoji = unquote(m["emoji"])
        if rec.method == "PUT" and emoji not in msg.reactions:
            msg.reactions.append(emoji)
        elif rec.method == "DELETE" and emoji in msg.reactions:
            msg.reactions.remove(emoji)
        return no_content()

    # -- channels, threads, guilds, users ----------------------------------------------
    async def get_channel(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        return json_response(self.channel(m["cid"]).to_api())

    async def edit_channel(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        channel, body = self.channel(m["cid"]), rec.json or {}
        for key in ("name", "topic", "archived", "locked", "auto_archive_duration"):
            if key in body:
                setattr(channel, key, body[key])
        event = "THREAD_UPDATE" if channel.is_thread else "CHANNEL_UPDATE"
        await self.gateway.dispatch(event, channel.to_api())
        return json_response(channel.to_api())

    async def create_thread(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        parent, body = self.channel(m["cid"]), rec.json or {}
        if parent.type in (CHANNEL_DM, *THREAD_TYPES) or parent.guild_id is None:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        if "mid" in m.groupdict() and m["mid"]:
            starter = self.message(m["mid"], parent.id)
            thread_id, kind = starter.id, THREAD_PUBLIC  # Discord reuses the message id
        else:
            thread_id, kind = self.state.snowflake(), int(body.get("type") or THREAD_PUBLIC)
        if thread_id in self.state.channels:
            raise ApiError(400, 160004, "A thread has already been created for this message")
        thread = FakeChannel(
            thread_id,
            str(body.get("name", "thread")),
            kind,
            parent.guild_id,
            parent.id,
            owner_id=self.state.bot.id,
            auto_archive_duration=int(body.get("auto_archive_duration") or 1440),
        )
        self.state.channels[thread.id] = thread
        self.state.guilds[parent.guild_id].threads.append(thread)
        await self.gateway.dispatch("THREAD_CREATE", {**thread.to_api(), "newly_created": True})
        return json_response(thread.to_api(), 201)

    async def get_guild(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        return json_response(self.guild(m["gid"]).to_api())

    async def get_guild_channels(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        return json_response([c.to_api() for c in self.guild(m["gid"]).channels])

    async def get_guild_roles(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        return json_response([r.to_api() for r in self.guild(m["gid"]).roles])

    async def list_members(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        members = self.guild(m["gid"]).members[: int(rec.query.get("limit", 1))]
        return json_response([mem.to_api() for mem in members])

    async def get_member(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        member = self.guild(m["gid"]).member(int(m["uid"]))
        if member is None:
            raise unknown("Member", 10007)
        return json_response(member.to_api())

    def guild(self, gid: str) -> FakeGuild:
        guild = self.state.guilds.get(int(gid))
        if guild is None:
            raise unknown("Guild", 10004)
        return guild

    async def get_me(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        return json_response(self.state.bot.to_api())

    async def get_user(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        user = self.state.users.get(int(m["uid"]))
        if user is None:
            raise unknown("User", 10013)
        return json_response(user.to_api())

    async def create_dm(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        user = self.state.users.get(int((rec.json or {}).get("recipient_id", 0)))
        if user is None:
            raise unknown("User", 10013)
        for channel in self.state.channels.values():
            if channel.type == CHANNEL_DM and channel.recipients == [user]:
                return json_response(channel.to_api())
        dm = FakeChannel(self.state.snowflake(), "", CHANNEL_DM, recipients=[user])
        self.state.channels[dm.id] = dm
        return json_response(dm.to_api())

    async def get_application(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        return json_response(
            {
                "id": str(self.state.application_id),
                "name": self.state.bot.username,
                "description": "Local Discord stand-in application",
                "icon": None,
                "bot_public": True,
                "bot_require_code_grant": False,
                "owner": self.state.owner.to_api(),
                "verify_key": "0" * 64,
                "flags": 0,
                "bot": self.state.bot.to_api(),
                "team": None,
                "interactions_endpoint_url": None,
                "redirect_uris": [],
            }
        )

    async def get_gateway(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return json_response({"url": self.gateway.url, "shards": 1, "session_start_limit": limit})

    # -- application commands ------------------------------------------------------------
    def command_list(self, m: re.Match[str]) -> list[JSON]:
        if int(m["app"]) != self.state.application_id:
            raise unknown("Application", 10002)
        if m["guild"] is None:
            return self.state.global_commands
        return self.state.guild_commands.setdefault(int(self.guild(m["guild"]).id), [])

    def normalise_command(self, body: JSON, m: re.Match[str], existing: list[JSON]) -> JSON:
        kind = int(body.get("type", 1))
        old = next((c for c in existing if c["name"] == body["name"] and c["type"] == kind), None)
        cmd: JSON = {
            "default_member_permissions": None,
            "nsfw": False,
            "options": [],
            "description": "",
            "contexts": None,
            "integration_types": [0],
            **body,
        }
        cmd.update(
            id=old["id"] if old else str(self.state.snowflake()),
            type=kind,
            application_id=str(self.state.application_id),
            version=str(self.state.snowflake()),
        )
        if m["guild"] is not None:
            cmd["guild_id"] = m["guild"]
        return cmd

    async def get_commands(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        return json_response(self.command_list(m))

    async def put_commands(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        existing = self.command_list(m)
        new = [self.normalise_command(body, m, existing) for body in rec.json or []]
        existing[:] = new
        return json_response(new)

    async def upsert_command(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        existing = self.command_list(m)
        if m.groupdict().get("cmd"):
            old = next((c for c in existing if c["id"] == m["cmd"]), None)
            if old is None:
                raise unknown("application command", 10063)
            body = {**old, **(rec.json or {})}
        else:
            body = rec.json or {}
        cmd = self.normalise_command(body, m, existing)
        existing[:] = [c for c in existing if c["id"] != cmd["id"]] + [cmd]
        return json_response(cmd, 200 if m.groupdict().get("cmd") else 201)

    async def delete_command(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        existing = self.command_list(m)
        existing[:] = [c for c in existing if c["id"] != m["cmd"]]
        return no_content()

    # -- interactions --------------------------------------------------------------------
    async def callback(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        inter = self.state.interactions.get(int(m["iid"]))
        if inter is None or inter.token != m["token"]:
            raise unknown("interaction", 10062)
        if inter.callback is not None:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        body = rec.json or {}
        inter.callback = body
        kind, data = int(body["type"]), dict(body.get("data") or {})
        channel = self.channel(inter.channel_id)
        message: RecordedMessage | None = None
        if kind == 4:
            message = self.new_message(channel, data, rec.files, inter)
            await self.echo("MESSAGE_CREATE", message)
        elif kind == 5:
            flags = int(data.get("flags") or 0) | LOADING
            message = self.new_message(channel, {"content": "", "flags": flags}, [], inter)
        elif kind in (6, 7) and inter.message_id is not None:
            message = self.message(inter.message_id)
            if kind == 7:
                self.apply_payload(message, data, rec.files)
                await self.echo("MESSAGE_UPDATE", message)
        inter.original_message = message
        inter.responded.set()
        if rec.query.get("with_response") not in TRUTHY:
            return no_content()
        info: JSON = {"id": str(inter.id), "type": inter.type}
        if message is not None:
            info.update(
                response_message_id=str(message.id),
                response_message_loading=message.loading,
                response_message_ephemeral=message.ephemeral,
            )
        result: JSON = {"interaction": info}
        if message is not None and kind in (4, 5, 7):
            result["resource"] = {"type": kind, "message": message.to_api()}
        return json_response(result)

    async def followup(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        inter = self.interaction(m["token"])
        body = rec.json or {}
        original = inter.original_message
        if original is not None and original.loading and not inter.followups:
            # The first followup after a "thinking" defer replaces the loading message and
            # keeps the defer's ephemerality.
            original.flags &= ~LOADING
            self.apply_payload(original, {**body, "flags": None}, rec.files)
            msg = original
            await self.echo("MESSAGE_UPDATE", msg)
        else:
            msg = self.new_message(self.channel(inter.channel_id), body, rec.files, inter)
            await self.echo("MESSAGE_CREATE", msg)
        inter.followups.append(msg)
        if rec.query.get("wait") in TRUTHY:
            return json_response(msg.to_api())
        return no_content()

    async def webhook_message(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        inter = self.interaction(m["token"])
        if m["mid"] == "@original":
            if inter.original_message is None:
                raise unknown("Message", 10008)
            msg = inter.original_message
        else:
            msg = self.message(m["mid"])
        if msg.deleted:
            raise unknown("Message", 10008)
        if rec.method == "PATCH":
            msg.flags &= ~LOADING
            self.apply_payload(msg, rec.json or {}, rec.files)
            await self.echo("MESSAGE_UPDATE", msg)
        elif rec.method == "DELETE":
            msg.deleted = True
            return no_content()
        return json_response(msg.to_api())
