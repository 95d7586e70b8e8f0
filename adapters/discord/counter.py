"""The live "N answered" line on a question, edited in place at a bounded rate.

Discord rate-limits message edits, and a class answering at once would otherwise cause one
edit per click. Per game, at most one edit per ``interval`` seconds: the first click edits
at once, later ones within the interval are folded into a single delayed edit. Each edit
reads the count from the database, so a late or out-of-order note can only show the truth.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.engine.state import Phase, Status
from bot.games.service import GameService
from bot.store.records import GameRef

log = logging.getLogger(__name__)

Editor = Callable[[GameRef, int, str], Awaitable[None]]  # (game, step, new text)


def answered_text(count: int) -> str:
    return f"{count} answered"


class AnswerCounter:
    def __init__(self, service: GameService, edit: Editor, interval: float = 2.0) -> None:
        self.service = service
        self.edit = edit
        self.interval = interval
        self._last_edit: dict[GameRef, float] = {}
        self._pending: dict[GameRef, asyncio.Task[None]] = {}
        self._locks: dict[GameRef, asyncio.Lock] = {}

    def lock(self, ref: GameRef) -> asyncio.Lock:
        """Held around every edit of a game's question message, so a counter edit can never
        land on top of the reveal."""
        return self._locks.setdefault(ref, asyncio.Lock())

    async def note(self, ref: GameRef) -> None:
        """Someone answered in game ``ref``: show it now, or fold it into the next edit."""
        pending = self._pending.get(ref)
        if pending is not None and not pending.done():
            return
        loop = asyncio.get_running_loop()
        wait = self._last_edit.get(ref, float("-inf")) + self.interval - loop.time()
        if wait <= 0:
            await self._refresh(ref)
            return
        task = asyncio.create_task(self._later(ref, wait), name=f"answer-count-{ref.game_id}")
        task.add_done_callback(_log_failure)
        self._pending[ref] = task

    async def _later(self, ref: GameRef, wait: float) -> None:
        await asyncio.sleep(wait)
        if self._pending.get(ref) is asyncio.current_task():
            del self._pending[ref]
        await self._refresh(ref)

    async def _refresh(self, ref: GameRef) -> None:
        """Show the open question's count as stored now: a folded edit may be for a question
        that has since closed (the reveal shows its final count) or for the next one."""
        async with self.lock(ref):
            self._last_edit[ref] = asyncio.get_running_loop().time()
            state = await self.service.load(ref)
            if state.phase is Phase.OPEN and state.status is Status.RUNNING:
                await self.edit(ref, state.step, answered_text(len(state.answers)))

    def forget(self, ref: GameRef) -> None:
        """The game is over: drop its bookkeeping (a pending edit finds it closed anyway)."""
        self._last_edit.pop(ref, None)
        lock = self._locks.get(ref)
        if lock is not None and not lock.locked():
            del self._locks[ref]

    async def close(self) -> None:
        pending = list(self._pending.values())
        self._pending.clear()
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("updating an answer count failed", exc_info=task.exception())
