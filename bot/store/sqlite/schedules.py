"""Daily-round schedules: one per channel, with the next run stored as an absolute UTC instant."""

from __future__ import annotations

from datetime import datetime, time

import aiosqlite

from bot.identity import Venue
from bot.rounds.timing import Timing
from bot.store.codec import from_json, instant, parse_instant, to_json
from bot.store.records import Schedule, ScheduleSpec
from bot.store.sqlite.rows import Repository

_SELECT = """SELECT s.*, w.platform, w.external_id AS workspace_ref, c.external_id AS channel_ref
             FROM schedules s JOIN workspaces w ON w.id = s.workspace_id JOIN channels c ON c.id = s.channel_id"""


def _schedule(row: aiosqlite.Row) -> Schedule:
    timing = Timing(time.fromisoformat(row["time_of_day"]), row["zone"], frozenset(from_json(row["weekdays"])))
    close = time.fromisoformat(row["close_time"]) if row["close_time"] else None
    spec = ScheduleSpec(timing, close, row["ping_role"], tuple(from_json(row["packs"])))
    return Schedule(
        id=row["id"],
        workspace_id=row["workspace_id"],
        channel_row=row["channel_id"],
        venue=Venue(row["platform"], row["workspace_ref"], row["channel_ref"]),
        spec=spec,
        paused=bool(row["paused"]),
        next_run_at=parse_instant(row["next_run_at"]),
        rounds_posted=row["rounds_posted"],
        created_by=row["created_by"],
    )


class SqliteSchedules(Repository):
    async def save(
        self, workspace_id: int, channel_row: int, spec: ScheduleSpec, next_run_at: datetime, by: str, at: datetime
    ) -> int:
        """Create the channel's schedule, or replace its settings (keeping its round count, so
        streaks carry on); either way it is active afterwards."""
        timing = spec.timing
        row = await self.one(
            """INSERT INTO schedules (workspace_id, channel_id, time_of_day, zone, weekdays, close_time, ping_role,
                                      packs, paused, next_run_at, created_by, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)
               ON CONFLICT (workspace_id, channel_id) DO UPDATE SET time_of_day = excluded.time_of_day,
                   zone = excluded.zone, weekdays = excluded.weekdays, close_time = excluded.close_time,
                   ping_role = excluded.ping_role, packs = excluded.packs, paused = 0,
                   next_run_at = excluded.next_run_at, updated_at = excluded.updated_at
               RETURNING id""",
            (
                workspace_id,
                channel_row,
                timing.time_of_day.isoformat(timespec="minutes"),
                timing.zone,
                to_json(sorted(timing.weekdays)),
                spec.close_time.isoformat(timespec="minutes") if spec.close_time else None,
                spec.ping_role,
                to_json(spec.packs),
                instant(next_run_at),
                by,
                instant(at),
            ),
        )
        assert row is not None
        return int(row[0])

    async def in_channel(self, workspace_id: int, channel_ref: str) -> Schedule | None:
        row = await self.one(f"{_SELECT} WHERE s.workspace_id = ? AND c.external_id = ?", (workspace_id, channel_ref))
        return _schedule(row) if row else None

    async def by_id(self, schedule_id: int) -> Schedule | None:
        row = await self.one(f"{_SELECT} WHERE s.id = ?", (schedule_id,))
        return _schedule(row) if row else None

    async def of_workspace(self, workspace_id: int) -> list[Schedule]:
        return [
            _schedule(r) for r in await self.all(f"{_SELECT} WHERE s.workspace_id = ? ORDER BY s.id", (workspace_id,))
        ]

    async def active(self, platform: str) -> list[Schedule]:
        """Every unpaused schedule this platform's bot runs."""
        rows = await self.all(f"{_SELECT} WHERE s.paused = 0 AND w.platform = ? ORDER BY s.next_run_at", (platform,))
        return [_schedule(r) for r in rows]

    async def set_paused(self, schedule_id: int, paused: bool, next_run_at: datetime) -> None:
        await self.db.execute(
            "UPDATE schedules SET paused = ?, next_run_at = ? WHERE id = ?",
            (int(paused), instant(next_run_at), schedule_id),
        )

    async def set_next_run(self, schedule_id: int, next_run_at: datetime, rounds_posted: int) -> None:
        await self.db.execute(
            "UPDATE schedules SET next_run_at = ?, rounds_posted = ? WHERE id = ?",
            (instant(next_run_at), rounds_posted, schedule_id),
        )

    async def advance(self, schedule_id: int, due: datetime, next_run_at: datetime, rounds_posted: int) -> bool:
        """Move an unpaused schedule from its run ``due`` to ``next_run_at``; False if it no longer
        waits for that run (another process handled it, or an admin changed it meanwhile)."""
        cursor = await self.db.execute(
            """UPDATE schedules SET next_run_at = ?, rounds_posted = ?
               WHERE id = ? AND next_run_at = ? AND NOT paused""",
            (instant(next_run_at), rounds_posted, schedule_id, instant(due)),
        )
        return cursor.rowcount == 1

    async def remove(self, schedule_id: int) -> None:
        """Stop posting; past rounds and their results stay."""
        await self.db.execute("DELETE FROM schedules WHERE id = ?", (schedule_id,))
