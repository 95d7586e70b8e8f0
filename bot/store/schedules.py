"""Daily-round schedules: one per channel, with the next run stored as an absolute UTC instant."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, time

import aiosqlite

from bot.identity import Venue
from bot.rounds.timing import Timing


def utc_text(moment: datetime) -> str:
    """A fixed-width UTC timestamp, so SQL can compare instants as text."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class ScheduleSpec:
    """What an admin chooses for a channel's daily round."""

    timing: Timing
    close_time: time | None = None  # None: a round closes when the next one posts
    ping_role: str | None = None
    packs: tuple[str, ...] = ()  # empty: the whole library, in order


@dataclass(frozen=True)
class Schedule:
    id: int
    workspace_id: int
    channel_row: int
    venue: Venue  # where rounds post: the platform's own workspace and channel ids
    spec: ScheduleSpec
    paused: bool
    next_run_at: datetime
    rounds_posted: int
    created_by: str


_SELECT = """SELECT s.*, w.platform, w.external_id AS workspace_ref, c.external_id AS channel_ref
             FROM schedules s JOIN workspaces w ON w.id = s.workspace_id JOIN channels c ON c.id = s.channel_id"""


def _schedule(row: aiosqlite.Row) -> Schedule:
    timing = Timing(time.fromisoformat(row["time_of_day"]), row["zone"], frozenset(json.loads(row["weekdays"])))
    close = time.fromisoformat(row["close_time"]) if row["close_time"] else None
    spec = ScheduleSpec(timing, close, row["ping_role"], tuple(json.loads(row["packs"])))
    return Schedule(
        id=row["id"],
        workspace_id=row["workspace_id"],
        channel_row=row["channel_id"],
        venue=Venue(row["platform"], row["workspace_ref"], row["channel_ref"]),
        spec=spec,
        paused=bool(row["paused"]),
        next_run_at=datetime.fromisoformat(row["next_run_at"]),
        rounds_posted=row["rounds_posted"],
        created_by=row["created_by"],
    )


async def save_schedule(
    db: aiosqlite.Connection,
    workspace_id: int,
    channel_row: int,
    spec: ScheduleSpec,
    next_run_at: datetime,
    by: str,
    at: datetime,
) -> int:
    """Create the channel's schedule, or replace its settings (keeping its round count, so
    streaks carry on); either way it is active afterwards."""
    timing = spec.timing
    cursor = await db.execute(
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
            json.dumps(sorted(timing.weekdays)),
            spec.close_time.isoformat(timespec="minutes") if spec.close_time else None,
            spec.ping_role,
            json.dumps(list(spec.packs)),
            utc_text(next_run_at),
            by,
            utc_text(at),
        ),
    )
    row = await cursor.fetchone()
    await cursor.close()
    assert row is not None
    return int(row[0])


async def schedule_in(db: aiosqlite.Connection, workspace_id: int, channel_ref: str) -> Schedule | None:
    async with db.execute(
        f"{_SELECT} WHERE s.workspace_id = ? AND c.external_id = ?", (workspace_id, channel_ref)
    ) as c:
        row = await c.fetchone()
    return _schedule(row) if row else None


async def schedule_by_id(db: aiosqlite.Connection, schedule_id: int) -> Schedule | None:
    async with db.execute(f"{_SELECT} WHERE s.id = ?", (schedule_id,)) as cursor:
        row = await cursor.fetchone()
    return _schedule(row) if row else None


async def schedules_of(db: aiosqlite.Connection, workspace_id: int) -> list[Schedule]:
    async with db.execute(f"{_SELECT} WHERE s.workspace_id = ? ORDER BY s.id", (workspace_id,)) as cursor:
        return [_schedule(row) async for row in cursor]


async def active_schedules(db: aiosqlite.Connection, platform: str) -> list[Schedule]:
    """Every unpaused schedule this platform's bot runs."""
    async with db.execute(f"{_SELECT} WHERE s.paused = 0 AND w.platform = ? ORDER BY s.next_run_at", (platform,)) as c:
        return [_schedule(row) async for row in c]


async def set_paused(db: aiosqlite.Connection, schedule_id: int, paused: bool, next_run_at: datetime) -> None:
    await db.execute(
        "UPDATE schedules SET paused = ?, next_run_at = ? WHERE id = ?",
        (int(paused), utc_text(next_run_at), schedule_id),
    )


async def set_next_run(db: aiosqlite.Connection, schedule_id: int, next_run_at: datetime, rounds_posted: int) -> None:
    await db.execute(
        "UPDATE schedules SET next_run_at = ?, rounds_posted = ? WHERE id = ?",
        (utc_text(next_run_at), rounds_posted, schedule_id),
    )


async def remove(db: aiosqlite.Connection, schedule_id: int) -> None:
    """Stop posting; past rounds and their results stay."""
    await db.execute("DELETE FROM schedules WHERE id = ?", (schedule_id,))
