"""The PostgreSQL store: a connection pool, one transaction per unit of work, migrations.

Theory of operation. A write unit of work is a READ COMMITTED transaction on a pooled
connection; what SQLite gets from its single writer, PostgreSQL gets from row locks and
constraints, so it holds across processes too: loading a game (or a player's place in a
daily round) inside a write takes ``SELECT … FOR UPDATE`` on the game's row, so two commands
for one game run one after the other while commands for different games run side by side;
one live game per channel is the partial unique index ``one_live_game_per_channel`` (a second
start fails on it and raises ``ChannelBusy``); an event is claimed by its primary key. A read
unit of work is a READ ONLY, REPEATABLE READ transaction: one snapshot of committed data,
taken at its first statement, that neither waits for a writer nor makes one wait.

Migrations run at open, all pending ones in one transaction (PostgreSQL's DDL is
transactional) under an advisory lock, so several processes starting at once apply them once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import asyncpg

from bot.store.postgres.migrations import MIGRATIONS
from bot.store.postgres.rows import Connection
from bot.store.postgres.turns import GameTurns
from bot.store.postgres.unit_of_work import PostgresUnitOfWork
from bot.store.records import BackupFailed

POOL_SIZE = 10  # connections per process; each unit of work holds one for its length
# The advisory lock key that serialises migrating processes (any constant; this one spells "rebut").
MIGRATION_LOCK = 0x7265627574


class PostgresStore:
    """Implements ``bot.store.interface.Store`` on a PostgreSQL database."""

    def __init__(self, pool: asyncpg.Pool[Any]) -> None:
        self._pool = pool
        self.turns = GameTurns()  # this process's line per game (bot.store.postgres.turns)

    @classmethod
    @asynccontextmanager
    async def open(cls, url: str, *, pool_size: int = POOL_SIZE) -> AsyncIterator[PostgresStore]:
        """Connect to the database at ``url`` (``postgresql://…``) and migrate it if needed."""
        pool = await asyncpg.create_pool(url, min_size=1, max_size=pool_size)
        try:
            async with pool.acquire() as connection:
                await migrate(connection)
            yield cls(pool)
        finally:
            await pool.close()

    @asynccontextmanager
    async def write(self) -> AsyncIterator[PostgresUnitOfWork]:
        """One atomic unit of work: committed if the block returns, rolled back if it raises."""
        turn = self.turns.turn()
        try:
            async with self._pool.acquire() as connection, connection.transaction():
                yield PostgresUnitOfWork(connection, writing=True, turn=turn)
        finally:
            turn.end()  # after COMMIT, and with no await before the caller's next line

    @asynccontextmanager
    async def read(self) -> AsyncIterator[PostgresUnitOfWork]:
        """A read-only snapshot of committed data; it takes no lock a writer waits for."""
        async with (
            self._pool.acquire() as connection,
            connection.transaction(isolation="repeatable_read", readonly=True),
        ):
            yield PostgresUnitOfWork(connection, writing=False)

    async def schema_version(self) -> int:
        async with self._pool.acquire() as connection:
            return await schema_version(connection)

    async def backup(self, destination: Path) -> None:
        """PostgreSQL is backed up with its own tools, which copy a consistent snapshot of a
        running server; the store does not reimplement them."""
        raise BackupFailed(f"PostgreSQL is backed up with pg_dump (README, Deployment), not to {destination}")


async def schema_version(connection: Connection) -> int:
    """How many migrations the database has (0 for an empty one)."""
    exists = await connection.fetchval("SELECT to_regclass('schema_version') IS NOT NULL")
    if not exists:
        return 0
    return int(await connection.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_version"))


async def migrate(connection: Connection) -> int:
    """Apply the migrations the database lacks, in one transaction; returns the new version."""
    async with connection.transaction():
        await connection.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        await connection.execute(
            """CREATE TABLE IF NOT EXISTS schema_version (
                   version integer PRIMARY KEY,
                   applied_at timestamptz NOT NULL DEFAULT now()
               )"""
        )
        version = await schema_version(connection)
        if version > len(MIGRATIONS):
            raise RuntimeError(
                f"the database is at schema version {version}, newer than this program "
                f"({len(MIGRATIONS)}); upgrade Rebuttal"
            )
        for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
            if isinstance(migration, str):
                await connection.execute(migration)
            else:
                await migration(connection)
            await connection.execute("INSERT INTO schema_version (version) VALUES ($1)", number)
    return len(MIGRATIONS)
