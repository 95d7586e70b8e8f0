"""A heartbeat per platform connection, which ``rebuttal health`` (another process) reads."""

from __future__ import annotations

from datetime import datetime

from bot.store.codec import instant, parse_instant
from bot.store.sqlite.rows import Repository


class SqliteHeartbeats(Repository):
    async def beat(self, platform: str, at: datetime) -> None:
        await self.db.execute(
            "INSERT INTO heartbeats (platform, beat_at) VALUES (?, ?) "
            "ON CONFLICT (platform) DO UPDATE SET beat_at = excluded.beat_at",
            (platform, instant(at)),
        )

    async def last_beat(self, platform: str) -> datetime | None:
        row = await self.one("SELECT beat_at FROM heartbeats WHERE platform = ?", (platform,))
        return parse_instant(row["beat_at"]) if row else None
