"""Payload builders and transport drivers for pushing user actions into a bot.

:class:`SlackPayloads` builds what Slack would send (slash commands, block_actions,
view_submission, event_callback); response_urls and trigger_ids in them point at
the stand-in.  A driver delivers them to the bot:

* :class:`HttpDriver` POSTs them, signed, to the bot's ``/slack/events`` URL;
* :class:`SocketDriver` pushes them as Socket Mode envelopes and waits for the ack.

Both share :class:`SlackDriver`'s ``slash`` / ``click`` / ``submit_view`` / ``event``
so tests can be parametrised over the transport.
"""

from __future__ import annotations

import abc
import hashlib
import hmac
import json
import time
import urllib.parse
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal, Self

import aiohttp

from .slack_records import JSON, ActionTarget, MessageRecord, ViewRecord, iter_elements
from .slack_server import SlackStandIn

Kind = Literal["slash_commands", "interactive", "events_api"]


@dataclass
class SendOptions:
    """Delivery options; the HTTP-only ones are ignored by the socket driver."""

    timeout: float = 3.0
    retry_num: int | None = None  # X-Slack-Retry-Num / envelope retry_attempt
    retry_reason: str | None = None  # X-Slack-Retry-Reason / envelope retry_reason
    signature: Literal["valid", "invalid", "missing"] = "valid"
    timestamp: int | None = None  # X-Slack-Request-Timestamp override
    stale: bool = False  # timestamp 10 minutes in the past (and validly signed)
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class DriverResult:
    transport: Literal["http", "socket"]
    acked: bool  # HTTP 2xx, or a Socket Mode ack arrived
    status: int | None  # HTTP status; 200 for a socket ack, None if none arrived
    body: str  # HTTP body, or the JSON of the ack payload ("" if none)
    elapsed: float  # seconds until the HTTP response / the ack
    request: JSON  # payload that was delivered
    envelope_id: str | None = None
    response_url: str | None = None
    trigger_id: str | None = None

    @property
    def json(self) -> Any:
        """Parsed body/ack payload, or None when empty or not JSON."""
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None


