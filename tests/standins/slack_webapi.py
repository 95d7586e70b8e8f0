"""Workspace state and Web API method implementations for the Slack stand-in.

Nothing here does I/O: :class:`SlackWorkspace` keeps everything a user would see
(messages, ephemerals, views, files, response_url replies) and implements the
Web API methods as plain functions of ``(args) -> dict``.  The aiohttp server in
``slack_server.py`` parses requests and calls :meth:`SlackWorkspace.dispatch`.
"""

from __future__ import annotations

import hashlib
import itertools
import time
from collections.abc import Callable
from typing import Literal, TypeVar

from .slack_records import (
    JSON,
    WAIT_PATIENCE,
    ActionTarget,
    ApiCall,
    ApiError,
    EphemeralRecord,
    FileRecord,
    MessageRecord,
    MethodHandler,
    Notifier,
    ResponseMessage,
    ResponseUrl,
    SlackChannel,
    SlackUser,
    ViewRecord,
    iter_elements,
    truthy,
    ts_key,
)

T = TypeVar("T")


class SlackWorkspace:
    """In-memory Slack workspace with Web API method implementations."""

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-standin-bot-token",
        app_token: str = "xapp-1-standin-app-token",
        signing_secret: str = "standin-signing-secret",
        verification_token: str = "standin-verification-token",
        team_id: str = "T0STANDIN",
        team_domain: str = "standin",
        app_id: str = "A0STANDIN",
        bot_id: str = "B0STANDIN",
        bot_user: SlackUser | None = None,
        users: list[SlackUser] | None = None,
        channels: list[SlackChannel] | None = None,
        auto_create_channels: bool = True,
        trigger_ttl: float | None = 3.0,
    ) -> None:
        self.bot_token = bot_token
        self.app_token = app_token
        self.signing_secret = signing_secret
        self.verification_token = verification_token
        self.team_id = team_id
        self.team_domain = team_domain
        self.app_id = app_id
        self.bot_id = bot_id
        self.bot_user = bot_user or SlackUser("U0BOT", "rebuttal", "Rebuttal", is_bot=True)
        self.auto_create_channels = auto_create_channels
        self.trigger_ttl = trigger_ttl
        self.base_url = "http://127.0.0.1"  # replaced by the server once bound
        self.notifier = Notifier()

        self.users: dict[str, SlackUser] = {self.bot_user.id: self.bot_user}
        for user in users or []:
            self.users[user.id] = user
        self.channels: dict[str, SlackChannel] = {}
        for channel in channels or [SlackChannel("C0GENERAL", "general")]:
            self.channels[channel.id] = channel

        self.calls: list[ApiCall] = []
        self.unknown_calls: list[ApiCall] = []
        self.problems: list[str] = []
        self.messages: list[MessageRecord] = []
        self.ephemerals: list[EphemeralRecord] = []
        self.views: list[ViewRecord] = []
        self.files: dict[str, FileRecord] = {}
        self.response_urls: dict[str, ResponseUrl] = {}
        self.response_messages: list[ResponseMessage] = []
        self.dm_channels: dict[str, str] = {}  # user id -> D channel id
        self.triggers: dict[str, tuple[str, float]] = {}  # trigger_id -> (user, issued at)
        self.injected_errors: dict[str, list[tuple[str, int, dict[str, str]]]] = {}

        self._ids = itertools.count(1)
        self._last_us = 0
        self.methods: dict[str, MethodHandler] = {
            "api.test": lambda args: {"args": args},
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.delete": self._chat_delete,
            "chat.getPermalink": self._chat_get_permalink,
            "views.open": lambda args: self._views_open(args, "views.open"),
            "views.push": lambda args: self._views_open(args, "views.push"),
            "views.publish": lambda args: self._views_open(args, "views.publish"),
            "views.update": self._views_update,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.replies": self._conversations_replies,
            "conversations.join": self._conversations_join,
            "users.info": self._users_info,
            "files.getUploadURLExternal": self._files_get_upload_url,
            "files.completeUploadExternal": self._files_complete_upload,
        }
        # methods that need the app-level (xapp-) token instead of the bot token
        self.app_token_methods: set[str] = {"apps.connections.open"}

    # ------------------------------------------------------------------ setup
    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        real_name: str = "",
        display_name: str = "",
        is_admin: bool = False,
        is_owner: bool = False,
    ) -> SlackUser:
        user = SlackUser(user_id, name, real_name, display_name, is_admin, is_owner)
        self.users[user_id] = user
        return user

    def add_channel(self, channel_id: str, name: str, *, is_private: bool = False) -> SlackChannel:
        channel = SlackChannel(channel_id, name, is_private=is_private)
        self.channels[channel_id] = channel
        return channel

    def register_method(self, name: str, handler: MethodHandler) -> None:
        """Add or override a Web API method (``handler(args) -> response dict``)."""
        self.methods[name] = handler

    def inject_error(
        self,
        method: str,
        error: str,
        *,
        times: int = 1,
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail (e.g. ``ratelimited``/429)."""
        queue = self.injected_errors.setdefault(method, [])
        queue.extend([(error, status, dict(headers or {}))] * times)

    # ---------------------------------------------------------------- helpers
    def next_id(self, prefix: str) -> str:
        return f"{prefix}0{next(self._ids):08d}"

    def next_ts(self) -> str:
        """Unique, strictly increasing Slack-style ``"seconds.micros"`` timestamp."""
        now_us = max(time.time_ns() // 1000, self._last_us + 1)
        self._last_us = now_us
        return f"{now_us // 1_000_000}.{now_us % 1_000_000:06d}"

    def issue_trigger(self, user: str) -> str:
        trigger_id = f"{next(self._ids)}.{self.team_id}.{hashlib.md5(user.encode()).hexdigest()}"
        self.triggers[trigger_id] = (user, time.monotonic())
        return trigger_id

    def ensure_user(self, user_id: str) -> SlackUser:
        """Return the user, creating a plain member for an id not seen before."""
        if user_id not in self.users:
            self.users[user_id] = SlackUser(user_id, user_id.lower(), user_id)
        return self.users[user_id]

    def user_name(self, user_id: str) -> str:
        user = self.users.get(user_id)
        return user.name if user else user_id.lower()

    def changed(self) -> None:
        self.notifier.notify()

    async def wait_for(self, predicate: Callable[[], T | None], timeout: float = WAIT_PATIENCE) -> T:
        """Await until ``predicate()`` is truthy (re-checked after every recorded change)."""
        return await self.notifier.wait_for(predicate, timeout)

    def transcript(self) -> str:
        """Human-readable dump of what users would see (handy in assertion messages)."""
        lines = []
        for m in self.messages:
            where = f"{m.channel} thread {m.thread_ts}" if m.is_reply else m.channel
            flags = " (deleted)" if m.deleted else f" (edited x{len(m.history)})" if m.history else ""
            lines.append(f"[{where}] {m.user} @{m.ts}: {m.text!r} blocks={len(m.blocks)}{flags}")
        lines += [f"[{e.channel}] ephemeral to {e.user} via {e.source}: {e.text!r}" for e in self.ephemerals]
        lines += [f"view {v.id} {v.callback_id!r} for {v.user} via {v.method}" for v in self.views]
        lines += [f"file {f.id} {f.filename!r} -> {f.channels}" for f in self.files.values()]
        return "\n".join(lines)

    def assert_clean(self) -> None:
        """Fail if the bot made unknown calls, used bad tokens, etc."""
        assert not self.problems, "Slack stand-in problems:\n" + "\n".join(self.problems)

    # -------------------------------------------------------------- dispatch
    def dispatch(self, method: str, args: JSON, token: str | None) -> ApiCall:
        """Run one Web API call and record it."""
        call = ApiCall(method, args, token, {"ok": False, "error": "internal_error"})
        handler = self.methods.get(method)
        if handler is None:
            call.response = {"ok": False, "error": "unknown_method", "req_method": method}
            call.status = 404
            self.unknown_calls.append(call)
            self.problems.append(f"unknown Web API method called: {method} {args!r}")
        elif not token:
            call.response = {"ok": False, "error": "not_authed"}
            self.problems.append(f"{method} called without a token")
        elif token != (self.app_token if method in self.app_token_methods else self.bot_token):
            is_other = token in (self.app_token, self.bot_token)
            call.response = {"ok": False, "error": "not_allowed_token_type" if is_other else "invalid_auth"}
            self.problems.append(f"{method} called with wrong token {token[:12]}...")
        elif self.injected_errors.get(method):
            error, status, headers = self.injected_errors[method].pop(0)
            call.response = {"ok": False, "error": error}
            call.status, call.headers = status, headers
        else:
            try:
                call.response = {"ok": True, **handler(args)}
            except ApiError as exc:
                call.response = {"ok": False, "error": exc.error}
                call.status = exc.status
        self.calls.append(call)
        self.changed()
        return call

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    # ---------------------------------------------------------- resolution
    def resolve_channel(self, value: object) -> str:
        if not isinstance(value, str) or not value:
            raise ApiError("channel_not_found")
        if value.startswith("#"):
            value = value[1:]
        if value in self.channels:
            return value
        for channel in self.channels.values():
            if channel.name == value:
                return channel.id
        if value[0] in "UW" and value in self.users:
            return self.open_dm(value)
        if self.auto_create_channels and value[0] in "CGD" and value.isalnum():
            self.channels[value] = SlackChannel(value, value.lower(), is_im=value[0] == "D")
            return value
        raise ApiError("channel_not_found")

    def open_dm(self, user: str) -> str:
        if user not in self.dm_channels:
            dm_id = f"D{user}"
            self.dm_channels[user] = dm_id
            self.channels[dm_id] = SlackChannel(dm_id, dm_id.lower(), is_im=True, user=user)
        return self.dm_channels[user]

    def message(self, channel: str, ts: str) -> MessageRecord | None:
        for msg in self.messages:
            if msg.channel == channel and msg.ts == ts:
                return msg
        return None

    def _content(self, args: JSON, *, require: bool = True) -> tuple[str, list[JSON], list[JSON]]:
        text = args.get("text")
        blocks = args.get("blocks")
        attachments = args.get("attachments")
        if require and not (text or blocks or attachments):
            raise ApiError("no_text")
        return str(text or ""), list(blocks or []), list(attachments or [])

    def post_message(
        self,
        channel: str,
        text: str,
        blocks: list[JSON],
        *,
        user: str | None = None,
        thread_ts: str | None = None,
        attachments: list[JSON] | None = None,
        source: str = "chat.postMessage",
        subtype: str | None = None,
        files: list[str] | None = None,
        reply_broadcast: bool = False,
        raw: JSON | None = None,
    ) -> MessageRecord:
        if thread_ts:  # replies to a reply land in the parent's thread
            parent = self.message(channel, thread_ts)
            if parent is None:
                self.problems.append(f"thread_ts {thread_ts} does not exist in {channel}")
            elif parent.thread_ts:
                thread_ts = parent.thread_ts
            else:
                parent.thread_ts = parent.ts
        is_bot = user is None
        msg = MessageRecord(
            channel=channel,
            ts=self.next_ts(),
            text=text,
            blocks=blocks,
            user=user or self.bot_user.id,
            thread_ts=thread_ts or None,
            attachments=attachments or [],
            bot_id=self.bot_id if is_bot else None,
            files=files or [],
            subtype=subtype,
            source=source,
            reply_broadcast=reply_broadcast,
            raw=raw or {},
        )
        self.messages.append(msg)
        self.changed()
        return msg

    # ----------------------------------------------------------- queries
    def messages_in(
        self, channel: str, thread_ts: str | None = None, *, include_deleted: bool = False
    ) -> list[MessageRecord]:
        """Top-level messages of ``channel``, or the replies of thread ``thread_ts``."""
        result = []
        for msg in self.messages:
            if msg.channel != channel or (msg.deleted and not include_deleted):
                continue
            in_thread = msg.is_reply and msg.thread_ts == thread_ts
            if in_thread or (thread_ts is None and not msg.is_reply):
                result.append(msg)
        return result

    def all_messages_in(self, channel: str) -> list[MessageRecord]:
        return [m for m in self.messages if m.channel == channel and not m.deleted]

    def ephemerals_for(self, user: str, channel: str | None = None) -> list[EphemeralRecord]:
        return [e for e in self.ephemerals if e.user == user and (channel is None or e.channel == channel)]

    def dms_to(self, user: str) -> list[MessageRecord]:
        dm = self.dm_channels.get(user)
        return self.all_messages_in(dm) if dm else []

    def views_for(self, user: str | None = None, callback_id: str | None = None) -> list[ViewRecord]:
        return [
            v
            for v in self.views
            if (user is None or v.user == user) and (callback_id is None or v.callback_id == callback_id)
        ]

    def files_in(self, channel: str, thread_ts: str | None = None) -> list[FileRecord]:
        return [
            f
            for f in self.files.values()
            if f.completed and channel in f.channels and (thread_ts is None or f.thread_ts == thread_ts)
        ]

    def responses_for(self, user: str | None = None) -> list[ResponseMessage]:
        return [r for r in self.response_messages if user is None or r.user == user]

    def find_action(self, action_id: str, *, user: str | None = None) -> ActionTarget | None:
        """Newest place (message, ephemeral for ``user``, or view) showing ``action_id``."""
        candidates: list[tuple[tuple[int, int], ActionTarget]] = []
        for msg in self.messages:
            if msg.deleted:
                continue
            for block_id, element in iter_elements(msg.blocks):
                if element.get("action_id") == action_id:
                    target = ActionTarget("message", element, block_id, msg.channel, message=msg)
                    candidates.append((ts_key(msg.ts), target))
        for eph in self.ephemerals:
            if user is not None and eph.user != user:
                continue
            for block_id, element in iter_elements(eph.blocks):
                if element.get("action_id") == action_id:
                    target = ActionTarget("ephemeral", element, block_id, eph.channel, ephemeral=eph)
                    candidates.append((ts_key(eph.ts), target))
        for view in self.views:
            if user is not None and view.user not in (None, user):
                continue
            for block_id, element in iter_elements(list(view.view.get("blocks") or [])):
                if element.get("action_id") == action_id:
                    target = ActionTarget("view", element, block_id, view=view)
                    candidates.append((ts_key(view.ts), target))
        if not candidates:
            return None
        return max(candidates, key=lambda c: c[0])[1]

    # ------------------------------------------------------ response_url
    def new_response_url(
        self,
        kind: str,
        user: str,
        channel: str,
        *,
        message_ts: str | None = None,
        thread_ts: str | None = None,
        ephemeral_origin: bool = False,
    ) -> str:
        response_id = self.next_id("R")
        url = f"{self.base_url}/response/{response_id}"
        self.response_urls[response_id] = ResponseUrl(
            response_id, url, kind, user, channel, message_ts, thread_ts, ephemeral_origin
        )
        return url

    def receive_response(self, response_id: str, payload: JSON) -> tuple[int, str]:
        origin = self.response_urls.get(response_id)
        if origin is None:
            self.problems.append(f"POST to unknown response_url {response_id}")
            return 404, "no_service"
        origin.uses += 1
        if origin.uses > 5:
            self.problems.append(f"response_url {response_id} used more than 5 times")
            return 404, "used_url"
        text, blocks, attachments = self._content(payload, require=False)
        effect: Literal["ephemeral", "in_channel", "replaced", "deleted"]
        original = self.message(origin.channel, origin.message_ts) if origin.message_ts else None
        thread_ts = payload.get("thread_ts") or origin.thread_ts
        if truthy(payload.get("delete_original")) and original is not None:
            original.deleted = True
            effect = "deleted"
        elif truthy(payload.get("replace_original")) and original is not None:
            original.history.append(original.snapshot())
            original.text, original.blocks, original.attachments = text, blocks, attachments
            effect = "replaced"
        elif payload.get("response_type") == "in_channel":
            self.post_message(
                origin.channel,
                text,
                blocks,
                user=origin.user,
                thread_ts=thread_ts,
                attachments=attachments,
                source="response_url",
                raw=payload,
            )
            effect = "in_channel"
        else:
            self.ephemerals.append(
                EphemeralRecord(
                    origin.channel,
                    origin.user,
                    text,
                    blocks,
                    self.next_ts(),
                    thread_ts,
                    attachments,
                    source="response_url",
                    replace_original=truthy(payload.get("replace_original")),
                    raw=payload,
                )
            )
            effect = "ephemeral"
        self.response_messages.append(
            ResponseMessage(response_id, origin.kind, origin.user, origin.channel, payload, effect)
        )
        self.changed()
        return 200, "ok"

    # ------------------------------------------------------------ uploads
    def receive_upload(self, file_id: str, data: bytes) -> tuple[int, str]:
        record = self.files.get(file_id)
        if record is None:
            self.problems.append(f"upload to unknown file id {file_id}")
            return 404, "file_not_found"
        record.content = data
        if record.length and record.length != len(data):
            self.problems.append(f"file {file_id}: announced length {record.length} but got {len(data)} bytes")
        self.changed()
        return 200, f"OK - {len(data)}"

    # ----------------------------------------------------- method impls
    def _auth_test(self, args: JSON) -> JSON:
        return {
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team_domain.title(),
            "user": self.bot_user.name,
            "team_id": self.team_id,
            "user_id": self.bot_user.id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, args: JSON) -> JSON:
        channel = self.resolve_channel(args.get("channel"))
        text, blocks, attachments = self._content(args)
        msg = self.post_message(
            channel,
            text,
            blocks,
            thread_ts=args.get("thread_ts") or None,
            attachments=attachments,
            reply_broadcast=truthy(args.get("reply_broadcast")),
            raw=args,
        )
        return {"channel": channel, "ts": msg.ts, "message": msg.to_api(self.team_id)}

    def _find_message(self, args: JSON) -> MessageRecord:
        channel = self.resolve_channel(args.get("channel"))
        msg = self.message(channel, str(args.get("ts", "")))
        if msg is None or msg.deleted:
            raise ApiError("message_not_found")
        if msg.bot_id != self.bot_id:
            raise ApiError("cant_update_message")
        return msg

    def _chat_update(self, args: JSON) -> JSON:
        msg = self._find_message(args)
        msg.history.append(msg.snapshot())
        if "text" in args:
            msg.text = str(args["text"] or "")
        if "blocks" in args:  # omitted blocks/attachments are kept, [] clears them
            msg.blocks = list(args["blocks"] or [])
        if "attachments" in args:
            msg.attachments = list(args["attachments"] or [])
        self.changed()
        return {"channel": msg.channel, "ts": msg.ts, "text": msg.text, "message": msg.to_api(self.team_id)}

    def _chat_delete(self, args: JSON) -> JSON:
        msg = self._find_message(args)
        msg.deleted = True
        self.changed()
        return {"channel": msg.channel, "ts": msg.ts}

    def _chat_get_permalink(self, args: JSON) -> JSON:
        channel = self.resolve_channel(args.get("channel"))
        ts = str(args.get("message_ts", ""))
        return {
            "channel": channel,
            "permalink": f"https://{self.team_domain}.slack.com/archives/{channel}/p{ts.replace('.', '')}",
        }

    def _chat_post_ephemeral(self, args: JSON) -> JSON:
        channel = self.resolve_channel(args.get("channel"))
        user = str(args.get("user") or "")
        if user not in self.users:
            raise ApiError("user_not_found")
        text, blocks, attachments = self._content(args)
        record = EphemeralRecord(
            channel, user, text, blocks, self.next_ts(), args.get("thread_ts") or None, attachments, raw=args
        )
        self.ephemerals.append(record)
        self.changed()
        return {"message_ts": record.ts}

    def _check_trigger(self, trigger_id: object) -> str | None:
        if not isinstance(trigger_id, str) or not trigger_id:
            raise ApiError("invalid_arguments")
        issued = self.triggers.get(trigger_id)
        if issued is None:
            return None  # a trigger the stand-in did not issue; accepted, user unknown
        user, at = issued
        if self.trigger_ttl is not None and time.monotonic() - at > self.trigger_ttl:
            self.problems.append(f"trigger {trigger_id} used after {self.trigger_ttl}s")
            raise ApiError("expired_trigger_id")
        return user

    def _view_payload(self, args: JSON) -> JSON:
        view = args.get("view")
        if not isinstance(view, dict) or "type" not in view:
            raise ApiError("invalid_arguments")
        return view

    def _views_open(self, args: JSON, method: str) -> JSON:
        view = self._view_payload(args)
        if method == "views.publish":
            user: str | None = str(args.get("user_id") or "")
            trigger_id = None
        else:
            trigger_id = str(args.get("trigger_id") or "")
            user = self._check_trigger(trigger_id)
        view_id = self.next_id("V")
        previous = self.views[-1] if method == "views.push" and self.views else None
        record = ViewRecord(
            id=view_id,
            view=view,
            method=method,
            trigger_id=trigger_id,
            user=user if user is not None else (previous.user if previous else None),
            root_view_id=previous.root_view_id if previous else view_id,
            previous_view_id=previous.id if previous else None,
            hash=f"{int(time.time())}.{next(self._ids)}",
            ts=self.next_ts(),
        )
        self.views.append(record)
        self.changed()
        return {"view": record.to_api(self.team_id, self.app_id, self.bot_id)}

    def _views_update(self, args: JSON) -> JSON:
        view = self._view_payload(args)
        view_id, external_id = args.get("view_id"), args.get("external_id")
        for record in reversed(self.views):
            if (view_id and record.id == view_id) or (external_id and record.view.get("external_id") == external_id):
                if args.get("hash") and args["hash"] != record.hash:
                    raise ApiError("hash_conflict")
                record.history.append(record.view)
                record.view = view
                record.updates += 1
                record.ts = self.next_ts()
                record.hash = f"{int(time.time())}.{next(self._ids)}"
                self.changed()
                return {"view": record.to_api(self.team_id, self.app_id, self.bot_id)}
        raise ApiError("not_found")

    def _conversations_open(self, args: JSON) -> JSON:
        if args.get("channel"):
            return {"channel": self.channels[self.resolve_channel(args["channel"])].to_api()}
        users = [u for u in str(args.get("users") or "").split(",") if u]
        if not users:
            raise ApiError("users_list_not_supplied")
        for user in users:
            if user not in self.users:
                raise ApiError("user_not_found")
        if len(users) == 1:
            channel = self.channels[self.open_dm(users[0])]
        else:
            mpim_id = "G" + hashlib.sha1(",".join(sorted(users)).encode()).hexdigest()[:9].upper()
            channel = self.channels.setdefault(
                mpim_id, SlackChannel(mpim_id, f"mpdm-{mpim_id.lower()}", is_mpim=True, members=users)
            )
        self.changed()
        return {"channel": channel.to_api()}

    def _conversations_info(self, args: JSON) -> JSON:
        channel_id = str(args.get("channel") or "")
        if channel_id not in self.channels:
            raise ApiError("channel_not_found")
        return {"channel": self.channels[channel_id].to_api()}

    def _conversations_join(self, args: JSON) -> JSON:
        """Like Slack: a bot joins a public channel itself; a private channel, an IM or an MPIM
        it can only be invited to. Joining twice is fine, with a warning."""
        channel_id = str(args.get("channel") or "")
        channel = self.channels.get(channel_id)
        if channel is None:
            raise ApiError("channel_not_found")
        if channel.is_private or channel.is_im or channel.is_mpim:
            raise ApiError("method_not_supported_for_channel_type")
        response: JSON = {"channel": channel.to_api()}
        if self.bot_user.id in channel.members:
            response["warning"] = "already_in_channel"
        else:
            channel.members.append(self.bot_user.id)
            self.changed()
        return response

    def _conversations_replies(self, args: JSON) -> JSON:
        channel = self.resolve_channel(args.get("channel"))
        ts = str(args.get("ts") or "")
        parent = self.message(channel, ts)
        if parent is None:
            raise ApiError("thread_not_found")
        thread = [parent, *self.messages_in(channel, parent.thread_ts or parent.ts)]
        return {"messages": [m.to_api(self.team_id) for m in thread], "has_more": False}

    def _users_info(self, args: JSON) -> JSON:
        user = self.users.get(str(args.get("user") or ""))
        if user is None:
            raise ApiError("user_not_found")
        return {"user": user.to_api(self.team_id)}

    def _files_get_upload_url(self, args: JSON) -> JSON:
        filename = str(args.get("filename") or "")
        try:
            length = int(args.get("length") or 0)
        except (TypeError, ValueError):
            raise ApiError("invalid_arguments") from None
        if not filename or length <= 0:
            raise ApiError("invalid_arguments")
        file_id = self.next_id("F")
        self.files[file_id] = FileRecord(
            file_id, filename, length, alt_txt=args.get("alt_txt"), snippet_type=args.get("snippet_type")
        )
        return {"upload_url": f"{self.base_url}/upload/v1/{file_id}", "file_id": file_id}

    def _files_complete_upload(self, args: JSON) -> JSON:
        entries = args.get("files")
        if not isinstance(entries, list) or not entries:
            raise ApiError("invalid_arguments")
        channels: list[str] = []
        if args.get("channel_id"):
            channels.append(self.resolve_channel(args["channel_id"]))
        channels += [self.resolve_channel(c) for c in str(args.get("channels") or "").split(",") if c]
        thread_ts = args.get("thread_ts") or None
        for channel_id in channels:  # unlike chat:write.public text, a file needs membership
            target = self.channels[channel_id]
            if not (target.is_im or target.is_mpim) and self.bot_user.id not in target.members:
                raise ApiError("not_in_channel")
        records: list[FileRecord] = []
        for entry in entries:
            record = self.files.get(str(entry.get("id")))
            if record is None or record.content is None:
                raise ApiError("file_not_found")
            record.title = entry.get("title") or record.filename
            record.channels, record.channel = channels, channels[0] if channels else None
            record.thread_ts, record.initial_comment = thread_ts, args.get("initial_comment")
            record.completed = True
            records.append(record)
        for channel in channels:  # what users see: one file_share message per channel
            self.post_message(
                channel,
                str(args.get("initial_comment") or ""),
                [],
                thread_ts=thread_ts,
                subtype="file_share",
                files=[r.id for r in records],
                source="files.completeUploadExternal",
                raw=args,
            )
        return {"files": [r.to_api() for r in records]}
