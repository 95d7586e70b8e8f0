"""Posting daily rounds in their channel, for ``bot.rounds.scheduler.Scheduler``.

Messages are addressed by id through partial objects, as for games: nothing here depends on
discord.py's cache. Failures propagate (the scheduler logs them and retries on its next
tick), except the edit that retires a closed round's button, which is best effort.
"""

from __future__ import annotations

import logging

import discord

from adapters.discord.replies import NO_MENTIONS
from adapters.discord.round_interactions import play_view
from adapters.discord.round_render import announcement_embed, summary_embed
from bot.rounds.service import Announcement, ClosedRound

log = logging.getLogger(__name__)


def role_ping(role_id: str) -> discord.AllowedMentions:
    """Mentions allowed on an announcement: exactly the schedule's role, nobody else."""
    role = discord.Object(int(role_id))
    return discord.AllowedMentions(everyone=False, users=False, roles=[role], replied_user=False)


class DiscordRoundPresenter:
    def __init__(self, client: discord.Client) -> None:
        self.client = client

    def _channel(self, channel_ref: str) -> discord.PartialMessageable:
        return self.client.get_partial_messageable(int(channel_ref), type=discord.ChannelType.text)

    async def announce(self, announcement: Announcement) -> str:
        round_ = announcement.round
        channel = self._channel(round_.venue.channel_id)
        embed = announcement_embed(announcement)
        role = round_.ping_role
        if role is not None and role.isdigit():
            message = await channel.send(
                f"<@&{role}>", embed=embed, view=play_view(round_.id), allowed_mentions=role_ping(role)
            )
        else:
            message = await channel.send(embed=embed, view=play_view(round_.id), allowed_mentions=NO_MENTIONS)
        return str(message.id)

    async def post_summary(self, closed: ClosedRound) -> str:
        round_ = closed.round
        channel = self._channel(round_.venue.channel_id)
        message = await channel.send(embed=summary_embed(closed), allowed_mentions=NO_MENTIONS)
        if round_.announcement_ref is not None:
            await self._retire(channel, Announcement(round_, closed.pack), round_.announcement_ref)
        return str(message.id)

    async def _retire(self, channel: discord.PartialMessageable, announcement: Announcement, ref: str) -> None:
        """Take the Play button off the announcement and say the round closed. Best effort:
        a deleted announcement must not hold back the summary (clicks say it closed anyway)."""
        try:
            await channel.get_partial_message(int(ref)).edit(
                embed=announcement_embed(announcement, closed=True), view=None, allowed_mentions=NO_MENTIONS
            )
        except (discord.HTTPException, ValueError):
            log.warning("round %s: could not edit its announcement %s", announcement.round.id, ref, exc_info=True)