def sign(signing_secret: str, timestamp: int | str, body: str) -> str:
    """``X-Slack-Signature`` value: v0 HMAC-SHA256 of ``v0:{timestamp}:{body}``."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


class SlackPayloads:
    """Builds Slack request payloads; ids default to the stand-in's team/app/channel."""

    def __init__(self, standin: SlackStandIn, default_channel: str | None = None) -> None:
        self.standin = standin
        self.default_channel = default_channel or next(iter(standin.channels))

    def _channel(self, channel: str | None) -> tuple[str, str]:
        s = self.standin
        channel_id = s.resolve_channel(channel or self.default_channel)
        return channel_id, s.channels[channel_id].name

    def user_ref(self, user: str) -> JSON:
        u = self.standin.ensure_user(user)
        return {"id": u.id, "username": u.name, "name": u.name, "team_id": self.standin.team_id}

    def slash_command(self, command: str, text: str = "", *, user: str, channel: str | None = None) -> dict[str, str]:
        s = self.standin
        channel_id, channel_name = self._channel(channel)
        return {
            "token": s.verification_token,
            "team_id": s.team_id,
            "team_domain": s.team_domain,
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user,
            "user_name": self.user_ref(user)["username"],
            "command": command,
            "text": text,
            "api_app_id": s.app_id,
            "is_enterprise_install": "false",
            "response_url": s.new_response_url("slash_command", user, channel_id),
            "trigger_id": s.issue_trigger(user),
        }

    def block_actions(
        self,
        action_id: str,
        *,
        user: str,
        target: ActionTarget | None = None,
        value: str | None = None,
        channel: str | None = None,
        message: MessageRecord | None = None,
        action: JSON | None = None,
    ) -> JSON:
        """A button click etc.  ``target`` (from ``find_action``) or ``message`` say where."""
        s = self.standin
        if target is None and message is not None:
            found = [(b, e) for b, e in iter_elements(message.blocks) if e.get("action_id") == action_id]
            block_id, shown = found[0] if found else ("", {"type": "button"})
            target = ActionTarget("message", shown, block_id, message.channel, message=message)
        element: JSON = target.element if target else {"type": "button", "action_id": action_id}
        act: JSON = {
            "action_id": action_id,
            "block_id": target.block_id if target and target.block_id else "standin-block",
            "type": element.get("type", "button"),
            "action_ts": s.next_ts(),
        }
        if "text" in element:
            act["text"] = element["text"]
        if value is not None or "value" in element:
            act["value"] = value if value is not None else element["value"]
        act.update(action or {})
        payload: JSON = {
            "type": "block_actions",
            "user": self.user_ref(user),
            "api_app_id": s.app_id,
            "token": s.verification_token,
            "trigger_id": s.issue_trigger(user),
            "team": {"id": s.team_id, "domain": s.team_domain},
            "enterprise": None,
            "is_enterprise_install": False,
            "state": {"values": {}},
            "actions": [act],
        }
        if target is not None and target.kind == "view" and target.view is not None:
            view = target.view
            payload["container"] = {"type": "view", "view_id": view.id}
            payload["view"] = view.to_api(s.team_id, s.app_id, s.bot_id)
            return payload
        msg = target.message if target else None
        eph = target.ephemeral if target else None
        channel_id, channel_name = self._channel(target.channel if target else channel)
        ts = msg.ts if msg else eph.ts if eph else s.next_ts()
        thread_ts = msg.thread_ts if msg else eph.thread_ts if eph else None
        container: JSON = {
            "type": "message",
            "message_ts": ts,
            "channel_id": channel_id,
            "is_ephemeral": eph is not None,
        }
        if thread_ts:
            container["thread_ts"] = thread_ts
        payload["container"] = container
        payload["channel"] = {"id": channel_id, "name": channel_name}
        if msg is not None:
            payload["message"] = msg.to_api(s.team_id)
        payload["response_url"] = s.new_response_url(
            "block_actions",
            user,
            channel_id,
            message_ts=msg.ts if msg else None,
            thread_ts=thread_ts,
            ephemeral_origin=eph is not None,
        )
        return payload

    def view_submission(
        self,
        *,
        user: str,
        view: ViewRecord | None = None,
        callback_id: str | None = None,
        values: dict[str, dict[str, Any]] | None = None,
    ) -> JSON:
        """``values`` maps block_id -> action_id -> str (plain_text_input) or a full dict."""
        s = self.standin
        if view is None:
            views = s.views_for(callback_id=callback_id) if callback_id else s.views
            if not views:
                raise LookupError(f"no view with callback_id {callback_id!r} was opened")
            view = views[-1]
        state: JSON = {}
        for block_id, actions in (values or {}).items():
            state[block_id] = {
                action_id: v if isinstance(v, dict) else {"type": "plain_text_input", "value": v}
                for action_id, v in actions.items()
            }
        api_view = view.to_api(s.team_id, s.app_id, s.bot_id)
        api_view["state"] = {"values": state}
        return {
            "type": "view_submission",
            "team": {"id": s.team_id, "domain": s.team_domain},
            "user": self.user_ref(user),
            "api_app_id": s.app_id,
            "token": s.verification_token,
            "trigger_id": s.issue_trigger(user),
            "view": api_view,
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }

    def event_callback(self, event: JSON, *, event_id: str | None = None) -> JSON:
        s = self.standin
        event = {"event_ts": s.next_ts(), **event}
        return {
            "token": s.verification_token,
            "team_id": s.team_id,
            "api_app_id": s.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or s.next_id("Ev"),
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": s.team_id,
                    "user_id": s.bot_user.id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }

    def message_event(
        self,
        text: str,
        *,
        user: str,
        channel: str | None = None,
        thread_ts: str | None = None,
        mention: bool = False,
    ) -> JSON:
        """A user's message (also recorded in the stand-in); ``mention`` makes it an app_mention."""
        s = self.standin
        s.ensure_user(user)
        channel_id, _ = self._channel(channel)
        msg = s.post_message(channel_id, text, [], user=user, thread_ts=thread_ts, source="user")
        event: JSON = {
            "type": "app_mention" if mention else "message",
            "user": user,
            "text": text,
            "ts": msg.ts,
            "channel": channel_id,
            "channel_type": "im" if channel_id.startswith("D") else "channel",
        }
        if msg.thread_ts:
            event["thread_ts"] = msg.thread_ts
        return event


