"""Helpers for daily rounds through the real bot and the Discord stand-in: a schedule set by
slash command, the scheduler poked after the clock moves, and players clicking privately."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from adapters.discord.context import RebuttalBot
from bot.engine.script import Script, StepKind
from tests.engine.helpers import ManualClock
from tests.standins.discord_server import DiscordStandIn, FakeChannel, InteractionRecord, RecordedMessage

MONDAY = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # 10:00 in Europe/Berlin
FIRST_RUN = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)  # "10:30 Europe/Berlin" on that Monday
DAY = timedelta(days=1)


def new_clock() -> ManualClock:
    return ManualClock(MONDAY)


async def schedule_set(
    standin: DiscordStandIn, options: dict[str, Any] | None = None, *, user: str = "carol", channel: Any = None
) -> InteractionRecord:
    chosen = {"time": "10:30", "zone": "Europe/Berlin", **(options or {})}
    return await standin.slash("debate", chosen, subcommand="schedule set", user=user, channel=channel)


def announcements(standin: DiscordStandIn, channel: Any = None) -> list[RecordedMessage]:
    """The bot's daily-round announcements in ``channel`` (they carry a round title), oldest first."""
    return [
        m
        for m in standin.messages_in(channel or standin.text_channel)
        if m.author.bot
        and m.embeds
        and m.embeds[0].get("title", "").startswith("Daily round")
        and "is closed" not in m.embeds[0]["title"]
    ]


def summaries(standin: DiscordStandIn, channel: Any = None) -> list[RecordedMessage]:
    return [
        m
        for m in standin.messages_in(channel or standin.text_channel)
        if m.author.bot and m.embeds and "is closed" in m.embeds[0].get("title", "")
    ]


async def at(bot: RebuttalBot, clock: ManualClock, moment: datetime) -> None:
    """Move the clock and wake the scheduler, as the real one wakes at its due instant."""
    clock.now = moment
    bot.services.scheduler.poke()


async def quietly(bot: RebuttalBot, clock: ManualClock, moment: datetime) -> None:
    """Move the clock and run a whole tick at that instant: anything due (that it would,
    wrongly, post) has been posted when this returns. Ticks are serialised, so this also
    waits out the one the poke may have started; no fixed time to watch for "nothing"."""
    await at(bot, clock, moment)
    await bot.services.scheduler.tick()


async def next_announcement(
    standin: DiscordStandIn, bot: RebuttalBot, clock: ManualClock, moment: datetime, channel: Any = None
) -> RecordedMessage:
    before = len(announcements(standin, channel))
    await at(bot, clock, moment)
    await standin.wait_for(lambda: len(announcements(standin, channel)) > before)
    return announcements(standin, channel)[-1]


def play_id(announcement: RecordedMessage) -> str:
    [custom_id] = [c for c in announcement.custom_ids() if c.startswith("rebuttal:round:play:")]
    return custom_id


def round_id(announcement: RecordedMessage) -> int:
    return int(play_id(announcement).rsplit(":", 1)[1])


async def round_script(standin: DiscordStandIn, bot: RebuttalBot, number: int) -> Script:
    workspace = await bot.services.games.workspace_id("discord", str(standin.guild.id))
    async with bot.services.rounds.database.read() as uow:
        found = await uow.rounds.by_id(workspace, number)
    assert found is not None
    return found.script


def text_of(message: RecordedMessage) -> str:
    embed = message.embeds[0] if message.embeds else {}
    return "\n".join(str(part) for part in (message.content, embed.get("title", ""), embed.get("description", "")))


@dataclass
class Walk:
    """One player's private message, and what it read after each click (note, title, text)."""

    message: RecordedMessage
    seen: list[str] = field(default_factory=list)


async def walk(
    standin: DiscordStandIn,
    bot: RebuttalBot,
    announcement: RecordedMessage,
    user: str,
    *,
    right: bool = True,
    before: int = 2,
    after: int = 2,
    stronger: int = 0,
    stop_after: int | None = None,
) -> Walk:
    """``user`` presses Play and clicks through privately: stance ``before``, the predictions
    (``right`` or not), the stronger-point vote, stance ``after``, pressing Continue on reveals."""
    script = await round_script(standin, bot, round_id(announcement))
    opened = await standin.click(announcement, play_id(announcement), user=user)
    assert opened.ephemeral and opened.message is not None
    done = Walk(opened.message, [text_of(opened.message)])
    clicks = 0
    while (ids := done.message.custom_ids()) and (stop_after is None or clicks < stop_after):
        chosen = ids[0]
        if ":answer:" in chosen:
            step = script.steps[int(chosen.split(":")[4])]
            assert step.correct_option is not None or step.kind is not StepKind.PREDICT
            option = {
                StepKind.STANCE: before if step.opens_thread else after,
                StepKind.PREDICT: (step.correct_option or 0) if right else ((step.correct_option or 0) + 1) % 4,
                StepKind.STRONGER: stronger,
            }[step.kind]
            chosen = ids[option]
        clicked = await standin.click(done.message, chosen, user=user)
        assert clicked.callback_type == 7, clicked.content  # the private message is replaced
        done.seen.append(text_of(done.message))
        clicks += 1
    return done


def private_channel_messages(standin: DiscordStandIn, channel: FakeChannel | None = None) -> list[RecordedMessage]:
    return [m for m in standin.messages_in(channel or standin.text_channel, include_ephemeral=True) if m.ephemeral]
