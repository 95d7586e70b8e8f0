"""Finding games for reports, and deleting old ones. Administrative: spans workspaces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.store.database import Database
from bot.store.games import GameRef


@dataclass(frozen=True)
class GameListing:
    ref: GameRef
    pack_id: str
    platform: str
    channel: str
    started_at: datetime
    players: int  # students, the host not counted
    status: str
    round_number: int | None = None  # set for a daily round


async def list_games(
    database: Database, *, channel: str | None = None, since: datetime | None = None, until: datetime | None = None
) -> list[GameListing]:
    """Games, oldest first, optionally in one channel and started within ``[since, until)``."""
    rows = await database.read(
        """SELECT g.id, g.workspace_id, g.pack_id, w.platform, c.external_id AS channel, g.started_at, g.status,
                  (SELECT COUNT(*) FROM game_players p WHERE p.game_id = g.id AND p.user_id != g.host) AS players,
                  r.number AS round_number
           FROM games g JOIN channels c ON c.id = g.channel_id JOIN workspaces w ON w.id = g.workspace_id
           LEFT JOIN rounds r ON r.game_id = g.id
           WHERE (? IS NULL OR c.external_id = ?)
             AND (? IS NULL OR g.started_at >= ?) AND (? IS NULL OR g.started_at < ?)
           ORDER BY g.started_at, g.id""",
        (channel, channel, *(_iso(since),) * 2, *(_iso(until),) * 2),
    )
    return [
        GameListing(
            GameRef(r["workspace_id"], r["id"]),
            r["pack_id"],
            r["platform"],
            r["channel"],
            datetime.fromisoformat(r["started_at"]),
            r["players"],
            r["status"],
            r["round_number"],
        )
        for r in rows
    ]


async def find_game(database: Database, game_id: int) -> GameRef | None:
    rows = await database.read("SELECT workspace_id FROM games WHERE id = ?", (game_id,))
    return GameRef(rows[0]["workspace_id"], game_id) if rows else None


async def purge_games(database: Database, older_than: datetime) -> int:
    """Delete games started before ``older_than`` with everything they recorded (and the record of
    platform events handled before then); returns how many games."""
    async with database.transaction() as db:
        cursor = await db.execute("DELETE FROM games WHERE started_at < ?", (older_than.isoformat(),))
        deleted = cursor.rowcount
        await db.execute("DELETE FROM pack_snapshots WHERE hash NOT IN (SELECT pack_hash FROM games)")
        await db.execute("DELETE FROM processed_events WHERE handled_at < ?", (older_than.isoformat(),))
    return deleted


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
