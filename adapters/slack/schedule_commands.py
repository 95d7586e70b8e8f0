"""``/debate schedule …``, ``/debate leaderboard …`` and ``/debate season new``.

A schedule belongs to the channel the command was typed in. Changing or showing it is for
teachers; leaderboards and opting out of them are for anyone. Every reply is private (the
command's ``response_url``), refusals included, and says what was wrong.
"""

from __future__ import annotations

from datetime import time

from slack_bolt.async_app import AsyncRespond

from bot.identity import Venue
from bot.rounds.service import RoundError
from bot.rounds.summary import Period
from bot.rounds.timing import ScheduleError, Timing, find_zone, parse_time_of_day, parse_weekdays, weekdays_text
from bot.store.records import Schedule, ScheduleSpec

from . import render, round_render
from .context import PLATFORM, SlackGames, SlashRequest

SCHEDULE_USAGE = (
    "`/debate schedule <HH:MM> <Zone> [days] [closes=HH:MM] [debates=id,id]`, e.g. "
    "`/debate schedule 09:00 Europe/Berlin mon-fri closes=15:00`; "
    "or `/debate schedule show|pause|resume|remove`"
)
LEADERBOARD_USAGE = "`/debate leaderboard [round|week|season|all]` or `/debate leaderboard opt-out|opt-in`"
TEACHERS_ONLY = (
    "Only teachers can set up daily rounds (workspace admins and owners, or those named in `/debate settings`)."
)


def parse_schedule(args: tuple[str, ...]) -> ScheduleSpec:
    """The schedule ``args`` describe; raises ``ScheduleError`` saying what is wrong."""
    if len(args) < 2:
        raise ScheduleError("give a time and a time zone")
    at = parse_time_of_day(args[0])
    zone = find_zone(args[1])
    days: list[str] = []
    close: time | None = None
    packs: tuple[str, ...] = ()
    for word in args[2:]:
        key, equals, value = word.partition("=")
        if not equals:
            days.append(word)
        elif key.lower() in ("closes", "close"):
            close = parse_time_of_day(value)
        elif key.lower() in ("debates", "debate"):
            packs = tuple(dict.fromkeys(part for part in value.split(",") if part))
            if not packs:
                raise ScheduleError("name at least one debate after debates=")
        else:
            raise ScheduleError(f"{key!r} is not a setting; use closes=HH:MM or debates=id,id")
    weekdays = parse_weekdays(",".join(days)) if days else frozenset(range(7))
    return ScheduleSpec(Timing(at, zone, weekdays), close, None, packs)


def describe(schedule: Schedule) -> str:
    spec, zone = schedule.spec, schedule.spec.timing.zone
    closes = f"closes at {spec.close_time:%H:%M}" if spec.close_time else "closes when the next one posts"
    lines = [
        f"*Daily round here:* {spec.timing.time_of_day:%H:%M} {zone}, {weekdays_text(spec.timing.weekdays)}; "
        f"each round {closes}.",
        f"Debates: {', '.join(f'`{pack}`' for pack in spec.packs) if spec.packs else 'the whole library, in order'}.",
        f"Rounds posted so far: {schedule.rounds_posted}.",
        "Paused: `/debate schedule resume` starts it again."
        if schedule.paused
        else f"Next round: {round_render.when(schedule.next_run_at, zone)}.",
    ]
    # escape() leaves *bold* and `code` alone; it defuses a teacher-typed debate id.
    return "\n".join(render.escape(line) for line in lines)


async def schedule_command(games: SlackGames, request: SlashRequest, respond: AsyncRespond) -> str:
    if not await games.is_teacher(request.workspace_id, request.user):
        return TEACHERS_ONLY
    venue = Venue(PLATFORM, request.team_id, request.channel)
    action = request.args[0].lower() if request.args else "show"
    rounds = games.rounds
    try:
        if action == "show":
            found = await rounds.schedule_at(venue)
            return describe(found) if found else f"No daily round is scheduled in this channel. Use {SCHEDULE_USAGE}."
        if action in ("pause", "resume", "remove") and len(request.args) > 1:
            return f"`schedule {action}` takes no arguments."
        if action == "pause":
            await rounds.set_paused(venue, True)
            reply = "Daily rounds here are paused. `/debate schedule resume` starts them again."
        elif action == "resume":
            resumed = await rounds.set_paused(venue, False)
            next_run = round_render.when(resumed.next_run_at, resumed.spec.timing.zone)
            reply = f"Daily rounds here are back on; missed ones are not posted. Next round: {next_run}."
        elif action == "remove":
            await rounds.remove_schedule(venue)
            reply = "Daily rounds here are stopped. A round still open runs to its close and gets its summary."
        else:
            saved = await rounds.set_schedule(venue, parse_schedule(request.args), request.user)
            reply = f"{describe(saved)}\nPrivate channel? Invite me first with `/invite @Rebuttal`."
    except (ScheduleError, RoundError) as error:
        return f"That didn't work: {render.escape(str(error).rstrip('.'))}.\nUse {SCHEDULE_USAGE}."
    return reply


async def leaderboard_command(games: SlackGames, request: SlashRequest, respond: AsyncRespond) -> str:
    choice = request.args[0].lower() if request.args else Period.WEEK.value
    if len(request.args) > 1:
        return f"Use {LEADERBOARD_USAGE}."
    if choice in ("opt-out", "opt-in"):
        await games.leaderboards.set_opted_out(request.workspace_id, request.user, choice == "opt-out")
        if choice == "opt-out":
            return (
                "You're off the daily-round leaderboards here, and round summaries won't name you. "
                "`/debate leaderboard opt-in` brings you back."
            )
        return "You're back on the daily-round leaderboards here."
    try:
        period = Period(choice)
    except ValueError:
        return f"`{render.escape(choice)}` is not a period. Use {LEADERBOARD_USAGE}."
    board = await games.leaderboards.leaderboard(request.workspace_id, period, request.channel)
    return round_render.leaderboard_text(board)


async def season_command(games: SlackGames, request: SlashRequest, respond: AsyncRespond) -> str:
    if [word.lower() for word in request.args] != ["new"]:
        return "Use `/debate season new` to start a new leaderboard season (teachers)."
    if not await games.is_teacher(request.workspace_id, request.user):
        return "Only teachers can start a new season."
    season = await games.leaderboards.new_season(request.workspace_id, request.user)
    return (
        f"Season {season.number} has started: `/debate leaderboard season` counts from now. "
        "Streaks carry on, and `/debate leaderboard all` still counts every round."
    )
