"""Workspace-level operations adapters share: teachers, the workspace's library, a player's
data. Each is one transaction. (Leaderboards rank daily rounds: ``bot.rounds.service``.)"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from bot.content.library import Library
from bot.content.listing import LibraryListing, list_library
from bot.content.model import Pack
from bot.games.service import utc_now
from bot.store.interface import Store
from bot.store.records import TeacherSettings


class WorkspaceService:
    def __init__(self, database: Store, shipped: Library, clock: Callable[[], datetime] = utc_now) -> None:
        self.database = database
        self.shipped = shipped
        self.clock = clock

    async def library(self, workspace_id: int) -> Library:
        """The shipped debates plus those imported into this workspace (which win on a clash)."""
        async with self.database.read() as uow:
            own = await uow.workspaces.packs(workspace_id)
        return Library({**self.shipped.packs, **{p.id: p for p in own}})

    async def listing(self, workspace_id: int, tag: str | None = None) -> LibraryListing:
        """This workspace's library as ``/debate library [tag]`` shows it (``bot.content.listing``).
        Built in a worker thread: the first reading level loads a pronouncing dictionary,
        1.5-3 s of CPU once per process, which must not hold up other players' clicks."""
        packs = list((await self.library(workspace_id)).packs.values())
        return await asyncio.to_thread(list_library, packs, tag)

    async def add_pack(self, workspace_id: int, pack: Pack, added_by: str) -> None:
        async with self.database.write() as uow:
            await uow.workspaces.add_pack(workspace_id, pack, added_by, self.clock())

    async def teacher_settings(self, workspace_id: int) -> TeacherSettings:
        async with self.database.read() as uow:
            return await uow.workspaces.teacher_settings(workspace_id)

    async def save_teacher_settings(self, workspace_id: int, settings: TeacherSettings) -> None:
        async with self.database.write() as uow:
            await uow.workspaces.save_teacher_settings(workspace_id, settings)

    async def forget_player(self, workspace_id: int, user_id: str) -> int:
        async with self.database.write() as uow:
            return await uow.workspaces.forget_player(workspace_id, user_id)
