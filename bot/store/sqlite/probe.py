"""Looking at a database from another process without changing it (``rebuttal health``)."""

from __future__ import annotations

from pathlib import Path

import aiosqlite

from bot.store.codec import parse_instant
from bot.store.probe import Probe, ProbeFailed
from bot.store.sqlite.migrations import MIGRATIONS


async def probe(path: Path, platform: str | None) -> Probe:
    """Opens the file read-only: a health probe must create, migrate and lock nothing."""
    try:
        async with aiosqlite.connect(f"file:{path}?mode=ro", uri=True) as db:
            async with db.execute("PRAGMA user_version") as cursor:
                row = await cursor.fetchone()
            version = int(row[0]) if row else 0
            beat = None
            if platform is not None and version == len(MIGRATIONS):
                async with db.execute("SELECT beat_at FROM heartbeats WHERE platform = ?", (platform,)) as cursor:
                    beat = await cursor.fetchone()
    except aiosqlite.Error as error:
        raise ProbeFailed(str(error)) from error
    return Probe(version, len(MIGRATIONS), parse_instant(beat[0]) if beat else None)
