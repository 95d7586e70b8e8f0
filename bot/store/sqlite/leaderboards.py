"""Daily-round standings, seasons and leaderboard opt-outs, per workspace."""

from __future__ import annotations

from datetime import datetime

from bot.store.codec import instant, maybe_instant, parse_instant
from bot.store.records import Season, Standing
from bot.store.sqlite.rows import Repository


class SqliteLeaderboards(Repository):
    async def standings(
        self, workspace_id: int, *, since: datetime | None = None, round_id: int | None = None, limit: int = 10
    ) -> list[Standing]:
        """Points and accuracy over the workspace's rounds scheduled from ``since`` (or one round),
        leaving out everyone who opted out."""
        rows = await self.all(
            """SELECT p.user_id, p.display_name AS name, SUM(p.score) AS points, SUM(p.correct) AS correct,
                      SUM(rp.predicted) AS predicted, COUNT(*) AS rounds, MAX(r.scheduled_for) AS latest
               FROM game_players p
               JOIN rounds r ON r.game_id = p.game_id
               JOIN round_progress rp ON rp.round_id = r.id AND rp.user_id = p.user_id
               WHERE r.workspace_id = ?
                 AND p.user_id NOT IN (SELECT user_id FROM leaderboard_optouts WHERE workspace_id = ?)
                 AND (? IS NULL OR r.scheduled_for >= ?)
                 AND (? IS NULL OR r.id = ?)
               GROUP BY p.user_id
               ORDER BY points DESC, correct DESC, rounds DESC, name
               LIMIT ?""",
            (workspace_id, workspace_id, *(maybe_instant(since),) * 2, round_id, round_id, limit),
        )
        # SQLite takes the bare ``display_name`` from the row holding MAX(latest): the newest name.
        return [Standing(r["user_id"], r["name"], r["points"], r["correct"], r["predicted"], r["rounds"]) for r in rows]

    async def current_season(self, workspace_id: int) -> Season:
        row = await self.one(
            "SELECT number, started_at FROM seasons WHERE workspace_id = ? ORDER BY number DESC LIMIT 1",
            (workspace_id,),
        )
        return Season(row["number"], parse_instant(row["started_at"])) if row else Season(1, None)

    async def start_season(self, workspace_id: int, by: str, at: datetime) -> Season:
        number = (await self.current_season(workspace_id)).number + 1
        await self.db.execute(
            "INSERT INTO seasons (workspace_id, number, started_at, started_by) VALUES (?, ?, ?, ?)",
            (workspace_id, number, instant(at), by),
        )
        return Season(number, at)

    async def set_opted_out(self, workspace_id: int, user_id: str, opted_out: bool, at: datetime) -> None:
        if opted_out:
            await self.db.execute(
                """INSERT INTO leaderboard_optouts (workspace_id, user_id, opted_out_at) VALUES (?, ?, ?)
                   ON CONFLICT DO NOTHING""",
                (workspace_id, user_id, instant(at)),
            )
        else:
            await self.db.execute(
                "DELETE FROM leaderboard_optouts WHERE workspace_id = ? AND user_id = ?", (workspace_id, user_id)
            )

    async def opted_out(self, workspace_id: int) -> set[str]:
        rows = await self.all("SELECT user_id FROM leaderboard_optouts WHERE workspace_id = ?", (workspace_id,))
        return {row["user_id"] for row in rows}
