"""``/debate schedule set|show|pause|resume|remove``: a channel's daily round (teachers).

Every refusal is private and says what to fix. A change pokes the scheduler, so a new time
counts at once rather than after its current sleep.
"""

from __future__ import annotations

import zoneinfo
from functools import cache

import discord
from discord import app_commands

from adapters.discord.access import (
    PLATFORM,
    Caller,
    teacher_or_tell,
)
from adapters.discord.context import serving
from adapters.discord.replies import listing, safe, tell
from adapters.discord.round_render import timestamp
from bot.identity import Venue
from bot.rounds.service import RoundError
from bot.rounds.timing import ScheduleError, Timing, find_zone, parse_time_of_day, parse_weekdays, weekdays_text
from bot.store.records import Schedule, ScheduleSpec

ZONE_CHOICES = 25
NOT_A_TEXT_CHANNEL = "Run this in a text channel, or choose one with channel:."
NONE_HERE = "No daily rounds are scheduled in this server. Set one with /debate schedule set."


def sentence(reason: str) -> str:
    """A core message ("unknown time zone …") as a sentence for the person who typed it."""
    text = reason[:1].upper() + reason[1:]
    return text if text.endswith(".") else text + "."


def describe(schedule: Schedule) -> str:
    """One schedule in a line: where, when, how it closes, who is pinged, what it plays."""
    spec, timing = schedule.spec, schedule.spec.timing
    when = f"{timing.time_of_day:%H:%M} {timing.zone}, {weekdays_text(timing.weekdays)}"
    parts = [f"<#{schedule.venue.channel_id}>: {when}"]
    parts.append(f"closes at {spec.close_time:%H:%M}" if spec.close_time else "closes when the next round posts")
    if spec.ping_role:
        parts.append(f"pings <@&{spec.ping_role}>")
    parts.append("debates: " + ", ".join(f"`{safe(p)}`" for p in spec.packs) if spec.packs else "every debate in turn")
    status = "paused" if schedule.paused else f"next round {timestamp(schedule.next_run_at)}"
    return "; ".join(parts) + f" ({status})."


@cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


async def complete_zone(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    typed = current.casefold().strip()
    found = [zone for zone in _zones() if typed in zone.casefold()]
    return [app_commands.Choice(name=zone, value=zone) for zone in found[:ZONE_CHOICES]]


def _venue(caller: Caller, channel_id: int) -> Venue:
    return Venue(PLATFORM, caller.player.workspace_id, str(channel_id))


@app_commands.describe(
    time="When the round posts, HH:MM on a 24-hour clock (e.g. 08:30)",
    zone="The time zone, an IANA name like Europe/Berlin (start typing to search)",
    days="daily, weekdays, mon-fri or a list like mon,wed,fri",
    channel="Where the rounds post (default: this channel)",
    role="A role to ping when a round posts (default: nobody is pinged)",
    debates="Debate ids to play, comma-separated (default: every debate in the library, in turn)",
    closes="When each round closes, HH:MM (default: when the next round posts)",
)
async def schedule_set(
    interaction: discord.Interaction,
    time: str,
    zone: str,
    days: str = "daily",
    channel: discord.TextChannel | None = None,
    role: discord.Role | None = None,
    debates: str | None = None,
    closes: str | None = None,
) -> None:
    async with serving(interaction) as services:
        caller = await teacher_or_tell(services, interaction)
        if caller is None:
            return
        where = channel or interaction.channel
        if not isinstance(where, discord.TextChannel):
            await tell(interaction, NOT_A_TEXT_CHANNEL)
            return
        if role is not None and role.is_default():
            await tell(interaction, "Choose a role to ping, not @everyone (or leave role: out to ping nobody).")
            return
        try:
            timing = Timing(parse_time_of_day(time), find_zone(zone), parse_weekdays(days))
            close_time = parse_time_of_day(closes) if closes else None
            packs = tuple(p.strip() for p in (debates or "").split(",") if p.strip())
            spec = ScheduleSpec(timing, close_time, str(role.id) if role else None, packs)
            saved = await services.rounds.set_schedule(_venue(caller, where.id), spec, caller.player.user_id)
        except ScheduleError as error:
            await tell(interaction, safe(sentence(str(error))))  # it quotes what was typed
            return
        await tell(interaction, "Daily round set for " + describe(saved))


async def schedule_show(interaction: discord.Interaction) -> None:
    async with serving(interaction) as services:
        caller = await teacher_or_tell(services, interaction)
        if caller is None:
            return
        found = await services.rounds.schedules_in_workspace(caller.workspace_id)
        lines = [f"• {describe(schedule)}" for schedule in found]
        await tell(interaction, listing("Daily rounds in this server:", lines) if lines else NONE_HERE)


async def _change(interaction: discord.Interaction, channel: discord.TextChannel | None, action: str) -> None:
    async with serving(interaction) as services:
        caller = await teacher_or_tell(services, interaction)
        if caller is None:
            return
        where = channel.id if channel else interaction.channel_id
        if where is None:
            await tell(interaction, NOT_A_TEXT_CHANNEL)
            return
        venue = _venue(caller, where)
        try:
            if action == "remove":
                await services.rounds.remove_schedule(venue)
                reply = f"Removed the daily round of <#{where}>. A round still open runs until it closes."
            else:
                saved = await services.rounds.set_paused(venue, action == "pause")
                reply = (
                    f"Paused the daily round of <#{where}>; /debate schedule resume starts it again."
                    if saved.paused
                    else f"Resumed: the next round in <#{where}> posts {timestamp(saved.next_run_at)}."
                )
        except RoundError as refusal:
            await tell(interaction, str(refusal))
            return
        await tell(interaction, reply)


CHANNEL_HELP = "The channel whose daily round this is (default: this channel)"


@app_commands.describe(channel=CHANNEL_HELP)
async def schedule_pause(interaction: discord.Interaction, channel: discord.TextChannel | None = None) -> None:
    await _change(interaction, channel, "pause")


@app_commands.describe(channel=CHANNEL_HELP)
async def schedule_resume(interaction: discord.Interaction, channel: discord.TextChannel | None = None) -> None:
    await _change(interaction, channel, "resume")


@app_commands.describe(channel=CHANNEL_HELP)
async def schedule_remove(interaction: discord.Interaction, channel: discord.TextChannel | None = None) -> None:
    await _change(interaction, channel, "remove")


def schedule_group() -> app_commands.Group:
    """A fresh ``schedule`` group (a command belongs to one tree, and tests build several bots)."""
    group = app_commands.Group(name="schedule", description="A channel's daily round (teachers)")
    set_command: app_commands.Command[app_commands.Group, ..., None] = app_commands.Command(
        name="set", description="Post a daily round in a channel at a set time", callback=schedule_set
    )
    set_command.autocomplete("zone")(complete_zone)
    group.add_command(set_command)
    for name, description, callback in (
        ("show", "The daily rounds scheduled in this server", schedule_show),
        ("pause", "Stop posting rounds until resumed", schedule_pause),
        ("resume", "Post rounds again, from the next scheduled time", schedule_resume),
        ("remove", "Stop a channel's daily rounds for good", schedule_remove),
    ):
        group.add_command(app_commands.Command(name=name, description=description, callback=callback))
    return group
