"""Pseudonyms number students by an explicit joining order that the store keeps."""

from __future__ import annotations

from pathlib import Path

from bot.content.library import load_library
from bot.engine.commands import PlayerAnswered
from bot.engine.state import GameSettings
from bot.games.service import GameService
from bot.identity import Player, Venue
from bot.reports.writer import game_report
from bot.store.database import Database
from bot.workspaces import WorkspaceService
from tests import sqlite_rows
from tests.engine.helpers import ManualClock, sample_pack


async def test_students_are_numbered_in_the_order_they_joined(database_at: Path | str) -> None:
    clock = ManualClock()
    async with Database.open(database_at) as store:
        service = GameService(store, clock)
        ref, _ = await service.start_game(
            Venue("slack", "T1", "C1"), Player("slack", "T1", "teacher"), "Teacher", sample_pack(), GameSettings(), 1
        )
        for user in ("zed", "amy", "bob"):  # neither alphabetical nor the host first
            await service.handle(ref, PlayerAnswered(user, user.title(), 0, 1, clock.tick()))
        await WorkspaceService(store, load_library(), clock).forget_player(ref.workspace_id, "amy")
        await service.handle(ref, PlayerAnswered("amy", "Amy", 0, 2, clock.tick()))  # joins again, last
        report = await game_report(store, ref, names=True)
        assert [p.label for p in report.players] == ["Zed", "Bob", "Amy"]
        anonymous = await game_report(store, ref, names=False)
        assert [p.label for p in anonymous.players] == ["Student 01", "Student 02", "Student 03"]
        joined = await sqlite_rows.rows(
            store, "SELECT user_id, joined FROM game_players WHERE game_id = ? ORDER BY joined", (ref.game_id,)
        )
        assert [(r["user_id"], r["joined"]) for r in joined] == [("teacher", 1), ("zed", 2), ("bob", 4), ("amy", 5)]
