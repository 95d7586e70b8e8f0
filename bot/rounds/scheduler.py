"""The scheduler: posts daily rounds when due and closes them with a summary.

Theory of operation. Everything it knows is in the database: each schedule's next run as an
absolute UTC instant, each round's closing instant, and whether its announcement and summary
were posted. ``tick`` does whatever is due at the clock's "now" (closing first, so with the
default closing time yesterday's summary comes before today's round) and finishes any post
a crash interrupted; the loop then sleeps until the next due instant, or until ``poke`` says
a schedule changed. A run missed while the bot was down is posted late only inside the grace
window, once; older ones are skipped, never replayed as a flood.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Protocol

from bot.rounds.service import Announcement, ClosedRound, RoundService
from bot.rounds.timing import GRACE
from bot.waking import wait_set

log = logging.getLogger(__name__)

MAX_SLEEP_SECONDS = 60.0  # look again at least this often: other processes may change schedules


class RoundPresenter(Protocol):
    async def announce(self, announcement: Announcement) -> str:
        """Post the round with its Play button; returns the posted message's reference."""

    async def post_summary(self, closed: ClosedRound) -> str:
        """Post the closed round's public summary; returns the message's reference."""


class Scheduler:
    def __init__(
        self, rounds: RoundService, presenter: RoundPresenter, platform: str, grace: timedelta = GRACE
    ) -> None:
        self.rounds = rounds
        self.presenter = presenter
        self.platform = platform
        self.grace = grace
        self._wake = asyncio.Event()
        self._ticking = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        rounds.on_schedule_change(self.poke)  # a changed schedule may move the next wake-up

    def start(self) -> None:
        # Once closed it stays closed: a late "connected" event during shutdown (Discord's
        # READY) must not start a loop that would tick after the database has closed.
        if self._task is None and not self._closed:
            self._task = asyncio.create_task(self._run(), name=f"rebuttal-scheduler-{self.platform}")

    def poke(self) -> None:
        """Look again now: a schedule changed, or (in tests) the clock moved."""
        self._wake.set()

    async def close(self) -> None:
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def tick(self) -> None:
        """Do everything due now. Each post is attempted after its round is committed; one that
        fails is logged and retried on the next tick. Ticks never overlap: two at once would
        both see a round as not yet posted."""
        async with self._ticking:
            await self._tick()

    async def _tick(self) -> None:
        await self._close_due()
        for announcement in await self.rounds.open_due(self.platform, self.grace):
            await self._announce(announcement)
        await self._close_due()  # a round that a rescheduled next round has just overtaken
        for announcement in await self.rounds.unannounced(self.platform):
            await self._announce(announcement)

    async def _close_due(self) -> None:
        for closed in await self.rounds.close_due(self.platform):
            await self._summarise(closed)
        for closed in await self.rounds.unsummarised(self.platform):  # asked after the posts above
            await self._summarise(closed)

    async def _announce(self, announcement: Announcement) -> None:
        if announcement.round.announcement_ref is not None:
            return
        try:
            reference = await self.presenter.announce(announcement)
        except Exception:
            log.exception("posting daily round %s failed; will retry", announcement.round.id)
            return
        await self.rounds.record_announcement(announcement.round, reference)

    async def _summarise(self, closed: ClosedRound) -> None:
        if closed.round.summary_ref is not None:
            return
        try:
            reference = await self.presenter.post_summary(closed)
        except Exception:
            log.exception("posting the summary of round %s failed; will retry", closed.round.id)
            return
        await self.rounds.record_summary(closed.round, reference)

    async def _run(self) -> None:
        while not self._closed:
            self._wake.clear()
            timeout = MAX_SLEEP_SECONDS
            try:
                await self.tick()
                wake_at = await self.rounds.next_wake(self.platform)
                if wake_at is not None:
                    timeout = min(timeout, max(0.0, (wake_at - self.rounds.clock()).total_seconds()))
            except Exception:  # a database or library hiccup must not stop tomorrow's round
                log.exception("the scheduler's tick failed; trying again within %s s", MAX_SLEEP_SECONDS)
            await wait_set(self._wake, timeout)
