"""Posting daily rounds: what the scheduler asks of Slack (``bot.rounds.scheduler.RoundPresenter``).

The announcement goes to the schedule's channel with a Play button; its ``channel/ts`` is
what the scheduler stores, so at the close the very same message loses its button. Nothing
here mentions anyone: Slack has no role to ping, and every name is escaped.
"""

from __future__ import annotations

import logging

from slack_sdk.web.async_client import AsyncWebClient

from bot.rounds.service import Announcement, ClosedRound, RoundService
from bot.store.records import Round

from . import round_render
from .buttons import ThreadRef

log = logging.getLogger(__name__)


class SlackRoundPresenter:
    def __init__(self, rounds: RoundService, client: AsyncWebClient) -> None:
        self.rounds = rounds
        self.client = client

    async def announce(self, announcement: Announcement) -> str:
        """Post the round; raises on failure, and the scheduler tries again on its next tick."""
        channel = announcement.round.venue.channel_id
        posted = await self.client.chat_postMessage(
            channel=channel,
            text=round_render.announcement_text(announcement),
            blocks=round_render.announcement_blocks(announcement, await self._closes(announcement.round)),
        )
        return str(ThreadRef(channel, str(posted["ts"])))

    async def post_summary(self, closed: ClosedRound) -> str:
        """Post the summary, then take the Play button off the announcement (best effort: the
        summary is what matters, and a click on a stale button is told the round has closed)."""
        channel = closed.round.venue.channel_id
        text, shown = round_render.summary_blocks(closed)
        posted = await self.client.chat_postMessage(channel=channel, text=text, blocks=shown)
        await self._close_announcement(closed)
        return str(ThreadRef(channel, str(posted["ts"])))

    async def _close_announcement(self, closed: ClosedRound) -> None:
        message = ThreadRef.parse(closed.round.announcement_ref)
        if message is None:
            return  # never posted (a crash, or a channel the bot could not post in)
        announcement = Announcement(closed.round, closed.pack)
        try:
            await self.client.chat_update(
                channel=message.channel,
                ts=message.ts,
                text=round_render.announcement_text(announcement),
                blocks=round_render.announcement_blocks(announcement, None),
            )
        except Exception:  # deleted by someone, a network hiccup: the summary still stands
            log.warning("could not take the Play button off round %s", closed.round.id, exc_info=True)

    async def _closes(self, round_: Round) -> str:
        """When the round closes, in the channel's schedule's time zone (UTC if it was removed)."""
        schedule = await self.rounds.schedule_at(round_.venue)
        return round_render.when(round_.closes_at, schedule.spec.timing.zone if schedule else "UTC")
