"""Daily-round standings, seasons and leaderboard opt-outs, per workspace."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.store.schedules import utc_text


@dataclass(frozen=True)
class Standing:
    user_id: str
    name: str
    points: int
    correct: int
    predicted: int  # predictions answered: accuracy is correct / predicted
    rounds: int

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.predicted if self.predicted else None


@dataclass(frozen=True)
class Season:
    number: int
    started_at: datetime | None  # None: season 1, which began with the first round


async def standings(
    db: aiosqlite.Connection,
    workspace_id: int,
    *,
    since: datetime | None = None,
    round_id: int | None = None,
    limit: int = 10,
) -> list[Standing]:
    """Points and accuracy over the workspace's rounds scheduled from ``since`` (or one round),
    leaving out everyone who opted out."""
    conditions = [
        "r.workspace_id = ?",
        "p.user_id NOT IN (SELECT user_id FROM leaderboard_optouts WHERE workspace_id = ?)",
    ]
    parameters: list[object] = [workspace_id, workspace_id]
    if since is not None:
        conditions.append("r.scheduled_for >= ?")
        parameters.append(utc_text(since))
    if round_id is not None:
        conditions.append("r.id = ?")
        parameters.append(round_id)
    parameters.append(limit)
    async with db.execute(
        f"""SELECT p.user_id, p.display_name AS name, SUM(p.score) AS points, SUM(p.correct) AS correct,
                   SUM(rp.predicted) AS predicted, COUNT(*) AS rounds, MAX(r.scheduled_for) AS latest
            FROM game_players p
            JOIN rounds r ON r.game_id = p.game_id
            JOIN round_progress rp ON rp.round_id = r.id AND rp.user_id = p.user_id
            WHERE {" AND ".join(conditions)}
            GROUP BY p.user_id
            ORDER BY points DESC, correct DESC, rounds DESC, name
            LIMIT ?""",
        parameters,
    ) as cursor:
        # SQLite takes the bare ``display_name`` from the row holding MAX(latest): the newest name.
        return [
            Standing(r["user_id"], r["name"], r["points"], r["correct"], r["predicted"], r["rounds"])
            async for r in cursor
        ]


async def current_season(db: aiosqlite.Connection, workspace_id: int) -> Season:
    async with db.execute(
        "SELECT number, started_at FROM seasons WHERE workspace_id = ? ORDER BY number DESC LIMIT 1", (workspace_id,)
    ) as cursor:
        row = await cursor.fetchone()
    return Season(row["number"], datetime.fromisoformat(row["started_at"])) if row else Season(1, None)


async def start_season(db: aiosqlite.Connection, workspace_id: int, by: str, at: datetime) -> Season:
    number = (await current_season(db, workspace_id)).number + 1
    await db.execute(
        "INSERT INTO seasons (workspace_id, number, started_at, started_by) VALUES (?, ?, ?, ?)",
        (workspace_id, number, utc_text(at), by),
    )
    return Season(number, at)


async def set_opted_out(
    db: aiosqlite.Connection, workspace_id: int, user_id: str, opted_out: bool, at: datetime
) -> None:
    if opted_out:
        await db.execute(
            """INSERT INTO leaderboard_optouts (workspace_id, user_id, opted_out_at) VALUES (?, ?, ?)
               ON CONFLICT DO NOTHING""",
            (workspace_id, user_id, utc_text(at)),
        )
    else:
        await db.execute(
            "DELETE FROM leaderboard_optouts WHERE workspace_id = ? AND user_id = ?", (workspace_id, user_id)
        )


async def opted_out(db: aiosqlite.Connection, workspace_id: int) -> set[str]:
    async with db.execute("SELECT user_id FROM leaderboard_optouts WHERE workspace_id = ?", (workspace_id,)) as cursor:
        return {row["user_id"] async for row in cursor}
