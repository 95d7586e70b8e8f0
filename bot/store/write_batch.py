"""Group commit for units of work: writes that arrive together share one transaction.

``bot.games.group_commit`` batches game commands, whose pure engine refuses most before
anything is written. Other writes on the hot path (a daily round's private clicks: each
reads its player's progress and writes the next step) are small functions of a unit of work;
``WriteBatch`` runs the ones queued together one after another in one write unit of work,
each seeing the writes of those before it, and commits once. Only then are their results
handed back, so no reply goes out for a write that is not stored.

A work that raises may have written part of itself: the whole transaction is rolled back and
every work of the batch run again alone, one transaction each, so each gets its own result or
its own error and none is lost because of another. Works must therefore be re-runnable: they
may read and write through the unit of work they are given, and do nothing else (no posting,
no state of their own). A batch holds at most ``max_batch`` works; the drain task takes
whatever is queued when the previous batch committed, so a lone write never waits for a
batch to fill. A work whose caller gave up (cancelled) before its batch began is dropped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.store.interface import Store, UnitOfWork

log = logging.getLogger(__name__)

Result = TypeVar("Result")
MAX_BATCH = 256


@dataclass
class _Queued:
    work: Callable[[UnitOfWork], Awaitable[Any]]
    done: asyncio.Future[Any]


class WriteBatch:
    """Runs queued works in batches, one write transaction per batch (see the module's text)."""

    def __init__(self, database: Store, max_batch: int = MAX_BATCH) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be at least 1")
        self.database = database
        self.max_batch = max_batch
        self._queue: list[_Queued] = []
        self._drainer: asyncio.Task[None] | None = None
        self.batches = 0  # committed batches, for benchmarks and diagnostics

    async def submit(self, work: Callable[[UnitOfWork], Awaitable[Result]]) -> Result:
        """Queue ``work``; returns its result once its batch has committed."""
        done: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._queue.append(_Queued(work, done))
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain(), name="write-batch")
        return await done

    async def _drain(self) -> None:
        while self._queue:
            batch = self._queue[: self.max_batch]
            del self._queue[: self.max_batch]
            batch = [queued for queued in batch if not queued.done.done()]
            if batch:
                await self._apply(batch)

    async def _apply(self, batch: list[_Queued]) -> None:
        try:
            results = await self._together(batch)
        except asyncio.CancelledError:
            for queued in batch:
                queued.done.cancel()
            raise
        except Exception as error:
            if len(batch) == 1:  # it ran alone already: its error is its own
                if not batch[0].done.done():
                    batch[0].done.set_exception(error)
                return
            log.info("a work in a batch of %d raised; running them one at a time", len(batch), exc_info=True)
            for queued in batch:
                await self._alone(queued)
            return
        self.batches += 1
        for queued, result in zip(batch, results, strict=True):
            if not queued.done.done():  # its caller gave up while the batch ran; it is stored anyway
                queued.done.set_result(result)

    async def _together(self, batch: list[_Queued]) -> list[Any]:
        async with self.database.write() as uow:
            return [await queued.work(uow) for queued in batch]

    async def _alone(self, queued: _Queued) -> None:
        if queued.done.done():
            return
        try:
            async with self.database.write() as uow:
                result = await queued.work(uow)
        except asyncio.CancelledError:
            queued.done.cancel()
            raise
        except Exception as error:
            if not queued.done.done():
                queued.done.set_exception(error)
        else:
            self.batches += 1
            if not queued.done.done():
                queued.done.set_result(result)
