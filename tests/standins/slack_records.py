"""Records of what users would see in the Slack stand-in, plus small shared helpers."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

JSON = dict[str, Any]
MethodHandler = Callable[[JSON], JSON]
# How long ``wait_for`` waits by default: it returns as soon as the condition holds, so this
# is only reached when something is broken; a few seconds failed tests on a loaded machine.
WAIT_PATIENCE = 30.0

T = TypeVar("T")

# Request fields that slack_sdk sends JSON-encoded inside form bodies / query strings.
JSON_FIELDS = ("blocks", "attachments", "view", "files", "metadata", "outputs")


class ApiError(Exception):
    """Raised by a method implementation to answer ``{"ok": false, "error": ...}``."""

    def __init__(self, error: str, status: int = 200) -> None:
        super().__init__(error)
        self.error = error
        self.status = status


def truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


@dataclass
class SlackUser:
    id: str
    name: str
    real_name: str = ""
    display_name: str = ""
    is_admin: bool = False
    is_owner: bool = False
    is_bot: bool = False
    tz: str = "Europe/London"

    def to_api(self, team_id: str) -> JSON:
        real = self.real_name or self.name
        return {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "deleted": False,
            "real_name": real,
            "tz": self.tz,
            "is_admin": self.is_admin,
            "is_owner": self.is_owner,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "profile": {
                "real_name": real,
                "real_name_normalized": real,
                "display_name": self.display_name,
                "display_name_normalized": self.display_name,
                "team": team_id,
            },
        }


@dataclass
class SlackChannel:
    id: str
    name: str
    is_im: bool = False
    is_mpim: bool = False
    is_private: bool = False
    user: str | None = None  # the other party of an IM
    members: list[str] = field(default_factory=list)

    def to_api(self) -> JSON:
        data: JSON = {
            "id": self.id,
            "name": self.name,
            "is_channel": not (self.is_im or self.is_mpim or self.is_private),
            "is_group": self.is_private,
            "is_im": self.is_im,
            "is_mpim": self.is_mpim,
            "is_private": self.is_private or self.is_im or self.is_mpim,
            "is_member": True,
            "is_archived": False,
            "created": 1_700_000_000,
        }
        if self.user is not None:
            data["user"] = self.user
        return data


@dataclass
class ApiCall:
    method: str
    args: JSON
    token: str | None
    response: JSON
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)
    # The caller's (host, port) over HTTP: calls on one connection share it (keep-alive).
    client: tuple[str, int] | None = None

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))


@dataclass
class MessageRecord:
    """A message visible in a channel (bot post, in_channel response, file share)."""

    channel: str
    ts: str
    text: str
    blocks: list[JSON]
    user: str
    thread_ts: str | None = None
    attachments: list[JSON] = field(default_factory=list)
    bot_id: str | None = None
    files: list[str] = field(default_factory=list)
    subtype: str | None = None
    source: str = "chat.postMessage"
    reply_broadcast: bool = False
    deleted: bool = False
    history: list[JSON] = field(default_factory=list)  # previous versions, oldest first
    raw: JSON = field(default_factory=dict)

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    def snapshot(self) -> JSON:
        return {"text": self.text, "blocks": self.blocks, "attachments": self.attachments}

    def to_api(self, team_id: str = "") -> JSON:
        data: JSON = {"type": "message", "text": self.text, "user": self.user, "ts": self.ts}
        if self.bot_id:
            data["bot_id"] = self.bot_id
        if self.blocks:
            data["blocks"] = self.blocks
        if self.attachments:
            data["attachments"] = self.attachments
        if self.thread_ts:
            data["thread_ts"] = self.thread_ts
        if self.subtype:
            data["subtype"] = self.subtype
        if self.files:
            data["files"] = [{"id": f} for f in self.files]
        if team_id:
            data["team"] = team_id
        return data


@dataclass
class EphemeralRecord:
    channel: str
    user: str
    text: str
    blocks: list[JSON]
    ts: str
    thread_ts: str | None = None
    attachments: list[JSON] = field(default_factory=list)
    source: str = "chat.postEphemeral"  # or "response_url"
    replace_original: bool = False
    raw: JSON = field(default_factory=dict)


@dataclass
class ViewRecord:
    id: str
    view: JSON
    method: str  # views.open / views.push / views.publish
    trigger_id: str | None
    user: str | None
    root_view_id: str
    previous_view_id: str | None = None
    hash: str = ""
    history: list[JSON] = field(default_factory=list)  # previous versions (views.update)
    updates: int = 0
    ts: str = ""  # when it was last opened/updated (orders it against messages)

    @property
    def callback_id(self) -> str:
        return str(self.view.get("callback_id", ""))

    def to_api(self, team_id: str, app_id: str, bot_id: str) -> JSON:
        data = dict(self.view)
        data.update(
            {
                "id": self.id,
                "team_id": team_id,
                "app_id": app_id,
                "bot_id": bot_id,
                "app_installed_team_id": team_id,
                "root_view_id": self.root_view_id,
                "previous_view_id": self.previous_view_id,
                "hash": self.hash,
            }
        )
        data.setdefault("type", "modal")
        data.setdefault("private_metadata", "")
        data.setdefault("callback_id", "")
        data.setdefault("external_id", "")
        data.setdefault("state", {"values": {}})
        return data


@dataclass
class FileRecord:
    id: str
    filename: str
    length: int
    content: bytes | None = None
    title: str | None = None
    alt_txt: str | None = None
    snippet_type: str | None = None
    channel: str | None = None
    channels: list[str] = field(default_factory=list)
    thread_ts: str | None = None
    initial_comment: str | None = None
    completed: bool = False

    @property
    def text(self) -> str:
        return (self.content or b"").decode("utf-8", errors="replace")

    def to_api(self) -> JSON:
        return {
            "id": self.id,
            "name": self.filename,
            "title": self.title or self.filename,
            "size": len(self.content or b""),
            "channels": list(self.channels),
        }


@dataclass
class ResponseUrl:
    id: str
    url: str
    kind: str  # "slash_command" / "block_actions" / ...
    user: str
    channel: str
    message_ts: str | None = None  # the message the interaction came from
    thread_ts: str | None = None
    ephemeral_origin: bool = False
    uses: int = 0


@dataclass
class ResponseMessage:
    """One POST to a response_url, with what it did for users."""

    response_id: str
    kind: str
    user: str
    channel: str
    payload: JSON
    effect: Literal["ephemeral", "in_channel", "replaced", "deleted"]

    @property
    def text(self) -> str:
        return str(self.payload.get("text", ""))

    @property
    def blocks(self) -> list[JSON]:
        blocks = self.payload.get("blocks") or []
        return list(blocks)


@dataclass
class ActionTarget:
    """Where an interactive element with a given action_id is currently shown."""

    kind: Literal["message", "ephemeral", "view"]
    element: JSON
    block_id: str
    channel: str | None = None
    message: MessageRecord | None = None
    ephemeral: EphemeralRecord | None = None
    view: ViewRecord | None = None


def iter_elements(blocks: list[JSON]) -> Iterator[tuple[str, JSON]]:
    """Yield ``(block_id, element)`` for every interactive element in ``blocks``."""
    for index, block in enumerate(blocks):
        block_id = str(block.get("block_id") or _stable_block_id(block, index))
        candidates: list[JSON] = list(block.get("elements") or [])
        for key in ("accessory", "element"):
            if isinstance(block.get(key), dict):
                candidates.append(block[key])
        for element in candidates:
            if isinstance(element, dict) and "action_id" in element:
                yield block_id, element


def ts_key(ts: str) -> tuple[int, int]:
    seconds, _, micros = ts.partition(".")
    return int(seconds or 0), int(micros or 0)


def _stable_block_id(block: JSON, index: int) -> str:
    digest = hashlib.sha1(json.dumps(block, sort_keys=True).encode()).hexdigest()
    return f"{digest[:5]}{index}"


class Notifier:
    """Lets tests await "something was recorded" instead of sleeping."""

    def __init__(self) -> None:
        self._events: set[asyncio.Event] = set()

    def notify(self) -> None:
        for event in self._events:
            event.set()

    async def wait_for(self, predicate: Callable[[], T | None], timeout: float = WAIT_PATIENCE) -> T:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout:.2f}s")
            event = asyncio.Event()
            self._events.add(event)
            try:  # also re-check now and then: predicates may read bot-side state too
                await asyncio.wait_for(event.wait(), min(remaining, 0.05))
            except TimeoutError:
                pass
            finally:
                self._events.discard(event)
