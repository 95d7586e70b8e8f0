"""Small helpers every SQLite repository uses to run one statement."""

from __future__ import annotations

import sqlite3

from bot.engine.script import Script
from bot.store.scripts import script_of_row
from bot.store.sqlite.statements import Statements


class Repository:
    """A repository acts inside the transaction its unit of work opened on ``db``."""

    def __init__(self, db: Statements) -> None:
        self.db = db

    # One trip to the connection's thread per query, carrying the writes queued before it
    # (``bot.store.sqlite.statements``): under a burst each trip waits for a turn of the busy
    # event loop.
    async def one(self, sql: str, parameters: tuple[object, ...] = ()) -> sqlite3.Row | None:
        rows = await self.db.execute_fetchall(sql, parameters)
        return next(iter(rows), None)

    async def all(self, sql: str, parameters: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        return await self.db.execute_fetchall(sql, parameters)

    async def script(self, text: str, pack_hash: str) -> Script:
        """A game row's stored script, read against its pack snapshot (``bot.store.scripts``)."""
        return await script_of_row(text, pack_hash, self._snapshot_body)

    async def _snapshot_body(self, digest: str) -> str | None:
        row = await self.one("SELECT body FROM pack_snapshots WHERE hash = ?", (digest,))
        return str(row["body"]) if row else None
