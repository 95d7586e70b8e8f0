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

from bot.store.interface import Store
from bot.store.location import redacted
from bot.store.probe import ProbeFailed, probe

log = logging.getLogger(__name__)

HEARTBEAT_EVERY = timedelta(seconds=30)
STALE_AFTER = timedelta(seconds=90)


@dataclass(frozen=True)
class Health:
    healthy: bool
    detail: str


async def record_heartbeat(database: Store, platform: str, at: datetime) -> None:
    async with database.write() as uow:
        await uow.heartbeats.beat(platform, at)


@asynccontextmanager
async def heartbeat(
    database: Store,
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
                except Exception:  # any failure (a locked or full disk, say) waits for the next beat
                    log.warning("could not record the %s heartbeat", platform, exc_info=True)
            await asyncio.sleep(every.total_seconds())

    task = asyncio.create_task(beat(), name=f"heartbeat-{platform}")
    try:
        yield
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


async def check_health(location: Path | str, platform: str | None, now: datetime) -> Health:
    """Checks without creating or migrating anything: a health probe must not change state.
    ``location`` is a SQLite file or a PostgreSQL URL (shown without its password)."""
    if isinstance(location, Path) and not location.exists():
        return Health(False, f"database {location} does not exist (has the bot started?)")
    try:
        found = await probe(location, platform)
    except ProbeFailed as error:
        return Health(False, f"database {redacted(location)} cannot be read: {error}")
    version = found.version
    if version != found.expected:
        return Health(False, f"database schema is at version {version}, expected {found.expected}")
    if platform is None:
        return Health(True, f"database ok (schema {version})")
    beat = found.beat_at
    if beat is None:
        return Health(False, f"no {platform} connection has been recorded yet")
    age = now - beat
    if age > STALE_AFTER:
        return Health(False, f"{platform} connection last seen {int(age.total_seconds())} s ago")
    return Health(True, f"database ok (schema {version}); {platform} connected {int(age.total_seconds())} s ago")
