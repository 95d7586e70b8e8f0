"""Where a game lives on a platform, and the platform events already handled.

Adapters record a game's thread and the message each step was posted as, so that after a
restart they edit the same messages and route a command typed in a thread to the game
running there. Processed event ids make a redelivered platform event harmless.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TypeVar

from bot.store.codec import instant
from bot.store.records import EventClaim, GameRef
from bot.store.sqlite.rows import Repository


class SqlitePlaces(Repository):
    async def set_thread(self, ref: GameRef, thread_ref: str) -> None:
        await self.db.execute(
            "UPDATE games SET thread_ref = ? WHERE id = ? AND workspace_id = ?",
            (thread_ref, ref.game_id, ref.workspace_id),
        )

    async def thread_of(self, ref: GameRef) -> str | None:
        row = await self.one(
            "SELECT thread_ref FROM games WHERE id = ? AND workspace_id = ?", (ref.game_id, ref.workspace_id)
        )
        return row["thread_ref"] if row else None

    async def live_game_at(self, workspace_id: int, place: str) -> GameRef | None:
        """The newest live game not yet ended whose thread is ``place``, or started in channel
        ``place`` (a daily round is not a game to control)."""
        row = await self.one(
            """SELECT g.id FROM games g JOIN channels c ON c.id = g.channel_id
               WHERE g.workspace_id = ? AND g.status != 'ended' AND g.kind = 'live'
                 AND (g.thread_ref = ? OR c.external_id = ?)
               ORDER BY g.id DESC LIMIT 1""",
            (workspace_id, place, place),
        )
        return GameRef(workspace_id, int(row["id"])) if row else None

    async def record_message(self, ref: GameRef, step: int, message_ref: str) -> str | None:
        # The no-op update makes RETURNING give the row already there, in the same statement.
        row = await self.one(
            """INSERT INTO step_messages (game_id, step, message_ref)
               SELECT id, ?, ? FROM games WHERE id = ? AND workspace_id = ?
               ON CONFLICT (game_id, step) DO UPDATE SET message_ref = step_messages.message_ref
               RETURNING message_ref""",
            (step, message_ref, ref.game_id, ref.workspace_id),
        )
        return row["message_ref"] if row else None

    async def message_of(self, ref: GameRef, step: int) -> str | None:
        row = await self.one(
            """SELECT m.message_ref FROM step_messages m JOIN games g ON g.id = m.game_id
               WHERE m.game_id = ? AND g.workspace_id = ? AND m.step = ?""",
            (ref.game_id, ref.workspace_id, step),
        )
        return row["message_ref"] if row else None

    async def unposted_steps(self, phase_began_before: datetime) -> list[GameRef]:
        rows = await self.all(
            """SELECT g.id, g.workspace_id FROM games g
               LEFT JOIN step_messages m ON m.game_id = g.id AND m.step = g.step
               WHERE g.status != 'ended' AND g.kind = 'live' AND g.thread_ref IS NOT NULL
                 AND m.game_id IS NULL AND g.phase_started_at < ?
               ORDER BY g.id""",
            (instant(phase_began_before),),
        )
        return [GameRef(row["workspace_id"], row["id"]) for row in rows]


class SqliteEvents(Repository):
    async def claim_many(self, events: Sequence[tuple[int, str]], at: datetime) -> dict[tuple[int, str], EventClaim]:
        """One INSERT for the whole batch; only the events claimed before need a second read."""
        claims: dict[tuple[int, str], EventClaim] = {}
        stamp = instant(at)
        for chunk in _chunks(events, ROWS_PER_STATEMENT):
            rows = ", ".join(["(?, ?, ?)"] * len(chunk))
            inserted = await self.all(
                f"""INSERT INTO processed_events (workspace_id, event_id, handled_at) VALUES {rows}
                    ON CONFLICT DO NOTHING RETURNING workspace_id, event_id""",
                tuple(value for workspace_id, event_id in chunk for value in (workspace_id, event_id, stamp)),
            )
            for row in inserted:
                claims[(row["workspace_id"], row["event_id"])] = EventClaim(is_new=True)
            earlier = [key for key in chunk if key not in claims]
            if earlier:
                wanted = " OR ".join(["(workspace_id = ? AND event_id = ?)"] * len(earlier))
                for row in await self.all(
                    f"SELECT workspace_id, event_id, reply FROM processed_events WHERE {wanted}",
                    tuple(value for key in earlier for value in key),
                ):
                    claims[(row["workspace_id"], row["event_id"])] = EventClaim(False, row["reply"])
        return claims

    async def record_replies(self, replies: Sequence[tuple[int, str, str | None]]) -> None:
        self.db.later_many(
            "UPDATE processed_events SET reply = ? WHERE workspace_id = ? AND event_id = ?",
            [(reply, workspace_id, event_id) for workspace_id, event_id, reply in replies],
        )

    async def claim_with_replies(
        self, events: Sequence[tuple[int, str, str | None]], at: datetime
    ) -> set[tuple[int, str]]:
        """One INSERT for the whole batch, replies included (one row write per event, where a
        claim and then its reply were two); the events it did not insert were claimed before."""
        claimed_before: set[tuple[int, str]] = set()
        stamp = instant(at)
        for chunk in _chunks(events, ROWS_PER_STATEMENT):
            rows = ", ".join(["(?, ?, ?, ?)"] * len(chunk))
            inserted = {
                (row[0], row[1])
                for row in await self.all(
                    f"""INSERT INTO processed_events (workspace_id, event_id, reply, handled_at) VALUES {rows}
                        ON CONFLICT DO NOTHING RETURNING workspace_id, event_id""",
                    tuple(
                        value
                        for workspace_id, event_id, reply in chunk
                        for value in (workspace_id, event_id, reply, stamp)
                    ),
                )
            }
            claimed_before.update((w, e) for w, e, _ in chunk if (w, e) not in inserted)
        return claimed_before


# SQLite allows 32,766 parameters in a statement (3.32 and later); four per row, well within.
ROWS_PER_STATEMENT = 1000


Row = TypeVar("Row", tuple[int, str], tuple[int, str, str | None])


def _chunks(items: Sequence[Row], size: int) -> list[Sequence[Row]]:
    return [items[start : start + size] for start in range(0, len(items), size)]
