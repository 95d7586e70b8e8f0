"""Where a game lives on a platform, and the platform events already handled (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.store.codec import aware
from bot.store.postgres.rows import Repository
from bot.store.records import EventClaim, GameRef


class PostgresPlaces(Repository):
    async def set_thread(self, ref: GameRef, thread_ref: str) -> None:
        await self.db.execute(
            "UPDATE games SET thread_ref = $1 WHERE id = $2 AND workspace_id = $3",
            thread_ref,
            ref.game_id,
            ref.workspace_id,
        )

    async def thread_of(self, ref: GameRef) -> str | None:
        row = await self.one(
            "SELECT thread_ref FROM games WHERE id = $1 AND workspace_id = $2", ref.game_id, ref.workspace_id
        )
        return row["thread_ref"] if row else None

    async def live_game_at(self, workspace_id: int, place: str) -> GameRef | None:
        """The newest live game not yet ended whose thread is ``place``, or started in channel ``place``."""
        row = await self.one(
            """SELECT g.id FROM games g JOIN channels c ON c.id = g.channel_id
               WHERE g.workspace_id = $1 AND g.status != 'ended' AND g.kind = 'live'
                 AND (g.thread_ref = $2 OR c.external_id = $2)
               ORDER BY g.id DESC LIMIT 1""",
            workspace_id,
            place,
        )
        return GameRef(workspace_id, int(row["id"])) if row else None

    async def record_message(self, ref: GameRef, step: int, message_ref: str) -> str | None:
        # The no-op update makes RETURNING give the row already there (and locks it), in one statement.
        row = await self.one(
            """INSERT INTO step_messages (game_id, step, message_ref)
               SELECT id, $1, $2 FROM games WHERE id = $3 AND workspace_id = $4
               ON CONFLICT (game_id, step) DO UPDATE SET message_ref = step_messages.message_ref
               RETURNING message_ref""",
            step,
            message_ref,
            ref.game_id,
            ref.workspace_id,
        )
        return row["message_ref"] if row else None

    async def message_of(self, ref: GameRef, step: int) -> str | None:
        row = await self.one(
            """SELECT m.message_ref FROM step_messages m JOIN games g ON g.id = m.game_id
               WHERE m.game_id = $1 AND g.workspace_id = $2 AND m.step = $3""",
            ref.game_id,
            ref.workspace_id,
            step,
        )
        return row["message_ref"] if row else None

    async def unposted_steps(self, phase_began_before: datetime) -> list[GameRef]:
        rows = await self.all(
            """SELECT g.id, g.workspace_id FROM games g
               LEFT JOIN step_messages m ON m.game_id = g.id AND m.step = g.step
               WHERE g.status != 'ended' AND g.kind = 'live' AND g.thread_ref IS NOT NULL
                 AND m.game_id IS NULL AND g.phase_started_at < $1
               ORDER BY g.id""",
            aware(phase_began_before),
        )
        return [GameRef(row["workspace_id"], row["id"]) for row in rows]


class PostgresEvents(Repository):
    async def claim_many(self, events: Sequence[tuple[int, str]], at: datetime) -> dict[tuple[int, str], EventClaim]:
        """One INSERT for the whole batch (a claim racing another process's uncommitted one
        waits for it on the primary key); only events claimed before need a second read."""
        workspaces = [workspace_id for workspace_id, _ in events]
        event_ids = [event_id for _, event_id in events]
        claims = {
            (row["workspace_id"], row["event_id"]): EventClaim(is_new=True)
            for row in await self.all(
                """INSERT INTO processed_events (workspace_id, event_id, handled_at)
                   SELECT w, e, $3 FROM unnest($1::bigint[], $2::text[]) AS batch (w, e)
                   ON CONFLICT DO NOTHING RETURNING workspace_id, event_id""",
                workspaces,
                event_ids,
                aware(at),
            )
        }
        earlier = [key for key in events if key not in claims]
        if earlier:
            for row in await self.all(
                """SELECT p.workspace_id, p.event_id, p.reply FROM processed_events p
                   JOIN unnest($1::bigint[], $2::text[]) AS batch (w, e) ON p.workspace_id = w AND p.event_id = e""",
                [workspace_id for workspace_id, _ in earlier],
                [event_id for _, event_id in earlier],
            ):
                claims[(row["workspace_id"], row["event_id"])] = EventClaim(False, row["reply"])
        return claims

    async def record_replies(self, replies: Sequence[tuple[int, str, str | None]]) -> None:
        await self.db.execute(
            """UPDATE processed_events p SET reply = batch.r
               FROM unnest($1::bigint[], $2::text[], $3::text[]) AS batch (w, e, r)
               WHERE p.workspace_id = batch.w AND p.event_id = batch.e""",
            [workspace_id for workspace_id, _, _ in replies],
            [event_id for _, event_id, _ in replies],
            [reply for _, _, reply in replies],
        )

    async def claim_with_replies(
        self, events: Sequence[tuple[int, str, str | None]], at: datetime
    ) -> set[tuple[int, str]]:
        """One INSERT for the whole batch, replies included (one row write per event, where a
        claim and then its reply were two); a claim racing another process's uncommitted one
        waits for it on the primary key, and the events not inserted were claimed before."""
        inserted = {
            (row["workspace_id"], row["event_id"])
            for row in await self.all(
                """INSERT INTO processed_events (workspace_id, event_id, reply, handled_at)
                   SELECT w, e, r, $4 FROM unnest($1::bigint[], $2::text[], $3::text[]) AS batch (w, e, r)
                   ON CONFLICT DO NOTHING RETURNING workspace_id, event_id""",
                [workspace_id for workspace_id, _, _ in events],
                [event_id for _, event_id, _ in events],
                [reply for _, _, reply in events],
                aware(at),
            )
        }
        return {(w, e) for w, e, _ in events if (w, e) not in inserted}
