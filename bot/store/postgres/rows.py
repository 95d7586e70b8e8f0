"""What every PostgreSQL repository shares: the transaction's connection and small helpers."""

from __future__ import annotations

from typing import Any, TypeAlias

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from bot.engine.script import Script
from bot.store.postgres.turns import Turn
from bot.store.scripts import script_of_row

# A connection as the pool lends it (or one opened directly).
Connection: TypeAlias = "asyncpg.Connection[Any] | PoolConnectionProxy[Any]"


class Repository:
    """A repository acts inside the transaction its unit of work opened on ``db``. ``writing``
    says whether that transaction may write: a write locks the rows it is about to change
    (``SELECT … FOR UPDATE``), a read snapshot locks nothing."""

    def __init__(self, db: Connection, *, writing: bool, turn: Turn | None = None) -> None:
        self.db = db
        self.writing = writing
        self.turn = turn  # a write's place in this process's line for a game (bot.store.postgres.turns)

    async def lock_game(self, game_id: int) -> str:
        """In a write, wait for this process's turn at the game; returns the row-lock clause
        for the query that reads the game's row ("" in a read snapshot, which locks nothing)."""
        if not self.writing:
            return ""
        if self.turn is not None:
            await self.turn.take(game_id)
        return " FOR UPDATE"

    async def one(self, sql: str, *parameters: object) -> asyncpg.Record | None:
        return await self.db.fetchrow(sql, *parameters)

    async def all(self, sql: str, *parameters: object) -> list[asyncpg.Record]:
        return list(await self.db.fetch(sql, *parameters))

    async def changed(self, sql: str, *parameters: object) -> int:
        """Run a write and return how many rows it changed (from the command tag, "UPDATE 3")."""
        tag = await self.db.execute(sql, *parameters)
        return int(tag.rsplit(" ", 1)[-1]) if tag and tag[-1].isdigit() else 0

    async def script(self, text: str, pack_hash: str) -> Script:
        """A game row's stored script, read against its pack snapshot (``bot.store.scripts``)."""
        return await script_of_row(text, pack_hash, self._snapshot_body)

    async def _snapshot_body(self, digest: str) -> str | None:
        body = await self.db.fetchval("SELECT body FROM pack_snapshots WHERE hash = $1", digest)
        return str(body) if body is not None else None
