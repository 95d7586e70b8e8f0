"""Daily-round schedules on PostgreSQL: one per channel, the next run a ``timestamptz``."""

from __future__ import annotations

from datetime import datetime, time

import asyncpg

from bot.identity import Venue
from bot.rounds.timing import Timing
from bot.store.codec import aware, from_json, to_json
from bot.store.postgres.rows import Repository
from bot.store.records import Schedule, ScheduleSpec

_SELECT = """SELECT s.*, w.platform, w.external_id AS workspace_ref, c.external_id AS channel_ref
             FROM schedules s JOIN workspaces w ON w.id = s.workspace_id JOIN channels c ON c.id = s.channel_id"""


def _schedule(row: asyncpg.Record) -> Schedule:
    timing = Timing(time.fromisoformat(row["time_of_day"]), row["zone"], frozenset(from_json(row["weekdays"])))
    close = time.fromisoformat(row["close_time"]) if row["close_time"] else None
    spec = ScheduleSpec(timing, close, row["ping_role"], tuple(from_json(row["packs"])))
    return Schedule(
        id=row["id"],
        workspace_id=row["workspace_id"],
        channel_row=row["channel_id"],
        venue=Venue(row["platform"], row["workspace_ref"], row["channel_ref"]),
        spec=spec,
        paused=row["paused"],
        next_run_at=row["next_run_at"],
        rounds_posted=row["rounds_posted"],
        created_by=row["created_by"],
    )


class PostgresSchedules(Repository):
    async def save(
        self, workspace_id: int, channel_row: int, spec: ScheduleSpec, next_run_at: datetime, by: str, at: datetime
    ) -> int:
        """Create the channel's schedule, or replace its settings (keeping its round count)."""
        timing = spec.timing
        schedule_id = await self.db.fetchval(
            """INSERT INTO schedules (workspace_id, channel_id, time_of_day, zone, weekdays, close_time, ping_role,
                                      packs, paused, next_run_at, created_by, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, false, $9, $10, $11)
               ON CONFLICT (workspace_id, channel_id) DO UPDATE SET time_of_day = excluded.time_of_day,
                   zone = excluded.zone, weekdays = excluded.weekdays, close_time = excluded.close_time,
                   ping_role = excluded.ping_role, packs = excluded.packs, paused = false,
                   next_run_at = excluded.next_run_at, updated_at = excluded.updated_at
               RETURNING id""",
            workspace_id,
            channel_row,
            timing.time_of_day.isoformat(timespec="minutes"),
            timing.zone,
            to_json(sorted(timing.weekdays)),
            spec.close_time.isoformat(timespec="minutes") if spec.close_time else None,
            spec.ping_role,
            to_json(spec.packs),
            aware(next_run_at),
            by,
            aware(at),
        )
        return int(schedule_id)

    async def in_channel(self, workspace_id: int, channel_ref: str) -> Schedule | None:
        row = await self.one(f"{_SELECT} WHERE s.workspace_id = $1 AND c.external_id = $2", workspace_id, channel_ref)
        return _schedule(row) if row else None

    async def by_id(self, schedule_id: int) -> Schedule | None:
        row = await self.one(f"{_SELECT} WHERE s.id = $1", schedule_id)
        return _schedule(row) if row else None

    async def of_workspace(self, workspace_id: int) -> list[Schedule]:
        return [
            _schedule(r) for r in await self.all(f"{_SELECT} WHERE s.workspace_id = $1 ORDER BY s.id", workspace_id)
        ]

    async def active(self, platform: str) -> list[Schedule]:
        """Every unpaused schedule this platform's bot runs."""
        rows = await self.all(f"{_SELECT} WHERE NOT s.paused AND w.platform = $1 ORDER BY s.next_run_at", platform)
        return [_schedule(r) for r in rows]

    async def set_paused(self, schedule_id: int, paused: bool, next_run_at: datetime) -> None:
        await self.db.execute(
            "UPDATE schedules SET paused = $1, next_run_at = $2 WHERE id = $3", paused, aware(next_run_at), schedule_id
        )

    async def set_next_run(self, schedule_id: int, next_run_at: datetime, rounds_posted: int) -> None:
        await self.db.execute(
            "UPDATE schedules SET next_run_at = $1, rounds_posted = $2 WHERE id = $3",
            aware(next_run_at),
            rounds_posted,
            schedule_id,
        )

    async def advance(self, schedule_id: int, due: datetime, next_run_at: datetime, rounds_posted: int) -> bool:
        """Move an unpaused schedule from its run ``due`` to ``next_run_at``; False if it no longer
        waits for that run. A second process's UPDATE waits for the first one's row lock, then
        re-reads the row, finds the run moved on and changes nothing: the run is claimed once."""
        changed = await self.changed(
            """UPDATE schedules SET next_run_at = $1, rounds_posted = $2
               WHERE id = $3 AND next_run_at = $4 AND NOT paused""",
            aware(next_run_at),
            rounds_posted,
            schedule_id,
            aware(due),
        )
        return changed == 1

    async def remove(self, schedule_id: int) -> None:
        """Stop posting; past rounds and their results stay."""
        await self.db.execute("DELETE FROM schedules WHERE id = $1", schedule_id)
