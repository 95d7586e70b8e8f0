"""Small helpers every SQLite repository uses to run one statement."""

from __future__ import annotations

import aiosqlite


class Repository:
    """A repository acts inside the transaction its unit of work opened on ``db``."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self.db = db

    async def one(self, sql: str, parameters: tuple[object, ...] = ()) -> aiosqlite.Row | None:
        async with self.db.execute(sql, parameters) as cursor:
            return await cursor.fetchone()

    async def all(self, sql: str, parameters: tuple[object, ...] = ()) -> list[aiosqlite.Row]:
        async with self.db.execute(sql, parameters) as cursor:
            return list(await cursor.fetchall())
