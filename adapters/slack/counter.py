"""Bounding how often a question's "N answered" count is redrawn.

Slack rate-limits ``chat.update`` (about one call per second per channel), and thirty
students clicking at once would otherwise mean thirty edits. So a question is redrawn at
most once per ``interval``: the first answer redraws at once; later ones within the
interval are coalesced into one trailing redraw. The redraw itself reads the count from
the database, so a coalesced redraw always shows the latest number.

Only timing lives here (when each question was last drawn, and the one pending redraw);
the count and the game stay in the database.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from bot.store.records import GameRef

log = logging.getLogger(__name__)

Redraw = Callable[[GameRef, int], Awaitable[None]]
Key = tuple[GameRef, int]


class CountThrottle:
    def __init__(self, redraw: Redraw, interval: float = 2.0) -> None:
        self.redraw = redraw
        self.interval = interval
        self._last_drawn: dict[Key, float] = {}
        self._pending: dict[Key, asyncio.Task[None]] = {}

    async def answered(self, ref: GameRef, step: int) -> None:
        """A new answer to ``step``: redraw now, or make sure one redraw is coming."""
        key = (ref, step)
        if key in self._pending:
            return  # the pending redraw will read this answer from the database
        wait = self._last_drawn.get(key, -self.interval) + self.interval - time.monotonic()
        if wait <= 0:
            self._last_drawn[key] = time.monotonic()
            await self.redraw(ref, step)
            return
        task = asyncio.create_task(self._later(key, wait), name=f"answer-count-{ref.game_id}-{step}")
        task.add_done_callback(_log_failure)
        self._pending[key] = task

    def closed(self, ref: GameRef, step: int) -> None:
        """The question closed: its reveal replaces the count, so drop what is pending."""
        key = (ref, step)
        self._last_drawn.pop(key, None)
        task = self._pending.pop(key, None)
        if task is not None and task is not asyncio.current_task():
            task.cancel()

    def pending(self) -> int:
        return sum(1 for task in self._pending.values() if not task.done())

    async def close(self) -> None:
        tasks = list(self._pending.values())
        self._pending.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _later(self, key: Key, wait: float) -> None:
        await asyncio.sleep(wait)
        # Leave the pending slot first: an answer arriving during the redraw schedules the next one.
        if self._pending.get(key) is asyncio.current_task():
            del self._pending[key]
        self._last_drawn[key] = time.monotonic()
        await self.redraw(*key)


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("redrawing an answer count failed", exc_info=task.exception())
