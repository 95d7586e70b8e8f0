"""Stable pseudonyms: a student is the same "Student NN" in every report of a workspace.

Students are numbered by when they first joined any game of the workspace (the store's
``workspace_students``), so a new game only adds numbers after the existing ones and never
renumbers anyone. Two things do change the numbering, by design: purging old games (their
students' first games are gone) and forgetting a player (a privacy request).
"""

from __future__ import annotations

from bot.reports.game_report import pseudonym
from bot.store.interface import Store, UnitOfWork


async def read_pseudonyms(uow: UnitOfWork, workspace_id: int) -> dict[str, str]:
    """User id -> "Student NN" for every student of the workspace, in the same snapshot."""
    students = await uow.reports.workspace_students(workspace_id)
    return {user_id: pseudonym(number) for number, user_id in enumerate(students, start=1)}


async def workspace_pseudonyms(database: Store, workspace_id: int) -> dict[str, str]:
    async with database.read() as uow:
        return await read_pseudonyms(uow, workspace_id)
