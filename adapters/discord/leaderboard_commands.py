"""``/debate leaderboard show|opt-out|opt-in`` (anyone) and ``/debate season new`` (teachers):
the daily-round leaderboards. Replies are private: a leaderboard is there to look up, and
posting it would put names in front of the class that its players did not choose to show."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands

from adapters.discord.access import caller_or_tell, teacher_or_tell
from adapters.discord.context import serving
from adapters.discord.replies import listing, safe, tell
from bot.rounds.presentation import leaderboard_lines
from bot.rounds.summary import Period

OPTED_OUT = (
    "You're off the leaderboards in this server: your name won't be listed or named in round "
    "summaries. Your rounds still count for you. /debate leaderboard opt-in brings you back."
)
OPTED_IN = "You're on the leaderboards in this server again."


@app_commands.describe(period="round: the latest round here; week (default): since Monday; season; all: all time")
async def leaderboard_show(
    interaction: discord.Interaction, period: Literal["round", "week", "season", "all"] = "week"
) -> None:
    async with serving(interaction) as services:
        caller = await caller_or_tell(services, interaction)
        if caller is None:
            return
        channel = str(interaction.channel_id) if interaction.channel_id else None
        board = await services.leaderboards.leaderboard(caller.workspace_id, Period(period), channel)
        title, lines = leaderboard_lines(board)
        # Names are escaped with the rest of each line: a display name cannot mention or format.
        await tell(interaction, listing(safe(title) + ":", [safe(line) for line in lines]))


async def _opt(interaction: discord.Interaction, opted_out: bool) -> None:
    async with serving(interaction) as services:
        caller = await caller_or_tell(services, interaction)
        if caller is None:
            return
        await services.leaderboards.set_opted_out(caller.workspace_id, caller.player.user_id, opted_out)
        await tell(interaction, OPTED_OUT if opted_out else OPTED_IN)


async def leaderboard_opt_out(interaction: discord.Interaction) -> None:
    await _opt(interaction, True)


async def leaderboard_opt_in(interaction: discord.Interaction) -> None:
    await _opt(interaction, False)


async def season_new(interaction: discord.Interaction) -> None:
    async with serving(interaction) as services:
        caller = await teacher_or_tell(services, interaction)
        if caller is None:
            return
        season = await services.leaderboards.new_season(caller.workspace_id, caller.player.user_id)
        await tell(
            interaction,
            f"Season {season.number} has begun: /debate leaderboard show season counts from now. "
            "Earlier rounds still count for week and all.",
        )


def leaderboard_groups() -> list[app_commands.Group]:
    """Fresh ``leaderboard`` and ``season`` groups (a command belongs to one tree)."""
    board = app_commands.Group(name="leaderboard", description="Daily-round leaderboards")
    for name, description, callback in (
        ("show", "Points and accuracy in daily rounds (private reply)", leaderboard_show),
        ("opt-out", "Leave your name off leaderboards and round summaries", leaderboard_opt_out),
        ("opt-in", "Put your name back on leaderboards and round summaries", leaderboard_opt_in),
    ):
        board.add_command(app_commands.Command(name=name, description=description, callback=callback))
    season = app_commands.Group(name="season", description="Leaderboard seasons (teachers)")
    season.add_command(
        app_commands.Command(name="new", description="Start a new leaderboard season (teachers)", callback=season_new)
    )
    return [board, season]
