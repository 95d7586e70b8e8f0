"""What the results web site reads and writes: sign-in link generations, the signing key,
channel names, teachers' notes. Every game query names its workspace."""

from __future__ import annotations

from datetime import datetime

from bot.store.codec import instant, maybe_instant, parse_instant
from bot.store.records import GameListing, GameNote, GameRef
from bot.store.sqlite.rows import Repository


class SqliteWeb(Repository):
    async def signing_secret(self, candidate: str, at: datetime) -> str:
        await self.db.execute(
            "INSERT INTO web_signing_key (id, secret, created_at) VALUES (1, ?, ?) ON CONFLICT DO NOTHING",
            (candidate, instant(at)),
        )
        row = await self.one("SELECT secret FROM web_signing_key WHERE id = 1")
        assert row is not None
        return str(row["secret"])

    async def access_generation(self, workspace_id: int) -> int:
        row = await self.one("SELECT generation FROM web_access WHERE workspace_id = ?", (workspace_id,))
        return int(row["generation"]) if row else 0

    async def revoke_links(self, workspace_id: int, at: datetime) -> int:
        await self.db.execute(
            """INSERT INTO web_access (workspace_id, generation, revoked_at) VALUES (?, 1, ?)
               ON CONFLICT (workspace_id) DO UPDATE SET generation = web_access.generation + 1,
                   revoked_at = excluded.revoked_at""",
            (workspace_id, instant(at)),
        )
        return await self.access_generation(workspace_id)

    async def workspace_ref(self, workspace_id: int) -> tuple[str, str] | None:
        row = await self.one("SELECT platform, external_id FROM workspaces WHERE id = ?", (workspace_id,))
        return (str(row["platform"]), str(row["external_id"])) if row else None

    async def games(
        self,
        workspace_id: int,
        *,
        channel: str | None = None,
        pack_id: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[GameListing]:
        rows = await self.all(
            """SELECT g.id, g.pack_id, w.platform, c.external_id AS channel, c.name AS channel_name, g.started_at,
                      g.status, r.number AS round_number, json_extract(s.body, '$.question') AS question,
                      (SELECT COUNT(*) FROM game_players p WHERE p.game_id = g.id AND p.user_id != g.host) AS players
               FROM games g JOIN channels c ON c.id = g.channel_id JOIN workspaces w ON w.id = g.workspace_id
               JOIN pack_snapshots s ON s.hash = g.pack_hash
               LEFT JOIN rounds r ON r.game_id = g.id
               WHERE g.workspace_id = ?
                 AND (? IS NULL OR c.external_id = ? OR c.name = ?)
                 AND (? IS NULL OR g.pack_id = ?)
                 AND (? IS NULL OR g.started_at >= ?) AND (? IS NULL OR g.started_at < ?)
               ORDER BY g.started_at DESC, g.id DESC""",
            (
                workspace_id,
                *(channel,) * 3,
                *(pack_id,) * 2,
                *(maybe_instant(since),) * 2,
                *(maybe_instant(until),) * 2,
            ),
        )
        return [
            GameListing(
                GameRef(workspace_id, r["id"]),
                r["pack_id"],
                r["platform"],
                r["channel"],
                parse_instant(r["started_at"]),
                r["players"],
                r["status"],
                r["round_number"],
                r["channel_name"],
                r["question"],
            )
            for r in rows
        ]

    async def channels(self, workspace_id: int) -> list[tuple[str, str | None]]:
        rows = await self.all(
            """SELECT external_id, name FROM channels c WHERE workspace_id = ?
                 AND EXISTS (SELECT 1 FROM games g WHERE g.channel_id = c.id)
               ORDER BY COALESCE(name, external_id)""",
            (workspace_id,),
        )
        return [(str(r["external_id"]), r["name"]) for r in rows]

    async def channel_name(self, workspace_id: int, external_id: str) -> str | None:
        row = await self.one(
            "SELECT name FROM channels WHERE workspace_id = ? AND external_id = ?", (workspace_id, external_id)
        )
        return row["name"] if row else None

    async def notes(self, ref: GameRef) -> list[GameNote]:
        rows = await self.all(
            """SELECT n.id, n.body, n.written_at FROM game_notes n JOIN games g ON g.id = n.game_id
               WHERE n.game_id = ? AND g.workspace_id = ? ORDER BY n.id""",
            (ref.game_id, ref.workspace_id),
        )
        return [GameNote(r["id"], r["body"], parse_instant(r["written_at"])) for r in rows]

    async def add_note(self, ref: GameRef, body: str, at: datetime) -> int:
        cursor = await self.db.execute(
            """INSERT INTO game_notes (game_id, body, written_at)
               SELECT id, ?, ? FROM games WHERE id = ? AND workspace_id = ?""",
            (body, instant(at), ref.game_id, ref.workspace_id),
        )
        return int(cursor.lastrowid or 0) if cursor.rowcount == 1 else 0

    async def round_ids(self, workspace_id: int, limit: int) -> list[int]:
        rows = await self.all(
            "SELECT id FROM rounds WHERE workspace_id = ? ORDER BY scheduled_for DESC, id DESC LIMIT ?",
            (workspace_id, limit),
        )
        return [int(r["id"]) for r in rows]
