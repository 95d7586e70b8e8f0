"""Test-only inspection of what the SQLite store wrote, table by table.

Tests that check an outcome at the level of the schema itself (rows deleted by forget-me or
purge, answers that survived a SIGKILL) look with this, through a read-only snapshot of the
store's reader; production code reads only through repositories.
"""

from __future__ import annotations

from pathlib import Path

import aiosqlite

from bot.store.interface import Store
from bot.store.sqlite.store import SqliteStore
from bot.store.sqlite.unit_of_work import SqliteUnitOfWork


async def rows(store: Store, sql: str, parameters: tuple[object, ...] = ()) -> list[aiosqlite.Row]:
    async with store.read() as uow:
        assert isinstance(uow, SqliteUnitOfWork), "these tests inspect the SQLite engine"
        async with uow.games.db.execute(sql, parameters) as cursor:
            return list(await cursor.fetchall())


async def file_rows(path: Path, sql: str, parameters: tuple[object, ...] = ()) -> list[aiosqlite.Row]:
    """The same on a file another process writes, opened read-only (no migration, no lock)."""
    async with aiosqlite.connect(f"file:{path}?mode=ro", uri=True) as db:
        db.row_factory = aiosqlite.Row
        async with db.execute(sql, parameters) as cursor:
            return list(await cursor.fetchall())


async def set_user_version(store: SqliteStore, version: int) -> None:
    """Pretend the file is at an older schema (a health probe must notice)."""
    async with store.write() as uow:
        await uow.games.db.execute(f"PRAGMA user_version = {int(version)}")
