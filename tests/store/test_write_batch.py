"""Group commit for units of work (``bot.store.write_batch``) on both store engines."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from bot.store.database import Database
from bot.store.interface import UnitOfWork
from bot.store.write_batch import WriteBatch


class Refused(Exception):
    pass


def add_workspace(name: str, *, then_fail: bool = False) -> Callable[[UnitOfWork], Awaitable[int]]:
    """A work that writes a workspace row and returns how many of the named ones it sees."""

    async def work(uow: UnitOfWork) -> int:
        await uow.games.ensure_workspace("test", name)
        if then_fail:
            raise Refused(f"{name} refused after writing")
        seen = [await uow.games.find_workspace("test", f"w{n}") for n in range(10)]
        return sum(found is not None for found in seen)

    return work


async def test_works_queued_together_share_one_transaction_and_see_each_other(database_at: Path | str) -> None:
    async with Database.open(database_at) as store:
        batch = WriteBatch(store)
        results = await asyncio.gather(*(batch.submit(add_workspace(f"w{n}")) for n in range(5)))
        assert results == [1, 2, 3, 4, 5], "each work saw the writes of those before it"
        assert batch.batches == 1
        async with store.read() as uow:
            assert all([await uow.games.find_workspace("test", f"w{n}") for n in range(5)])


async def test_a_work_that_raises_fails_alone_and_leaves_no_partial_write(database_at: Path | str) -> None:
    async with Database.open(database_at) as store:
        batch = WriteBatch(store)
        work = [add_workspace("w0"), add_workspace("w1", then_fail=True), add_workspace("w2")]
        first, failed, third = await asyncio.gather(*(batch.submit(w) for w in work), return_exceptions=True)
        assert isinstance(failed, Refused)
        assert first == 1 and third == 2, "run again alone, the others still see only committed rows"
        async with store.read() as uow:
            assert await uow.games.find_workspace("test", "w1") is None
            assert await uow.games.find_workspace("test", "w0") is not None
            assert await uow.games.find_workspace("test", "w2") is not None


async def test_a_work_whose_caller_gave_up_before_its_batch_is_never_run(database_at: Path | str) -> None:
    async with Database.open(database_at) as store:
        batch = WriteBatch(store)
        kept = asyncio.ensure_future(batch.submit(add_workspace("w0")))
        dropped = asyncio.ensure_future(batch.submit(add_workspace("w1")))
        await asyncio.sleep(0)  # both queued; the batch has not started
        dropped.cancel()
        assert await kept == 1
        with pytest.raises(asyncio.CancelledError):
            await dropped
        async with store.read() as uow:
            assert await uow.games.find_workspace("test", "w1") is None


async def test_a_batch_never_holds_more_than_its_bound(database_at: Path | str) -> None:
    async with Database.open(database_at) as store:
        batch = WriteBatch(store, max_batch=2)
        await asyncio.gather(*(batch.submit(add_workspace(f"w{n}")) for n in range(5)))
        assert batch.batches == 3
