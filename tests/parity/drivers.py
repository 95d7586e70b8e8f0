"""One way to play a live game on every platform, so a rule scenario is written once.

A :class:`Platform` is the real bot of one adapter running against its local stand-in
(Discord's gateway+REST, Slack's Web API over HTTP), driven the way users drive it: slash
commands and button clicks. Every method returns what a user would see (the private reply
text) or reads what the platform was sent; the game's stored state is read through the
service only to check that "nothing changed".

Users are named by role, not by platform id: ``host`` (the teacher who starts the game)
and ``students`` (four of them), so a scenario reads the same on Discord and Slack.
"""

from __future__ import annotations

import asyncio
import copy
import html
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from bot.engine.state import GameState, Phase
from tests.waiting import PATIENCE
from tests.waiting import until as wait_until

Control = Literal["next", "pause", "resume", "skip", "end"]

# Anything in a bot's text that Slack or Discord would turn into a ping.
PING_PATTERNS = (
    re.compile(r"<@[!&]?[0-9A-Za-z]+>"),  # a user or role mention (Discord <@1…>, <@&1…>; Slack <@U…>)
    re.compile(r"<!(?:here|channel|everyone|subteam)[^>]*>"),  # Slack's special mentions
    re.compile(r"@(?:everyone|here)(?!\u200b)"),  # Discord's, unless defused with a zero-width space
)


def pings_in(text: str) -> list[str]:
    """Every substring of ``text`` that would ping someone if sent as is."""
    return [m.group(0) for pattern in PING_PATTERNS for m in pattern.finditer(text)]


@dataclass(frozen=True)
class DrawnControls:
    """The host controls as they were drawn at one moment (an older message a client still shows)."""

    step: int
    phase: Phase
    handle: Any  # the platform's own copy of the message carrying them


class Platform(Protocol):
    """A live game's users' view of one platform (see the module docstring)."""

    name: str
    host: str
    students: tuple[str, ...]

    async def start(self, user: str | None = None) -> str:
        """``/debate start`` of the test debate in the class channel; the starter's private reply."""
        ...

    async def start_at_once(self, count: int) -> list[str]:
        """``count`` starts in the same channel sent together, without waiting for each other."""
        ...

    async def games_in_channel(self) -> int:
        """How many live games there are (stored state; the scenarios use one channel)."""
        ...

    async def state(self) -> GameState:
        """The stored state of the game in the class channel."""
        ...

    async def stance_pairs(self) -> dict[str, dict[str, tuple[int, int]]]:
        """The stored (before, after) stances by thread and player: what public shifts are made from."""
        ...

    async def answer(self, player: str, option: int) -> str:
        """``player`` clicks option ``option`` of the current question; their private reply."""
        ...

    async def answer_all_at_once(self, players: tuple[str, ...], option: int) -> None:
        """A burst: every player clicks at the same time (all acknowledged when it returns)."""
        ...

    async def controls(self) -> DrawnControls:
        """The host controls as drawn right now, to press later as a stale client would."""
        ...

    async def press(self, user: str, control: Control, drawn: DrawnControls | None = None) -> str:
        """``user`` presses a host control: as drawn now, or on the older ``drawn`` copy; their reply."""
        ...

    async def results(self, user: str) -> str:
        """``/debate results`` in the class channel; the private reply."""
        ...

    async def share(self, user: str) -> str:
        """``user`` presses "share the anonymous summary" on their newest results note; the reply."""
        ...

    async def settle(self) -> None:
        """Wait until the bot has finished drawing (no request for a quiet moment, no pending redraw)."""
        ...

    def public_view(self) -> list[str]:
        """Everything the class can see, one entry per public message version and public file."""
        ...

    def private_files_to(self, user: str) -> int:
        """How many files ``user`` was sent privately (direct message or ephemeral reply)."""
        ...

    def answered_shown(self) -> int | None:
        """The "N answered" count on the current question's message, if it shows one."""
        ...

    def scoreboard_lines(self) -> list[str]:
        """The final scoreboard's ranking lines, as plain text."""
        ...

    def scoreboard_shift_lines(self) -> list[str]:
        """The final scoreboard's stance-shift lines (one per thread), as plain text."""
        ...

    def shared_shift_lines(self) -> list[str]:
        """The shared class summary's shift lines (one per thread), as plain text."""
        ...

    def outgoing_texts(self) -> list[str]:
        """The text of every payload the bot sent (posts, edits, private replies, files' comments)."""
        ...

    def mention_permissions(self) -> list[Any]:
        """What each outgoing payload allows to ping (Discord's ``allowed_mentions``; none elsewhere)."""
        ...


async def quiet(count: Callable[[], int], pending: Callable[[], bool], quiet_for: float = 0.2) -> None:
    """Wait until ``count()`` (requests seen) has not moved for ``quiet_for`` s and nothing is pending."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    seen, since = count(), loop.time()
    while loop.time() < deadline:
        await asyncio.sleep(0.03)
        if count() != seen:
            seen, since = count(), loop.time()
        elif loop.time() - since >= quiet_for and not pending():
            return
    raise AssertionError("the bot never went quiet")


async def until(check: Callable[[], Awaitable[bool]], timeout: float = PATIENCE) -> None:
    """``tests.waiting.until`` without a description, as the scenarios call it."""
    await wait_until(check, "a parity scenario's condition", timeout)


def unslack(text: str) -> str:
    """Slack mrkdwn escaping undone, for comparing words across platforms."""
    return html.unescape(text)


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def deep_copy(value: Any) -> Any:
    return copy.deepcopy(value)
