"""Units of work on each store engine: atomic writes, and reads that see only committed data."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import asyncpg
import pytest

from bot.store.database import Database
from bot.store.interface import Store
from bot.store.postgres.store import PostgresStore
from bot.store.sqlite.store import SqliteStore


class Boom(Exception):
    pass


async def test_a_write_commits_when_its_block_returns_and_rolls_back_when_it_raises(database_at: Path | str) -> None:
    async with Database.open(database_at) as store:
        async with store.write() as uow:
            await uow.games.ensure_workspace("slack", "T-kept")
        with pytest.raises(Boom):
            async with store.write() as uow:
                await uow.games.ensure_workspace("slack", "T-lost")
                raise Boom
        async with store.read() as uow:
            assert await uow.games.find_workspace("slack", "T-kept") is not None
            assert await uow.games.find_workspace("slack", "T-lost") is None


async def test_a_reader_neither_sees_nor_waits_for_an_open_write(database_at: Path | str) -> None:
    async with Database.open(database_at) as store:
        written = asyncio.Event()
        release = asyncio.Event()

        async def writer() -> None:
            async with store.write() as uow:
                await uow.games.ensure_workspace("discord", "G1")
                written.set()
                await release.wait()  # the transaction stays open (and the write lock held)

        task = asyncio.create_task(writer())
        await written.wait()
        # The reader must finish while the writer still holds its transaction: a reader that
        # waited for the write lock would time out here, one that shared the writer's
        # connection would see the uncommitted workspace.
        async with asyncio.timeout(2):
            async with store.read() as uow:
                assert await uow.games.find_workspace("discord", "G1") is None
        assert not task.done()
        release.set()
        await task
        async with store.read() as uow:
            assert await uow.games.find_workspace("discord", "G1") is not None


async def test_a_read_keeps_its_snapshot_while_a_write_commits(database_at: Path | str) -> None:
    async with Database.open(database_at) as store:
        async with store.read() as reading:
            assert await reading.games.find_workspace("slack", "T1") is None  # the snapshot starts here
            async with store.write() as uow:
                await uow.games.ensure_workspace("slack", "T1")
            assert await reading.games.find_workspace("slack", "T1") is None
        async with store.read() as uow:
            assert await uow.games.find_workspace("slack", "T1") is not None


async def test_a_read_cannot_write(database_at: Path | str) -> None:
    refusal = (sqlite3.OperationalError, asyncpg.ReadOnlySQLTransactionError)
    async with Database.open(database_at) as store:
        with pytest.raises(refusal, match=r"readonly|read-only"):
            async with store.read() as uow:
                await uow.games.ensure_workspace("slack", "T1")
        async with store.read() as uow:
            assert await uow.games.find_workspace("slack", "T1") is None


async def test_reads_run_beside_each_other_and_beside_a_writer(database_at: Path | str) -> None:
    async with Database.open(database_at) as store:
        async with store.write() as uow:
            workspace = await uow.games.ensure_workspace("slack", "T1")

        async def look() -> int | None:
            async with store.read() as uow:
                return await uow.games.find_workspace("slack", "T1")

        async def add(n: int) -> None:
            async with store.write() as uow:
                await uow.games.ensure_channel(workspace, f"C{n}")

        found = await asyncio.gather(*(look() for _ in range(20)), *(add(n) for n in range(20)))
        assert found[:20] == [workspace] * 20


async def test_a_cancelled_unit_of_work_leaves_no_transaction_behind(database_at: Path | str) -> None:
    # One connection for reads (and, on PostgreSQL, for everything), so a leftover
    # transaction would be found by the next unit of work.
    one_connection: AbstractAsyncContextManager[Store] = (
        PostgresStore.open(database_at, pool_size=1)
        if isinstance(database_at, str)
        else SqliteStore.open(database_at, readers=1)
    )
    async with one_connection as store:

        async def read_forever() -> None:
            async with store.read() as uow:
                await uow.games.find_workspace("slack", "T1")
                await asyncio.Event().wait()

        async def write_forever() -> None:
            async with store.write() as uow:
                await uow.games.ensure_workspace("slack", "never")
                await asyncio.Event().wait()

        for body in (read_forever, write_forever, read_forever):
            for pause in (0.0, 0.05):  # cancelled at its BEGIN, and inside its block
                task = asyncio.create_task(body())
                await asyncio.sleep(pause)
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        async with store.write() as uow:  # the writer is free and in no transaction
            await uow.games.ensure_workspace("slack", "T1")
        async with store.read() as uow:  # the one reader holds no stale snapshot
            assert await uow.games.find_workspace("slack", "T1") is not None
            assert await uow.games.find_workspace("slack", "never") is None
