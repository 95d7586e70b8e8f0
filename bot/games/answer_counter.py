"""The live "N answered" line on an open question, redrawn at a bounded rate, once for
every platform.

Platforms rate-limit message edits (Slack's ``chat.update`` about once a second per
channel; Discord per route), and a class answering at once would otherwise mean one edit
per click. So each question is redrawn at most once per ``interval``: the first answer
redraws at once, later ones within the interval fold into one trailing redraw. The count is
read from the database when the redraw happens, and only while that question is still open,
so a folded or late redraw can only ever show the truth and never puts a count (or answer
buttons) back on a question that has been revealed by this process.

Several processes on one database each redraw the questions they take answers for, with no
lock between them, so their edits can land in the other order than their reads (one process
reads 5 and is slow to send; another reads 6 and draws it; the 5 lands last). So after each
edit the count is read again, and if it moved, one more redraw is scheduled. The read after
the edit that lands last sees every answer committed before that edit ended (a later answer
brings its own redraw), so the message ends on the stored count.

Only timing lives here (when each question was last drawn, and the one pending redraw);
the count and the game stay in the database. ``lock(ref)`` is held around every edit of a
game's question messages, by this counter and by the presenter's reveal, so the two never
interleave.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from bot.engine.effects import RevealStep
from bot.engine.state import GameState, Phase, Status
from bot.games.service import GameService
from bot.store.records import GameRef

log = logging.getLogger(__name__)

Redraw = Callable[[GameRef, int, int], Awaitable[None]]  # (game, step, answers so far)
RedrawReveal = Callable[[GameRef, RevealStep], Awaitable[None]]  # the question's reveal, drawn again
Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
Key = tuple[GameRef, int]


def answered_text(count: int) -> str:
    return f"{count} answered"


class AnsweredCounter:
    def __init__(
        self,
        service: GameService,
        redraw: Redraw,
        interval: float = 2.0,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        redraw_reveal: RedrawReveal | None = None,
    ) -> None:
        self.service = service
        self.redraw = redraw
        self.redraw_reveal = redraw_reveal
        self.interval = interval
        self.clock = clock
        self.sleep = sleep  # tests pass one they release by hand
        self._last_drawn: dict[Key, float] = {}
        self._pending: dict[Key, asyncio.Task[None]] = {}
        self._locks: dict[GameRef, asyncio.Lock] = {}

    def lock(self, ref: GameRef) -> asyncio.Lock:
        """Held around every edit of game ``ref``'s question messages."""
        return self._locks.setdefault(ref, asyncio.Lock())

    async def answered(self, ref: GameRef, step: int) -> None:
        """A new answer to ``step``: redraw now, or make sure one redraw is coming."""
        key = (ref, step)
        if key in self._pending:
            return  # the pending redraw will read this answer from the database
        wait = self._last_drawn.get(key, -self.interval) + self.interval - self.clock()
        if wait <= 0:
            await self._redraw(key)
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

    def forget(self, ref: GameRef) -> None:
        """The game is over: drop its bookkeeping."""
        for key in [key for key in self._last_drawn if key[0] == ref]:
            del self._last_drawn[key]
        lock = self._locks.get(ref)
        if lock is not None and not lock.locked():
            del self._locks[ref]

    def pending(self) -> int:
        return sum(1 for task in self._pending.values() if not task.done())

    async def close(self) -> None:
        """Cancel pending redraws; called before the database closes, so none can run after."""
        tasks = list(self._pending.values())
        self._pending.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _later(self, key: Key, wait: float) -> None:
        await self.sleep(wait)
        # Leave the pending slot first: an answer arriving during the redraw schedules the next one.
        if self._pending.get(key) is asyncio.current_task():
            del self._pending[key]
        await self._redraw(key)

    async def _redraw(self, key: Key) -> None:
        ref, step = key
        async with self.lock(ref):
            self._last_drawn[key] = self.clock()
            state = await self.service.load(ref)
            if not _open_at(state, step):
                return
            drawn = len(state.answers)
            await self.redraw(ref, step, drawn)
            after = await self.service.load(ref)
            if not _open_at(after, step) and self.redraw_reveal is not None:
                # The question closed while this edit was on its way. If another process
                # revealed it meanwhile, this count may have landed on top of the reveal (on
                # Slack, the answer buttons back and the tally gone): draw the reveal again. It
                # is the same reveal, so drawing it twice is harmless.
                revealed = await self.service.reveal_of(ref, step)
                if revealed is not None:
                    await self.redraw_reveal(ref, revealed)
                return
        # Another process may have drawn a newer count while this edit was on its way, and
        # this older one landed last. Read again: if the count moved, make sure one more
        # redraw follows (folded like any other), so the last edit shows the stored count.
        if _open_at(after, step) and len(after.answers) != drawn:
            await self.answered(ref, step)


def _open_at(state: GameState, step: int) -> bool:
    return state.step == step and state.phase is Phase.OPEN and state.status is Status.RUNNING


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("redrawing an answer count failed", exc_info=task.exception())
