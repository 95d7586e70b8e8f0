"""Daily-round standings, seasons and leaderboard opt-outs, per workspace (PostgreSQL)."""

from __future__ import annotations

from datetime import datetime

from bot.store.codec import aware, maybe_aware
from bot.store.postgres.rows import Repository
from bot.store.records import Season, Standing


class PostgresLeaderboards(Repository):
    async def standings(
        self, workspace_id: int, *, since: datetime | None = None, round_id: int | None = None, limit: int = 10
    ) -> list[Standing]:
        """Points and accuracy over the workspace's rounds scheduled from ``since`` (or one round),
        leaving out everyone who opted out. A player's name is the one of their newest round."""
        rows = await self.all(
            """SELECT p.user_id, (array_agg(p.display_name ORDER BY r.scheduled_for DESC, r.id DESC))[1] AS name,
                      SUM(p.score) AS points, SUM(p.correct) AS correct, SUM(rp.predicted) AS predicted,
                      COUNT(*) AS rounds
               FROM game_players p
               JOIN rounds r ON r.game_id = p.game_id
               JOIN round_progress rp ON rp.round_id = r.id AND rp.user_id = p.user_id
               WHERE r.workspace_id = $1
                 AND p.user_id NOT IN (SELECT user_id FROM leaderboard_optouts WHERE workspace_id = $1)
                 AND ($2::timestamptz IS NULL OR r.scheduled_for >= $2)
                 AND ($3::bigint IS NULL OR r.id = $3)
               GROUP BY p.user_id
               ORDER BY points DESC, correct DESC, rounds DESC, name
               LIMIT $4""",
            workspace_id,
            maybe_aware(since),
            round_id,
            limit,
        )
        return [
            Standing(r["user_id"], r["name"], int(r["points"]), int(r["correct"]), int(r["predicted"]), r["rounds"])
            for r in rows
        ]

    async def current_season(self, workspace_id: int) -> Season:
        row = await self.one(
            "SELECT number, started_at FROM seasons WHERE workspace_id = $1 ORDER BY number DESC LIMIT 1",
            workspace_id,
        )
        return Season(row["number"], row["started_at"]) if row else Season(1, None)

    async def start_season(self, workspace_id: int, by: str, at: datetime) -> Season:
        number = (await self.current_season(workspace_id)).number + 1
        await self.db.execute(
            "INSERT INTO seasons (workspace_id, number, started_at, started_by) VALUES ($1, $2, $3, $4)",
            workspace_id,
            number,
            aware(at),
            by,
        )
        return Season(number, at)

    async def set_opted_out(self, workspace_id: int, user_id: str, opted_out: bool, at: datetime) -> None:
        if opted_out:
            await self.db.execute(
                """INSERT INTO leaderboard_optouts (workspace_id, user_id, opted_out_at) VALUES ($1, $2, $3)
                   ON CONFLICT DO NOTHING""",
                workspace_id,
                user_id,
                aware(at),
            )
        else:
            await self.db.execute(
                "DELETE FROM leaderboard_optouts WHERE workspace_id = $1 AND user_id = $2", workspace_id, user_id
            )

    async def opted_out(self, workspace_id: int) -> set[str]:
        rows = await self.all("SELECT user_id FROM leaderboard_optouts WHERE workspace_id = $1", workspace_id)
        return {row["user_id"] for row in rows}
