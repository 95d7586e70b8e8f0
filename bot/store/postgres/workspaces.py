"""Per-workspace data: who counts as a teacher, debates imported there, players' records."""

from __future__ import annotations

from datetime import datetime

from bot.content.model import Pack
from bot.store.codec import aware, from_json, to_json
from bot.store.postgres.rows import Repository
from bot.store.records import TeacherSettings


class PostgresWorkspaces(Repository):
    async def teacher_settings(self, workspace_id: int) -> TeacherSettings:
        row = await self.one(
            "SELECT teacher_role, teacher_users FROM workspace_settings WHERE workspace_id = $1", workspace_id
        )
        if row is None:
            return TeacherSettings()
        return TeacherSettings(row["teacher_role"], tuple(from_json(row["teacher_users"])))

    async def save_teacher_settings(self, workspace_id: int, settings: TeacherSettings) -> None:
        await self.db.execute(
            """INSERT INTO workspace_settings (workspace_id, teacher_role, teacher_users) VALUES ($1, $2, $3)
               ON CONFLICT (workspace_id) DO UPDATE SET teacher_role = excluded.teacher_role,
                   teacher_users = excluded.teacher_users""",
            workspace_id,
            settings.teacher_role,
            to_json(settings.teacher_users),
        )

    async def add_pack(self, workspace_id: int, pack: Pack, added_by: str, at: datetime) -> None:
        """Add (or replace) a debate for this workspace only."""
        await self.db.execute(
            """INSERT INTO workspace_packs (workspace_id, pack_id, body, added_by, added_at)
               VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (workspace_id, pack_id) DO UPDATE SET body = excluded.body,
                   added_by = excluded.added_by, added_at = excluded.added_at""",
            workspace_id,
            pack.id,
            pack.model_dump_json(),
            added_by,
            aware(at),
        )

    async def packs(self, workspace_id: int) -> list[Pack]:
        rows = await self.all("SELECT body FROM workspace_packs WHERE workspace_id = $1 ORDER BY pack_id", workspace_id)
        return [Pack.model_validate_json(row["body"]) for row in rows]

    async def forget_player(self, workspace_id: int, user_id: str) -> int:
        """Delete a player's answers and game records in one workspace; returns rows deleted."""
        # Bump the games' versions first, so no service keeps using a cached state that has them.
        await self.db.execute(
            """UPDATE games SET version = version + 1
               WHERE workspace_id = $1 AND id IN (SELECT game_id FROM game_players WHERE user_id = $2)""",
            workspace_id,
            user_id,
        )
        deleted = 0
        for sql in (
            "DELETE FROM round_progress WHERE user_id = $1"
            " AND round_id IN (SELECT id FROM rounds WHERE workspace_id = $2)",
            "DELETE FROM answers WHERE user_id = $1 AND game_id IN (SELECT id FROM games WHERE workspace_id = $2)",
            "DELETE FROM game_players WHERE user_id = $1 AND game_id IN (SELECT id FROM games WHERE workspace_id = $2)",
        ):
            deleted += await self.changed(sql, user_id, workspace_id)
        return deleted