class SlackDriver(abc.ABC):
    """Transport-independent way to act as a Slack user towards the bot."""

    transport: Literal["http", "socket"]

    def __init__(self, standin: SlackStandIn, default_channel: str | None = None) -> None:
        self.standin = standin
        self.payloads = SlackPayloads(standin, default_channel)

    @abc.abstractmethod
    async def send(self, kind: Kind, payload: JSON, options: SendOptions | None = None) -> DriverResult:
        """Deliver one payload and return the bot's response/ack."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        pass

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def slash(
        self,
        command: str,
        text: str = "",
        *,
        user: str,
        channel: str | None = None,
        options: SendOptions | None = None,
    ) -> DriverResult:
        payload = self.payloads.slash_command(command, text, user=user, channel=channel)
        result = await self.send("slash_commands", dict(payload), options)
        result.response_url, result.trigger_id = payload["response_url"], payload["trigger_id"]
        return result

    async def click(
        self,
        action_id: str,
        *,
        user: str,
        value: str | None = None,
        message: MessageRecord | None = None,
        channel: str | None = None,
        action: JSON | None = None,
        options: SendOptions | None = None,
    ) -> DriverResult:
        """Click the newest element with ``action_id`` the user can see (or in ``message``)."""
        target = None
        if message is None:
            target = self.standin.find_action(action_id, user=user)
            if target is None and channel is None:
                raise LookupError(f"no message/view shows an element with action_id {action_id!r}")
        payload = self.payloads.block_actions(
            action_id, user=user, target=target, value=value, channel=channel, message=message, action=action
        )
        result = await self.send("interactive", payload, options)
        result.response_url, result.trigger_id = payload.get("response_url"), payload["trigger_id"]
        return result

    async def submit_view(
        self,
        callback_id: str | None = None,
        values: dict[str, dict[str, Any]] | None = None,
        *,
        user: str,
        view: ViewRecord | None = None,
        options: SendOptions | None = None,
    ) -> DriverResult:
        payload = self.payloads.view_submission(user=user, view=view, callback_id=callback_id, values=values)
        result = await self.send("interactive", payload, options)
        result.trigger_id = payload["trigger_id"]
        return result

    async def event(self, event: JSON, *, options: SendOptions | None = None) -> DriverResult:
        return await self.send("events_api", self.payloads.event_callback(event), options)

    async def message(
        self,
        text: str,
        *,
        user: str,
        channel: str | None = None,
        thread_ts: str | None = None,
        mention: bool = False,
        options: SendOptions | None = None,
    ) -> DriverResult:
        event = self.payloads.message_event(text, user=user, channel=channel, thread_ts=thread_ts, mention=mention)
        return await self.event(event, options=options)


class HttpDriver(SlackDriver):
    """POSTs signed requests to a bot's Events API / interactivity URL."""

    transport: Literal["http", "socket"] = "http"

    def __init__(
        self, standin: SlackStandIn, url: str, *, signing_secret: str | None = None, default_channel: str | None = None
    ) -> None:
        super().__init__(standin, default_channel)
        self.url = url
        self.signing_secret = signing_secret or standin.signing_secret
        self._session: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def post(
        self, body: str, content_type: str, options: SendOptions | None = None, request: JSON | None = None
    ) -> DriverResult:
        """POST a raw body with Slack's headers (signature per ``options``)."""
        opts = options or SendOptions()
        ts = opts.timestamp or int(time.time()) - (600 if opts.stale else 0)
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": str(ts)}
        if opts.signature == "valid":
            headers["X-Slack-Signature"] = sign(self.signing_secret, ts, body)
        elif opts.signature == "invalid":
            headers["X-Slack-Signature"] = sign(self.signing_secret + "-wrong", ts, body)
        if opts.retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(opts.retry_num)
            headers["X-Slack-Retry-Reason"] = opts.retry_reason or "http_timeout"
        headers.update(opts.headers)
        if self._session is None:
            self._session = aiohttp.ClientSession()
        start = time.monotonic()
        try:
            async with self._session.post(
                self.url,
                data=body.encode(),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=opts.timeout),
            ) as resp:
                text = await resp.text()
                return DriverResult(
                    "http", 200 <= resp.status < 300, resp.status, text, time.monotonic() - start, request or {}
                )
        except TimeoutError:  # like Slack: no answer within the timeout is no ack
            return DriverResult("http", False, None, "", time.monotonic() - start, request or {})

    async def send(self, kind: Kind, payload: JSON, options: SendOptions | None = None) -> DriverResult:
        if kind == "slash_commands":
            body = urllib.parse.urlencode(payload)
            content_type = "application/x-www-form-urlencoded"
        elif kind == "interactive":
            body = urllib.parse.urlencode({"payload": json.dumps(payload)})
            content_type = "application/x-www-form-urlencoded"
        else:
            body, content_type = json.dumps(payload), "application/json"
        return await self.post(body, content_type, options, payload)

    async def url_verification(self, challenge: str = "standin-challenge") -> DriverResult:
        payload = {"token": self.standin.verification_token, "challenge": challenge, "type": "url_verification"}
        return await self.post(json.dumps(payload), "application/json", None, payload)


class SocketDriver(SlackDriver):
    """Pushes envelopes over the stand-in's Socket Mode connection and awaits the ack."""

    transport: Literal["http", "socket"] = "socket"

    async def send(self, kind: Kind, payload: JSON, options: SendOptions | None = None) -> DriverResult:
        opts = options or SendOptions()
        envelope = await self.standin.socket.push(
            kind,
            payload,
            retry_attempt=opts.retry_num or 0,
            retry_reason=opts.retry_reason or "",
            timeout=opts.timeout,
        )
        try:
            ack = await self.standin.socket.wait_ack(envelope.envelope_id, opts.timeout)
        except TimeoutError:
            return DriverResult("socket", False, None, "", opts.timeout, payload, envelope.envelope_id)
        body = json.dumps(ack.payload) if ack.payload is not None else ""
        return DriverResult("socket", True, 200, body, ack.latency, payload, envelope.envelope_id)
