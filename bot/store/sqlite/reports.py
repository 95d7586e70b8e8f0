"""What teachers' reports and the administrator's commands read, and purging old games."""

from __future__ import annotations

from datetime import datetime

from bot.store.codec import instant, maybe_instant, parse_instant
from bot.store.records import GameListing, GameNotFound, GameRecord, GameRef, RosterEntry, Vote
from bot.store.sqlite.rows import Repository


class SqliteReports(Repository):
    async def game_record(self, ref: GameRef) -> GameRecord:
        game = await self.one(
            """SELECT c.external_id AS channel, g.started_at, g.status, g.host, g.script, g.pack_hash, g.asked
               FROM games g JOIN channels c ON c.id = g.channel_id WHERE g.id = ? AND g.workspace_id = ?""",
            (ref.game_id, ref.workspace_id),
        )
        if game is None:
            raise GameNotFound(f"no game {ref.game_id} in this workspace")
        answers = await self.all(
            "SELECT step, user_id, option FROM answers WHERE game_id = ? ORDER BY step", (ref.game_id,)
        )
        closed = await self.all(
            "SELECT step FROM questions WHERE game_id = ? AND closed_at IS NOT NULL", (ref.game_id,)
        )
        roster = await self.all(
            """SELECT user_id, display_name, score, correct, answered FROM game_players
               WHERE game_id = ? ORDER BY joined, user_id""",
            (ref.game_id,),
        )
        return GameRecord(
            ref=ref,
            script=await self.script(game["script"], game["pack_hash"]),
            asked=game["asked"],
            host=game["host"],
            channel=game["channel"],
            started_at=parse_instant(game["started_at"]),
            status=game["status"],
            answers=tuple((r["step"], r["user_id"], r["option"]) for r in answers),
            closed_steps=frozenset(r["step"] for r in closed),
            roster=tuple(RosterEntry(*r) for r in roster),
        )

    async def students(self, ref: GameRef) -> list[str]:
        rows = await self.all(
            """SELECT p.user_id FROM game_players p JOIN games g ON g.id = p.game_id
               WHERE p.game_id = ? AND g.workspace_id = ? AND p.user_id != g.host ORDER BY p.joined, p.user_id""",
            (ref.game_id, ref.workspace_id),
        )
        return [row["user_id"] for row in rows]

    async def workspace_students(self, workspace_id: int) -> list[str]:
        """Every student of the workspace's games (a game's host is not its student), in order of
        first joining across the workspace: what stable pseudonyms are numbered by."""
        rows = await self.all(
            """SELECT user_id FROM (
                 SELECT p.user_id, g.started_at, g.id AS game_id, p.joined,
                        ROW_NUMBER() OVER (PARTITION BY p.user_id ORDER BY g.started_at, g.id, p.joined) AS nth
                 FROM game_players p JOIN games g ON g.id = p.game_id
                 WHERE g.workspace_id = ? AND p.user_id != g.host)
               WHERE nth = 1 ORDER BY started_at, game_id, joined, user_id""",
            (workspace_id,),
        )
        return [row["user_id"] for row in rows]

    async def listings(
        self,
        *,
        channel: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        workspace_id: int | None = None,
    ) -> list[GameListing]:
        """Games, oldest first, optionally in one channel (and workspace) and started within
        ``[since, until)``."""
        rows = await self.all(
            """SELECT g.id, g.workspace_id, g.pack_id, w.platform, c.external_id AS channel, g.started_at, g.status,
                      (SELECT COUNT(*) FROM game_players p WHERE p.game_id = g.id AND p.user_id != g.host) AS players,
                      r.number AS round_number
               FROM games g JOIN channels c ON c.id = g.channel_id JOIN workspaces w ON w.id = g.workspace_id
               LEFT JOIN rounds r ON r.game_id = g.id
               WHERE (? IS NULL OR c.external_id = ?) AND (? IS NULL OR g.workspace_id = ?)
                 AND (? IS NULL OR g.started_at >= ?) AND (? IS NULL OR g.started_at < ?)
               ORDER BY g.started_at, g.id""",
            (channel, channel, workspace_id, workspace_id, *(maybe_instant(since),) * 2, *(maybe_instant(until),) * 2),
        )
        return [
            GameListing(
                GameRef(r["workspace_id"], r["id"]),
                r["pack_id"],
                r["platform"],
                r["channel"],
                parse_instant(r["started_at"]),
                r["players"],
                r["status"],
                r["round_number"],
            )
            for r in rows
        ]

    async def find(self, game_id: int) -> GameRef | None:
        row = await self.one("SELECT workspace_id FROM games WHERE id = ?", (game_id,))
        return GameRef(row["workspace_id"], game_id) if row else None

    async def stronger_votes(self, workspace_id: int, pack_id: str) -> list[Vote]:
        """Every stronger-point vote cast in the workspace's games of one debate."""
        rows = await self.all(
            """SELECT g.script, g.pack_hash, a.step, a.option FROM games g
               JOIN answers a ON a.game_id = g.id JOIN questions q ON q.game_id = a.game_id AND q.step = a.step
               WHERE g.workspace_id = ? AND g.pack_id = ? AND q.kind = 'stronger'
               ORDER BY g.id, a.step, a.user_id""",
            (workspace_id, pack_id),
        )
        return [Vote(await self.script(r["script"], r["pack_hash"]), r["step"], r["option"]) for r in rows]

    async def claim_share(self, ref: GameRef, results_version: int, at: datetime) -> str | None:
        """Claim the sharing of a game's class summary as it stands after ``results_version``
        questions closed: None if this claim is the first, else what the earlier one recorded
        ("posting" while it is under way, or when it was posted). Kept with the platform events
        handled (``processed_events``), so it holds across restarts and processes."""
        key = _share_key(ref, results_version)
        cursor = await self.db.execute(
            """INSERT INTO processed_events (workspace_id, event_id, reply, handled_at) VALUES (?, ?, 'posting', ?)
               ON CONFLICT DO NOTHING""",
            (ref.workspace_id, key, instant(at)),
        )
        if cursor.rowcount == 1:
            return None
        row = await self.one(
            "SELECT reply FROM processed_events WHERE workspace_id = ? AND event_id = ?", (ref.workspace_id, key)
        )
        return str(row["reply"]) if row and row["reply"] else "posting"

    async def finish_share(self, ref: GameRef, results_version: int, note: str | None) -> None:
        """Record a claimed share as posted (``note``), or release the claim (None) after a
        failed post, so the teacher can press again once the cause is fixed."""
        key = _share_key(ref, results_version)
        if note is None:
            await self.db.execute(
                "DELETE FROM processed_events WHERE workspace_id = ? AND event_id = ?", (ref.workspace_id, key)
            )
        else:
            await self.db.execute(
                "UPDATE processed_events SET reply = ? WHERE workspace_id = ? AND event_id = ?",
                (note, ref.workspace_id, key),
            )

    async def purge(self, older_than: datetime) -> int:
        """Delete games started before ``older_than`` with everything they recorded (and the record
        of platform events handled before then); returns how many games."""
        cursor = await self.db.execute("DELETE FROM games WHERE started_at < ?", (instant(older_than),))
        deleted = cursor.rowcount
        await self.db.execute("DELETE FROM pack_snapshots WHERE hash NOT IN (SELECT pack_hash FROM games)")
        await self.db.execute("DELETE FROM processed_events WHERE handled_at < ?", (instant(older_than),))
        return deleted


def _share_key(ref: GameRef, results_version: int) -> str:
    return f"share-summary:{ref.game_id}:{results_version}"
