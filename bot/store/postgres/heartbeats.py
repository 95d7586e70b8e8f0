"""A heartbeat per platform connection, which ``rebuttal health`` (another process) reads."""

from __future__ import annotations

from datetime import datetime

from bot.store.codec import aware
from bot.store.postgres.rows import Repository


class PostgresHeartbeats(Repository):
    async def beat(self, platform: str, at: datetime) -> None:
        await self.db.execute(
            "INSERT INTO heartbeats (platform, beat_at) VALUES ($1, $2) "
            "ON CONFLICT (platform) DO UPDATE SET beat_at = excluded.beat_at",
            platform,
            aware(at),
        )

    async def last_beat(self, platform: str) -> datetime | None:
        row = await self.one("SELECT beat_at FROM heartbeats WHERE platform = $1", platform)
        return row["beat_at"] if row else None
