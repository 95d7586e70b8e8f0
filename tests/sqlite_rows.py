"""Test-only inspection of what a store wrote, table by table (SQLite or PostgreSQL).

Tests that check an outcome at the level of the schema itself (rows deleted by forget-me or
purge, answers that survived a SIGKILL) look with this, through a read-only snapshot of the
store's reader; production code reads only through repositories. ``rows`` takes SQLite's
``?`` placeholders on either engine (numbered ``$1, $2, …`` for PostgreSQL); a row answers
both ``row["column"]`` and ``row[0]``.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import aiosqlite

from bot.store.interface import Store
from bot.store.postgres.unit_of_work import PostgresUnitOfWork
from bot.store.sqlite.unit_of_work import SqliteUnitOfWork


async def rows(store: Store, sql: str, parameters: tuple[object, ...] = ()) -> list[Any]:
    async with store.read() as uow:
        if isinstance(uow, PostgresUnitOfWork):
            numbers = itertools.count(1)
            numbered = re.sub(r"\?", lambda _: f"${next(numbers)}", sql)
            return list(await uow.games.db.fetch(numbered, *parameters))
        assert isinstance(uow, SqliteUnitOfWork), f"no inspection for {type(uow).__name__}"
        return await uow.games.db.execute_fetchall(sql, parameters)


async def file_rows(path: Path, sql: str, parameters: tuple[object, ...] = ()) -> list[aiosqlite.Row]:
    """The same on a file another process writes, opened read-only (no migration, no lock)."""
    async with aiosqlite.connect(f"file:{path}?mode=ro", uri=True) as db:
        db.row_factory = aiosqlite.Row
        async with db.execute(sql, parameters) as cursor:
            return list(await cursor.fetchall())


async def set_user_version(store: Store, version: int) -> None:
    """Pretend the file is at an older schema (a health probe must notice)."""
    async with store.write() as uow:
        assert isinstance(uow, SqliteUnitOfWork), "user_version is SQLite's"
        await uow.games.db.execute(f"PRAGMA user_version = {int(version)}")
