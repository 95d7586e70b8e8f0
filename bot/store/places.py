"""Where a game lives on a platform: its thread, and the message each step was posted as.

Adapters record these after posting, so that after a restart they edit the same messages
and route a command typed in a thread to the game running there.
"""

from __future__ import annotations

import aiosqlite

from bot.store.games import GameRef


async def set_thread(db: aiosqlite.Connection, ref: GameRef, thread_ref: str) -> None:
    await db.execute(
        "UPDATE games SET thread_ref = ? WHERE id = ? AND workspace_id = ?", (thread_ref, ref.game_id, ref.workspace_id)
    )


async def thread_of(db: aiosqlite.Connection, ref: GameRef) -> str | None:
    async with db.execute(
        "SELECT thread_ref FROM games WHERE id = ? AND workspace_id = ?", (ref.game_id, ref.workspace_id)
    ) as cursor:
        row = await cursor.fetchone()
    return row["thread_ref"] if row else None


async def live_game_at(db: aiosqlite.Connection, workspace_id: int, place: str) -> GameRef | None:
    """The newest game not yet ended whose thread is ``place``, or started in channel ``place``."""
    async with db.execute(
        """SELECT g.id FROM games g JOIN channels c ON c.id = g.channel_id
           WHERE g.workspace_id = ? AND g.status != 'ended' AND (g.thread_ref = ? OR c.external_id = ?)
             AND g.id NOT IN (SELECT game_id FROM rounds)  -- a daily round is not a game to control
           ORDER BY g.id DESC LIMIT 1""",
        (workspace_id, place, place),
    ) as cursor:
        row = await cursor.fetchone()
    return GameRef(workspace_id, int(row["id"])) if row else None


async def record_message(db: aiosqlite.Connection, ref: GameRef, step: int, message_ref: str) -> None:
    await db.execute(
        """INSERT INTO step_messages (game_id, step, message_ref)
           SELECT id, ?, ? FROM games WHERE id = ? AND workspace_id = ?
           ON CONFLICT (game_id, step) DO UPDATE SET message_ref = excluded.message_ref""",
        (step, message_ref, ref.game_id, ref.workspace_id),
    )


async def message_of(db: aiosqlite.Connection, ref: GameRef, step: int) -> str | None:
    async with db.execute(
        """SELECT m.message_ref FROM step_messages m JOIN games g ON g.id = m.game_id
           WHERE m.game_id = ? AND g.workspace_id = ? AND m.step = ?""",
        (ref.game_id, ref.workspace_id, step),
    ) as cursor:
        row = await cursor.fetchone()
    return row["message_ref"] if row else None
