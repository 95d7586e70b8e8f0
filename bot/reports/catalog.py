"""Finding games for reports, and deleting old ones. Administrative: spans workspaces."""

from __future__ import annotations

from datetime import datetime

from bot.store.interface import Store
from bot.store.records import GameListing, GameRef

__all__ = ["GameListing", "find_game", "list_games", "purge_games"]


async def list_games(
    database: Store,
    *,
    channel: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    workspace_id: int | None = None,
) -> list[GameListing]:
    """Games, oldest first, optionally in one channel (of one workspace) and started within
    ``[since, until)``."""
    async with database.read() as uow:
        return await uow.reports.listings(channel=channel, since=since, until=until, workspace_id=workspace_id)


async def find_game(database: Store, game_id: int) -> GameRef | None:
    async with database.read() as uow:
        return await uow.reports.find(game_id)


async def purge_games(database: Store, older_than: datetime) -> int:
    """Delete games started before ``older_than`` with everything they recorded (and the record of
    platform events handled before then); returns how many games."""
    async with database.write() as uow:
        return await uow.reports.purge(older_than)
