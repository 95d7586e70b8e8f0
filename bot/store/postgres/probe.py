"""``rebuttal health`` on PostgreSQL: one short read-only connection, nothing migrated."""

from __future__ import annotations

import asyncpg

from bot.store.postgres.migrations import MIGRATIONS
from bot.store.postgres.store import schema_version
from bot.store.probe import Probe, ProbeFailed


async def probe(url: str, platform: str | None, timeout: float) -> Probe:
    try:
        connection = await asyncpg.connect(url, timeout=timeout)
    except (OSError, TimeoutError, asyncpg.PostgresError) as error:
        raise ProbeFailed(str(error) or type(error).__name__) from error
    try:
        async with connection.transaction(readonly=True):
            version = await schema_version(connection)
            beat = None
            if platform is not None and version == len(MIGRATIONS):
                beat = await connection.fetchval("SELECT beat_at FROM heartbeats WHERE platform = $1", platform)
    except asyncpg.PostgresError as error:
        raise ProbeFailed(str(error)) from error
    finally:
        await connection.close()
    return Probe(version, len(MIGRATIONS), beat)
