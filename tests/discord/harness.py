"""Helpers for driving the real bot through the Discord stand-in, as users would."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from adapters.discord.app import build_bot
from adapters.discord.context import RebuttalBot
from bot.content.card_parser import parse_card
from bot.content.library import Library
from bot.content.model import Pack
from bot.games.service import utc_now
from bot.store.database import Database
from bot.store.records import GameRef
from tests.content.cards import with_decoys
from tests.standins.discord_server import DiscordStandIn, FakeChannel, InteractionRecord, RecordedMessage

PACK_ID = "bike-lanes"
CARD_LINES = [
    "Should towns build more bike lanes?",
    "Many towns are debating whether to convert parking to protected bike lanes.",
    "Is street space a public good to be reallocated, or a settled expectation?",
    "Bike lanes empty shops: customers who drive cannot park, and sales fall.",
    "L",
    "Studies of retail streets find cyclists spend as much per month as drivers.",
    "Safety first",
    "L",
    "Protected lanes cut injuries for everyone on the street, drivers included.",
    "C",
    "Injury numbers fell before the lanes too; the trend started years earlier.",
    "Conservative's hardest question",
    "If lanes do save lives, is parking convenience worth any of them?",
    "Liberal's hardest question",
    "If shops close, who answers to the owners who warned us?",
    "The Divide",
    "*Both sides split on who the street is for.*",
    "SHOPKEEPERS",
    "Parking is our lifeline.",
    "“Customers drive here.” — A shop owner",
    "SAFETY ADVOCATES",
    "Every street should be safe to cross.",
    "Both sides agree: streets should be safe and shops should survive.",
    "The real conflict: FACT DISPUTE: whether lanes raise or lower retail sales.",
    "What nobody has answered: how to count the customers who never came.",
    "Sources",
    "City transport department report, 2024",
]


# The refusal's exact words, written out here rather than imported, so a changed message fails.
TEACHERS_ONLY = (
    "Only teachers can do that: members with Manage Server or Manage Channels, "
    "or the teacher role set with /debate settings."
)


def card_text(lines: list[str] = CARD_LINES) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def small_pack(lines: list[str] = CARD_LINES, pack_id: str = PACK_ID) -> Pack:
    """The card with author decoys for its two replies, so both can be asked (see cards.py)."""
    return parse_card(card_text(with_decoys(lines)), f"{pack_id}.txt", pack_id=pack_id)


@asynccontextmanager
async def running_bot(
    standin: DiscordStandIn,
    database: Path | str,
    *,
    pack: Pack | None = None,
    clock: Callable[[], datetime] = utc_now,
    counter_interval: float = 0.05,
) -> AsyncIterator[RebuttalBot]:
    """A bot on ``database`` (a SQLite file or a PostgreSQL URL, as ``database_at`` gives),
    connected to the stand-in until the block ends."""
    chosen = pack or small_pack()
    async with Database.open(database) as opened:
        bot = build_bot(opened, library=Library({chosen.id: chosen}), clock=clock, counter_interval=counter_interval)
        async with standin.run(bot):
            yield bot


async def start_debate(
    standin: DiscordStandIn, user: str = "carol", debate: str = PACK_ID, **options: Any
) -> tuple[InteractionRecord, FakeChannel]:
    """``/debate start`` as ``user``; returns the interaction and the thread it opened."""
    before = len(standin.threads)
    rec = await standin.slash("debate", {"debate": debate, **options}, subcommand="start", user=user)
    await standin.wait_for(lambda: rec.message is not None and not rec.message.loading)
    await standin.wait_for(lambda: len(standin.threads) > before)
    thread = standin.threads[-1]
    await standin.wait_for(lambda: step_messages(standin, thread))
    return rec, thread


def step_messages(standin: DiscordStandIn, thread: FakeChannel) -> list[RecordedMessage]:
    """The bot's step messages in the thread (those with host controls), oldest first."""
    return [m for m in standin.messages_in(thread) if any(":next" in c for c in m.custom_ids())]


def answer_ids(message: RecordedMessage) -> list[str]:
    return [c for c in message.custom_ids() if c.startswith("rebuttal:answer:")]


def host_id(message: RecordedMessage, action: str) -> str:
    return next(c for c in message.custom_ids() if c.startswith("rebuttal:host:") and c.endswith(":" + action))


def is_closed(message: RecordedMessage) -> bool:
    buttons = [message.find_component(c) for c in answer_ids(message)]
    return bool(buttons) and all(b is not None and b.get("disabled") for b in buttons)


async def the_game(bot: RebuttalBot) -> GameRef:
    [game] = await bot.services.games.running_games()
    return game.ref


def bot_payloads(standin: DiscordStandIn) -> list[dict[str, Any]]:
    """Every message body with text the bot sent: posts, edits, interaction replies, followups
    (a "thinking…" acknowledgement has no text, so nothing in it could ping)."""
    return [
        p
        for m in standin.messages
        if m.author.bot or m.interaction_user is not None
        for p in m.payloads
        if p.get("content") or p.get("embeds")
    ]


async def shows(standin: DiscordStandIn, message: RecordedMessage, content: str) -> None:
    """Wait until ``message`` reads ``content`` (edits arrive after the clicker's reply)."""
    await standin.wait_for(lambda: message.content == content)


async def closes(standin: DiscordStandIn, message: RecordedMessage) -> None:
    await standin.wait_for(lambda: is_closed(message))


async def posts_after(standin: DiscordStandIn, thread: FakeChannel, count: int) -> RecordedMessage:
    """Wait until the thread has more than ``count`` messages; returns the newest."""
    await standin.wait_for(lambda: len(standin.messages_in(thread)) > count)
    return standin.messages_in(thread)[-1]
