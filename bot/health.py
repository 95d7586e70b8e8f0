"""Health: is the database reachable and migrated, and is the platform connection alive?

The bot records a heartbeat in the database while it is connected; ``rebuttal health`` runs
as a separate process (a container healthcheck) and reads it. A heartbeat older than
``STALE_AFTER`` means the connection is down or the bot is stuck.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite

from bot.store.database import Database
from bot.store.migrations import MIGRATIONS

log = logging.getLogger(__name__)

HEARTBEAT_EVERY = timedelta(seconds=30)
STALE_AFTER = timedelta(seconds=90)


@dataclass(frozen=True)
class Health:
    healthy: bool
    detail: str


async def record_heartbeat(database: Database, platform: str, at: datetime) -> None:
    async with database.transaction() as db:
        await db.execute(
            "INSERT INTO heartbeats (platform, beat_at) VALUES (?, ?) "
            "ON CONFLICT (platform) DO UPDATE SET beat_at = excluded.beat_at",
            (platform, at.isoformat()),
        )


@asynccontextmanager
async def heartbeat(
    database: Database,
    platform: str,
    connected: Callable[[], bool | Awaitable[bool]],
    every: timedelta = HEARTBEAT_EVERY,
) -> AsyncIterator[None]:
    """Record a heartbeat every ``every`` while ``connected()`` says so, for as long as the
    block runs. A failed write is logged and retried at the next beat, never fatal."""

    async def beat() -> None:
        while True:
            up = connected()
            if up if isinstance(up, bool) else await up:
                try:
                    await record_heartbeat(database, platform, datetime.now(UTC))
                except aiosqlite.Error:
                    log.warning("could not record the %s heartbeat", platform, exc_info=True)
            await asyncio.sleep(every.total_seconds())

    task = asyncio.create_task(beat(), name=f"heartbeat-{platform}")
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def check_health(path: Path, platform: str | None, now: datetime) -> Health:
    """Checks without creating or migrating anything: a health probe must not change state."""
    if not path.exists():
        return Health(False, f"database {path} does not exist (has the bot started?)")
    try:
        async with aiosqlite.connect(f"file:{path}?mode=ro", uri=True) as db:
            async with db.execute("PRAGMA user_version") as cursor:
                row = await cursor.fetchone()
            version = int(row[0]) if row else 0
            if version != len(MIGRATIONS):
                return Health(False, f"database schema is at version {version}, expected {len(MIGRATIONS)}")
            if platform is None:
                return Health(True, f"database ok (schema {version})")
            async with db.execute("SELECT beat_at FROM heartbeats WHERE platform = ?", (platform,)) as cursor:
                beat = await cursor.fetchone()
    except aiosqlite.Error as error:
        return Health(False, f"database {path} cannot be read: {error}")
    if beat is None:
        return Health(False, f"no {platform} connection has been recorded yet")
    age = now - datetime.fromisoformat(beat[0])
    if age > STALE_AFTER:
        return Health(False, f"{platform} connection last seen {int(age.total_seconds())} s ago")
    return Health(True, f"database ok (schema {version}); {platform} connected {int(age.total_seconds())} s ago")
