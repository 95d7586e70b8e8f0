"""Data model of the Discord stand-in: fake entities, recorded traffic and shared state.

Everything here is plain data; the HTTP/websocket behaviour lives in ``discord_rest`` and
``discord_gateway`` and the user-facing facade in ``discord_server``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

JSON = dict[str, Any]
# How long ``wait_for`` waits by default: it returns as soon as the condition holds, so this
# is only reached when something is broken; a few seconds failed tests on a loaded machine.
WAIT_PATIENCE = 30.0

T = TypeVar("T")

DISCORD_EPOCH_MS = 1420070400000
EPHEMERAL = 1 << 6
LOADING = 1 << 7
ADMINISTRATOR = 1 << 3
ALL_PERMISSIONS = (1 << 53) - 1
# view channel, send messages, embed links, attach files, read history, add reactions,
# use application commands, create public threads, send messages in threads
MEMBER_PERMISSIONS = sum(1 << b for b in (6, 10, 11, 14, 15, 16, 31, 35, 38))
# the above plus manage messages/threads/roles (bots usually get a managed role like this)
BOT_PERMISSIONS = MEMBER_PERMISSIONS | sum(1 << b for b in (13, 28, 34, 36))
MODERATOR_PERMISSIONS = MEMBER_PERMISSIONS | sum(1 << b for b in (1, 2, 13, 34, 40))

CHANNEL_TEXT, CHANNEL_DM, CHANNEL_VOICE, CHANNEL_CATEGORY = 0, 1, 2, 4
THREAD_PUBLIC, THREAD_PRIVATE = 11, 12
THREAD_TYPES = (10, THREAD_PUBLIC, THREAD_PRIVATE)


def iso(moment: dt.datetime | None = None) -> str:
    return (moment or dt.datetime.now(dt.UTC)).isoformat()


class SnowflakeFactory:
    """Time based, strictly increasing snowflakes (as Discord makes them)."""

    def __init__(self) -> None:
        self._last = 0
        self._increment = itertools.count()

    def __call__(self) -> int:
        millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
        value = (millis << 22) | (1 << 17) | (next(self._increment) & 0xFFF)
        self._last = value = max(value, self._last + 1)
        return value


def snowflake_time(snowflake: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(((snowflake >> 22) + DISCORD_EPOCH_MS) / 1000, dt.UTC)


@dataclass
class FakeUser:
    id: int
    username: str
    bot: bool = False
    global_name: str | None = None

    def to_api(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name or self.username.title(),
            "avatar": None,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
            "public_flags": 0,
            "flags": 0,
        }
        if self.bot:
            data.update(bot=True, verified=True, mfa_enabled=False, locale="en-US")
        return data


@dataclass
class FakeRole:
    id: int
    name: str
    permissions: int = 0
    position: int = 0
    color: int = 0
    managed: bool = False

    def to_api(self) -> JSON:
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions),
            "position": self.position,
            "color": self.color,
            "colors": {"primary_color": self.color, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "managed": self.managed,
            "mentionable": False,
            "flags": 0,
        }


@dataclass
class FakeMember:
    user: FakeUser
    roles: list[int] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso)

    def to_api(self, *, with_user: bool = True, permissions: int | None = None) -> JSON:
        data: JSON = {
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "roles": [str(r) for r in self.roles],
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.to_api()
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass
class FakeChannel:
    id: int
    name: str
    type: int = CHANNEL_TEXT
    guild_id: int | None = None
    parent_id: int | None = None
    position: int = 0
    topic: str | None = None
    owner_id: int | None = None  # threads
    archived: bool = False
    locked: bool = False
    auto_archive_duration: int = 1440
    recipients: list[FakeUser] = field(default_factory=list)  # DMs
    message_count: int = 0

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES

    def to_api(self) -> JSON:
        data: JSON = {"id": str(self.id), "type": self.type, "flags": 0, "last_message_id": None}
        if self.type == CHANNEL_DM:
            data["recipients"] = [u.to_api() for u in self.recipients]
            return data
        data.update(
            guild_id=str(self.guild_id),
            name=self.name,
            parent_id=None if self.parent_id is None else str(self.parent_id),
            rate_limit_per_user=0,
        )
        if self.is_thread:
            data.update(
                owner_id=str(self.owner_id),
                message_count=self.message_count,
                member_count=1,
                total_message_sent=self.message_count,
                thread_metadata={
                    "archived": self.archived,
                    "locked": self.locked,
                    "auto_archive_duration": self.auto_archive_duration,
                    "archive_timestamp": iso(snowflake_time(self.id)),
                    "create_timestamp": iso(snowflake_time(self.id)),
                    "invitable": True,
                },
            )
            return data
        data.update(position=self.position, permission_overwrites=[], nsfw=False, topic=self.topic)
        if self.type == CHANNEL_VOICE:
            data.update(bitrate=64000, user_limit=0, rtc_region=None)
        return data


@dataclass
class FakeGuild:
    id: int
    name: str
    owner_id: int
    roles: list[FakeRole] = field(default_factory=list)
    channels: list[FakeChannel] = field(default_factory=list)
    members: list[FakeMember] = field(default_factory=list)
    threads: list[FakeChannel] = field(default_factory=list)

    def member(self, user_id: int) -> FakeMember | None:
        return next((m for m in self.members if m.user.id == user_id), None)

    def permissions_of(self, user_id: int) -> int:
        member = self.member(user_id)
        if user_id == self.owner_id:
            return ALL_PERMISSIONS
        wanted = {self.id, *(member.roles if member else [])}
        perms = 0
        for role in self.roles:
            if role.id in wanted:
                perms |= role.permissions
        return ALL_PERMISSIONS if perms & ADMINISTRATOR else perms

    def to_api(self, *, members: list[FakeMember] | None = None) -> JSON:
        shown = self.members if members is None else members
        return {
            "id": str(self.id),
            "name": self.name,
            "owner_id": str(self.owner_id),
            "unavailable": False,
            "large": False,
            "member_count": len(self.members),
            "joined_at": iso(),
            "icon": None,
            "banner": None,
            "splash": None,
            "description": None,
            "features": [],
            "preferred_locale": "en-US",
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "roles": [r.to_api() for r in self.roles],
            "emojis": [],
            "stickers": [],
            "channels": [c.to_api() for c in self.channels],
            "threads": [t.to_api() for t in self.threads if not t.archived],
            "members": [m.to_api() for m in shown],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }


@dataclass
class RecordedAttachment:
    id: int
    filename: str
    data: bytes
    url: str
    content_type: str | None = None
    description: str | None = None

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")

    def to_api(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": self.url,
            "proxy_url": self.url,
            "content_type": self.content_type,
        }
        if self.description is not None:
            data["description"] = self.description
        return data


def walk_components(components: list[JSON]) -> Iterator[JSON]:
    """Yield every component, descending into rows, sections, containers and labels."""
    for component in components:
        yield component
        yield from walk_components(component.get("components", []))
        for key in ("accessory", "component"):
            if isinstance(component.get(key), dict):
                yield from walk_components([component[key]])


@dataclass
class RecordedMessage:
    """A message as users would see it (including ephemeral ones and every edit)."""

    id: int
    channel_id: int
    guild_id: int | None
    author: FakeUser
    content: str = ""
    embeds: list[JSON] = field(default_factory=list)
    components: list[JSON] = field(default_factory=list)
    flags: int = 0
    allowed_mentions: JSON | None = None
    attachments: list[RecordedAttachment] = field(default_factory=list)
    tts: bool = False
    message_reference: JSON | None = None
    type: int = 0
    interaction_id: int | None = None
    interaction_type: int | None = None
    interaction_user: FakeUser | None = None
    webhook_id: int | None = None
    edited_at: str | None = None
    deleted: bool = False
    reactions: list[str] = field(default_factory=list)
    history: list[JSON] = field(default_factory=list)  # snapshots of earlier versions
    payloads: list[JSON] = field(default_factory=list)  # raw request bodies (create + edits)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        return bool(self.flags & LOADING)

    @property
    def visible_to(self) -> int | None:
        """User id that can see an ephemeral message, ``None`` when everybody can."""
        return self.interaction_user.id if self.ephemeral and self.interaction_user else None

    def all_components(self) -> list[JSON]:
        return list(walk_components(self.components))

    def custom_ids(self) -> list[str]:
        return [c["custom_id"] for c in self.all_components() if "custom_id" in c]

    def find_component(self, custom_id: str) -> JSON | None:
        return next((c for c in self.all_components() if c.get("custom_id") == custom_id), None)

    def snapshot(self) -> JSON:
        return {
            "content": self.content,
            "embeds": self.embeds,
            "components": self.components,
            "flags": self.flags,
            "attachments": [a.filename for a in self.attachments],
            "edited_at": self.edited_at,
        }

    def to_api(self) -> JSON:
        data: JSON = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "author": self.author.to_api(),
            "content": self.content,
            "timestamp": iso(snowflake_time(self.id)),
            "edited_timestamp": self.edited_at,
            "tts": self.tts,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [a.to_api() for a in self.attachments],
            "embeds": self.embeds,
            "components": self.components,
            "reactions": [{"emoji": {"id": None, "name": e}, "count": 1, "me": True} for e in self.reactions],
            "pinned": False,
            "type": self.type,
            "flags": self.flags,
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.message_reference is not None:
            data["message_reference"] = self.message_reference
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
            data["application_id"] = str(self.webhook_id)
        if self.interaction_id is not None and self.interaction_user is not None:
            data["interaction_metadata"] = {
                "id": str(self.interaction_id),
                "type": self.interaction_type or 2,
                "user": self.interaction_user.to_api(),
                "authorizing_integration_owners": {},
            }
        return data


@dataclass
class InteractionRecord:
    """One interaction the stand-in sent to the bot, plus everything the bot answered."""

    id: int
    token: str
    type: int
    payload: JSON
    user: FakeUser
    channel_id: int
    guild_id: int | None
    message_id: int | None = None  # component interactions: the message clicked on
    callback: JSON | None = None  # the raw callback body: {"type": ..., "data": ...}
    original_message: RecordedMessage | None = None
    followups: list[RecordedMessage] = field(default_factory=list)
    responded: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def callback_type(self) -> int | None:
        return None if self.callback is None else int(self.callback["type"])

    @property
    def callback_data(self) -> JSON:
        return {} if self.callback is None else dict(self.callback.get("data") or {})

    @property
    def message(self) -> RecordedMessage | None:
        """The message the response produced (or the edited/loading one)."""
        return self.original_message

    @property
    def content(self) -> str | None:
        return None if self.original_message is None else self.original_message.content

    @property
    def ephemeral(self) -> bool:
        if self.original_message is not None:
            return self.original_message.ephemeral
        return bool(int(self.callback_data.get("flags") or 0) & EPHEMERAL)

    @property
    def choices(self) -> list[JSON]:
        """Autocomplete results (callback type 8)."""
        return list(self.callback_data.get("choices", []))

    @property
    def modal(self) -> JSON | None:
        """The modal the bot opened (callback type 9)."""
        return self.callback_data if self.callback_type == 9 else None

    def messages(self) -> list[RecordedMessage]:
        found = [self.original_message] if self.original_message else []
        return [m for m in (*found, *self.followups) if not m.deleted]


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    json: Any = None
    files: list[RecordedAttachment] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.method} {self.path}" + (f"?{self.query}" if self.query else "")


class DiscordState:
    """All state of the fake Discord (shared between REST, gateway and the test facade)."""

    def __init__(
        self,
        *,
        guilds: list[FakeGuild] | None = None,
        bot: FakeUser | None = None,
        token: str | None = None,
    ) -> None:
        self.snowflake = SnowflakeFactory()
        self.bot = bot or FakeUser(self.snowflake(), "rebuttal-bot", bot=True, global_name="Rebuttal")
        self.application_id = self.bot.id  # true for every modern Discord application
        self.owner = FakeUser(self.snowflake(), "app-owner")
        self.token = token
        self.http_base = "http://127.0.0.1:0"
        self.guilds: dict[int, FakeGuild] = {}
        self.users: dict[int, FakeUser] = {self.bot.id: self.bot, self.owner.id: self.owner}
        self.channels: dict[int, FakeChannel] = {}
        for guild in guilds if guilds is not None else [self.default_guild()]:
            self.add_guild(guild)
        self.messages: dict[int, RecordedMessage] = {}
        self.attachments: dict[int, RecordedAttachment] = {}
        self.interactions: dict[int, InteractionRecord] = {}
        self.interactions_by_token: dict[str, InteractionRecord] = {}
        self.global_commands: list[JSON] = []
        self.guild_commands: dict[int, list[JSON]] = {}
        self.requests: list[RecordedRequest] = []
        self.unknown_requests: list[RecordedRequest] = []
        self._changed: asyncio.Event | None = None

    # -- setup -------------------------------------------------------------------------
    def default_guild(self) -> FakeGuild:
        sf = self.snowflake
        gid = sf()
        alice, bob, carol = (FakeUser(sf(), n) for n in ("alice", "bob", "carol"))
        moderator = FakeRole(sf(), "Moderator", MODERATOR_PERMISSIONS, position=2, color=0x3498DB)
        bot_role = FakeRole(sf(), "Rebuttal", BOT_PERMISSIONS, position=1, managed=True)
        category = FakeChannel(sf(), "Debates", CHANNEL_CATEGORY, gid, position=0)
        return FakeGuild(
            id=gid,
            name="Rebuttal Test Guild",
            owner_id=carol.id,
            roles=[FakeRole(gid, "@everyone", MEMBER_PERMISSIONS), bot_role, moderator],
            channels=[
                category,
                FakeChannel(sf(), "general", CHANNEL_TEXT, gid, category.id, 1, "Chat"),
                FakeChannel(sf(), "debate-hall", CHANNEL_TEXT, gid, category.id, 2, "Debates"),
                FakeChannel(sf(), "Voice", CHANNEL_VOICE, gid, category.id, 3),
            ],
            members=[
                FakeMember(self.bot, [bot_role.id]),
                FakeMember(alice),
                FakeMember(bob, [moderator.id]),
                FakeMember(carol),
            ],
        )

    def make_guild(self, name: str, text_channels: Sequence[str], users: Sequence[str]) -> FakeGuild:
        gid, sf = self.snowflake(), self.snowflake
        members = [FakeMember(self.bot)]
        for username in users:
            try:
                user = self.user_named(username)
            except KeyError:
                user = FakeUser(sf(), username)
            members.append(FakeMember(user))
        channels = [FakeChannel(sf(), n, CHANNEL_TEXT, gid, position=i) for i, n in enumerate(text_channels)]
        return FakeGuild(gid, name, self.owner.id, [FakeRole(gid, "@everyone", MEMBER_PERMISSIONS)], channels, members)

    def add_guild(self, guild: FakeGuild) -> FakeGuild:
        self.guilds[guild.id] = guild
        for channel in (*guild.channels, *guild.threads):
            channel.guild_id = guild.id
            self.channels[channel.id] = channel
        for member in guild.members:
            self.users[member.user.id] = member.user
        return guild

    # -- lookups ----------------------------------------------------------------------
    def user_named(self, name: str) -> FakeUser:
        for user in self.users.values():
            if name in (user.username, user.global_name):
                return user
        raise KeyError(f"no fake user named {name!r}; known: {[u.username for u in self.users.values()]}")

    def guild_of(self, channel: FakeChannel) -> FakeGuild | None:
        return None if channel.guild_id is None else self.guilds.get(channel.guild_id)

    def attachment_url(self, channel_id: int, attachment_id: int, filename: str) -> str:
        return f"{self.http_base}/attachments/{channel_id}/{attachment_id}/{filename}"

    def new_attachment(
        self,
        channel_id: int,
        filename: str,
        data: bytes,
        content_type: str | None = None,
        description: str | None = None,
    ) -> RecordedAttachment:
        aid = self.snowflake()
        att = RecordedAttachment(
            aid, filename, data, self.attachment_url(channel_id, aid, filename), content_type, description
        )
        self.attachments[aid] = att
        return att

    # -- change notification -------------------------------------------------------------
    def notify(self) -> None:
        if self._changed is not None:
            self._changed.set()
            self._changed = None

    async def wait_for(self, predicate: Callable[[], T | None], timeout: float = WAIT_PATIENCE) -> T:
        """Wait until ``predicate()`` returns something truthy (re-checked on every change)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not (result := predicate()):
            if self._changed is None:
                self._changed = asyncio.Event()
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"condition not met within {timeout}s")
            # short waits: the predicate may also depend on client-side state
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(remaining, 0.05))
        return result
